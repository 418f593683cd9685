import type { Alternative, FlightPlan, Rejection } from '../../../server/protocol/index.ts';
import { fill, h } from '../dom.ts';
import { formatTime, t } from '../i18n/index.ts';

export type DecisionView =
  | { kind: 'pending' }
  | { kind: 'accepted'; plan: FlightPlan }
  | { kind: 'rejected'; rejection: Rejection }
  | { kind: 'error'; message: string };

function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} ${t('unit.s')}`;
  return `${Math.round(seconds / 60)} ${t('unit.min')}`;
}

function alternativeText(a: Alternative): string {
  if (a.kind === 'departure')
    return `${t('plan.altDeparture', { delay: duration(a.delaySeconds) })} (${formatTime(Date.parse(a.departure))})`;
  const change = `${a.altitudeChangeM > 0 ? '+' : ''}${Math.round(a.altitudeChangeM)}`;
  return t('plan.altAltitude', { change, value: Math.round(a.altitude.value), reference: a.altitude.reference });
}

function conflictSummary(r: Rejection): string {
  const flights = r.conflicts.filter((c) => c.type === 'flight').length;
  const zones = r.conflicts.length - flights;
  const key = flights && zones ? 'both' : zones ? 'zones' : 'flights';
  return t(`plan.conflictSummary.${key}`, { flights, zones });
}

/** The server's answer: the accepted plan, or every conflict with the alternatives it offers, one click each. */
export function renderDecision(el: HTMLElement, view: DecisionView | null, take: (a: Alternative) => void): void {
  el.hidden = view === null;
  if (!view) return fill(el);
  if (view.kind === 'pending') return fill(el, h('p', {}, t('plan.submitting')));
  if (view.kind === 'error') {
    return fill(
      el,
      h('h2', { class: 'bad' }, t('plan.error')),
      h('p', { 'data-testid': 'decision-error' }, view.message),
    );
  }
  if (view.kind === 'accepted') {
    const p = view.plan;
    el.dataset.state = 'accepted';
    return fill(
      el,
      h('h2', { class: 'good', 'data-testid': 'decision-state' }, t('plan.accepted')),
      h('p', { class: 'mono small', 'data-testid': 'decision-plan-id' }, p.id),
      h(
        'p',
        {},
        t('detail.skyRoadCells', {
          cells: p.skyRoad.cellCount,
          floor: Math.round(p.skyRoad.floorM),
          ceiling: Math.round(p.skyRoad.ceilingM),
        }),
      ),
      h('p', {}, `${formatTime(Date.parse(p.timeStart), true)} – ${formatTime(Date.parse(p.timeEnd))}`),
    );
  }
  const r = view.rejection;
  el.dataset.state = 'rejected';
  fill(
    el,
    h('h2', { class: 'bad', 'data-testid': 'decision-state' }, t('plan.rejected')),
    h('p', { title: r.message }, conflictSummary(r)),
    h('h3', {}, t('plan.conflicts')),
    h(
      'ul',
      { class: 'list conflicts', 'data-testid': 'conflicts' },
      ...r.conflicts.map((c) =>
        h(
          'li',
          { 'data-conflict-id': c.id },
          c.type === 'flight'
            ? t('plan.conflictFlight', { priority: c.priority ?? 0 })
            : t('plan.conflictZone', { name: c.name ?? c.id, kind: c.kind ?? '' }),
          h(
            'div',
            { class: 'sub' },
            `${formatTime(Date.parse(c.start))}–${formatTime(Date.parse(c.end))} · ${Math.round(c.floorM)}–${Math.round(c.ceilingM)} m W84 · ${t('plan.conflictCells', { cells: c.cellCount })}`,
          ),
        ),
      ),
    ),
    h('h3', {}, t('plan.alternatives')),
    r.alternatives.length
      ? h(
          'ul',
          { class: 'list alternatives', 'data-testid': 'alternatives' },
          ...r.alternatives.map((a, i) =>
            h(
              'li',
              {},
              h('span', {}, alternativeText(a)),
              h(
                'button',
                { class: 'primary', 'data-testid': `take-alternative-${i}`, onclick: () => take(a) },
                t('plan.take'),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty' }, t('plan.noAlternatives')),
  );
}

import type {
  Alternative,
  EarliestSlot,
  FlightPlan,
  FlightPlanRequest,
  Rejection,
} from '../../../server/protocol/index.ts';
import { fill, h } from '../dom.ts';
import { formatTime, t } from '../i18n/index.ts';

export type DecisionView =
  | { kind: 'pending' }
  | { kind: 'accepted'; plan: FlightPlan }
  | { kind: 'rejected'; rejection: Rejection }
  | { kind: 'earliest'; slot: EarliestSlot }
  | { kind: 'error'; message: string }
  /** Refused before any airspace check: the drone is nobody's yet, and the operator may register it. */
  | { kind: 'unregistered'; request: FlightPlanRequest; message: string };

/** What the panel's buttons do. */
export interface DecisionActions {
  take(a: Alternative): void;
  confirm(plan: FlightPlan): void;
  fileAt(slot: EarliestSlot): void;
  registerAndFile(request: FlightPlanRequest): void;
}

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

/**
 * The server's answer: the accepted (or held) plan, every conflict with the alternatives it
 * offers, one click each, or the earliest free departure.
 */
export function renderDecision(el: HTMLElement, view: DecisionView | null, act: DecisionActions): void {
  el.hidden = view === null;
  if (!view) return fill(el);
  if (view.kind === 'pending') return fill(el, h('p', {}, t('plan.submitting')));
  if (view.kind === 'earliest') {
    const s = view.slot;
    el.dataset.state = 'earliest';
    const when = s.departure ? formatTime(Date.parse(s.departure)) : '';
    return fill(
      el,
      h('h2', {}, t('plan.earliestTitle')),
      h(
        'p',
        { 'data-testid': 'earliest-slot' },
        !s.departure
          ? t('plan.earliestNone')
          : s.delaySeconds
            ? t('plan.earliestFound', { time: when, delay: duration(s.delaySeconds) })
            : t('plan.earliestNow', { time: when }),
      ),
      s.request
        ? h(
            'button',
            { class: 'primary', 'data-testid': 'file-earliest', onclick: () => act.fileAt(s) },
            t('plan.fileAt'),
          )
        : null,
    );
  }
  if (view.kind === 'unregistered') {
    el.dataset.state = 'unregistered';
    return fill(
      el,
      h('h2', { class: 'bad' }, t('plan.unregistered', { drone: view.request.droneId })),
      h('p', { 'data-testid': 'decision-error' }, view.message),
      h(
        'button',
        { class: 'primary', 'data-testid': 'register-and-file', onclick: () => act.registerAndFile(view.request) },
        t('plan.registerAndFile', { drone: view.request.droneId }),
      ),
    );
  }
  if (view.kind === 'error') {
    el.dataset.state = 'error';
    return fill(
      el,
      h('h2', { class: 'bad' }, t('plan.error')),
      h('p', { 'data-testid': 'decision-error' }, view.message),
    );
  }
  if (view.kind === 'accepted') {
    const p = view.plan;
    const until = p.heldUntil && p.state === 'Held' ? formatTime(Date.parse(p.heldUntil)) : null;
    el.dataset.state = until ? 'held' : 'accepted';
    return fill(
      el,
      h(
        'h2',
        { class: until ? '' : 'good', 'data-testid': 'decision-state' },
        until ? t('plan.held', { time: until }) : t('plan.accepted'),
      ),
      until ? h('p', {}, t('plan.heldHint', { time: until })) : null,
      until
        ? h(
            'button',
            { class: 'primary', 'data-testid': 'decision-confirm', onclick: () => act.confirm(p) },
            t('plan.confirm'),
          )
        : null,
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
                { class: 'primary', 'data-testid': `take-alternative-${i}`, onclick: () => act.take(a) },
                t('plan.take'),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty' }, t('plan.noAlternatives')),
  );
}

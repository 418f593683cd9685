import type { Alert, FlightPlan } from '../../../server/protocol/index.ts';
import { fill, h } from '../dom.ts';
import { formatTime, t, type MessageKey } from '../i18n/index.ts';
import type { DroneView } from '../state/drones.ts';

export interface Detail {
  drone: DroneView | null;
  link: 'live' | 'stale' | 'lost';
  plan: FlightPlan | null;
  alerts: readonly Alert[];
  groundW84M: number;
}

const m = (x: number | null | undefined, digits = 0) =>
  x === null || x === undefined ? '—' : `${x.toFixed(digits)} m`;

function table(rows: Array<[MessageKey, string]>): HTMLElement {
  return h('dl', {}, ...rows.flatMap(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v)]));
}

function droneSection(d: DroneView, link: Detail['link'], groundW84M: number): HTMLElement {
  return h(
    'section',
    { 'data-testid': 'detail-drone' },
    h('h3', {}, `${t('detail.drone')} `, h('span', { class: 'mono', 'data-testid': 'detail-drone-id' }, d.id)),
    table([
      ['detail.link', t(`link.${link}`)],
      ['detail.height', m(d.altW84 - groundW84M)],
      ['detail.altRelative', m(d.altRelative, 1)],
      ['detail.altW84', m(d.altW84, 1)],
      ['detail.speed', d.speed === null ? '—' : `${d.speed.toFixed(1)} m/s`],
      ['detail.heading', d.heading === null ? '—' : `${Math.round(d.heading)}°`],
      ['detail.battery', d.battery === null ? '—' : `${d.battery} %`],
      ['detail.mode', `${d.mode ?? '—'}${d.armed ? ' · armed' : ''}`],
      ['detail.time', formatTime(d.time)],
    ]),
  );
}

function planSection(p: FlightPlan): HTMLElement {
  const r = p.skyRoad;
  return h(
    'section',
    { 'data-testid': 'detail-plan', 'data-plan-id': p.id },
    h(
      'h3',
      {},
      `${t('detail.plan')} `,
      h('span', { class: `badge state-${p.state}`, 'data-testid': 'detail-plan-state' }, t(`state.${p.state}`)),
    ),
    h('p', { class: 'mono small', 'data-testid': 'detail-plan-id' }, p.id),
    table([
      ['detail.purpose', p.purpose ?? '—'],
      ['detail.priority', String(p.priority)],
      ['detail.departure', p.departure ? formatTime(Date.parse(p.departure), true) : '—'],
      ['detail.arrival', p.arrival ? formatTime(Date.parse(p.arrival), true) : '—'],
      ['detail.window', `${formatTime(Date.parse(p.timeStart))} – ${formatTime(Date.parse(p.timeEnd))}`],
      [
        'detail.route',
        t('detail.waypoints', { n: p.request.route?.waypoints.length ?? p.request.volumes?.length ?? 0 }),
      ],
      [
        'detail.skyRoad',
        t('detail.skyRoadCells', { cells: r.cellCount, floor: Math.round(r.floorM), ceiling: Math.round(r.ceilingM) }),
      ],
    ]),
    p.history?.length
      ? h(
          'div',
          {},
          h('h4', {}, t('detail.history')),
          h(
            'ol',
            { class: 'history' },
            ...p.history.map((e) =>
              h(
                'li',
                {},
                `${formatTime(Date.parse(e.at), true)} · ${t(`state.${e.state}`)}${e.reason ? ` — ${e.reason}` : ''}`,
              ),
            ),
          ),
        )
      : null,
  );
}

/** What is known of a clicked drone or plan: position and link, the plan, its sky road, history and alerts. */
export function renderDetail(el: HTMLElement, d: Detail | null, onClose: () => void): void {
  el.hidden = d === null;
  if (!d) return fill(el);
  fill(
    el,
    h('button', { class: 'close', 'data-testid': 'detail-close', title: t('detail.close'), onclick: onClose }, '×'),
    d.drone ? droneSection(d.drone, d.link, d.groundW84M) : null,
    d.plan ? planSection(d.plan) : h('p', { class: 'empty', 'data-testid': 'detail-no-plan' }, t('detail.noPlan')),
    h(
      'section',
      {},
      h('h4', {}, t('detail.alerts')),
      d.alerts.length
        ? h(
            'ul',
            { class: 'list' },
            ...d.alerts.map((a) =>
              h('li', {}, `${formatTime(Date.parse(a.openedAt))} ${t(`alert.${a.kind}` as MessageKey)} — ${a.message}`),
            ),
          )
        : h('p', { class: 'empty' }, t('detail.noAlerts')),
    ),
  );
}

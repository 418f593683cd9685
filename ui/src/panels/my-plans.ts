import type { FlightPlan } from '../../../server/protocol/index.ts';
import { fill, h, shortId } from '../dom.ts';
import { formatTime, t } from '../i18n/index.ts';

export interface PlanActions {
  show(plan: FlightPlan): void;
  confirm(plan: FlightPlan): void;
  activate(plan: FlightPlan): void;
  end(plan: FlightPlan): void;
  cancel(plan: FlightPlan): void;
  /** Saves the plan's DIPS 2.0 filing. */
  export(plan: FlightPlan, format: 'json' | 'csv'): void;
}

const FLYING = ['Activated', 'Nonconforming', 'Contingent'];

/** The plans filed from this browser, with what can be done to each in its state. */
export function renderMyPlans(
  el: HTMLElement,
  plans: readonly FlightPlan[],
  shown: string | null,
  act: PlanActions,
): void {
  if (!plans.length) return fill(el, h('p', { class: 'empty' }, t('plan.mineNone')));
  const button = (label: string, testId: string, run: () => void) =>
    h('button', { type: 'button', 'data-testid': testId, onclick: (e: Event) => (e.stopPropagation(), run()) }, label);
  fill(
    el,
    h(
      'ul',
      { class: 'list flights' },
      ...plans.map((p) =>
        h(
          'li',
          {
            class: `flight state-${p.state}${p.id === shown ? ' selected' : ''}`,
            'data-plan-id': p.id,
            onclick: () => act.show(p),
          },
          h(
            'div',
            { class: 'row' },
            h('b', {}, p.droneId),
            h('span', { class: `badge state-${p.state}` }, t(`state.${p.state}`)),
          ),
          h(
            'div',
            { class: 'row sub' },
            `${formatTime(Date.parse(p.departure ?? p.timeStart), true)} · ${shortId(p.id)}`,
            p.state === 'Held' && p.heldUntil
              ? ` · ${t('plan.held', { time: formatTime(Date.parse(p.heldUntil)) })}`
              : '',
          ),
          h(
            'div',
            { class: 'row actions' },
            p.state === 'Held' ? button(t('plan.confirm'), 'confirm', () => act.confirm(p)) : null,
            p.state === 'Accepted' ? button(t('plan.activate'), 'activate', () => act.activate(p)) : null,
            FLYING.includes(p.state) ? button(t('plan.end'), 'end', () => act.end(p)) : null,
            p.state === 'Held' || p.state === 'Accepted' || FLYING.includes(p.state)
              ? button(t('plan.cancel'), 'cancel', () => act.cancel(p))
              : null,
          ),
          h(
            'div',
            { class: 'row actions' },
            button(t('plan.exportJson'), 'export-json', () => act.export(p, 'json')),
            button(t('plan.exportCsv'), 'export-csv', () => act.export(p, 'csv')),
          ),
        ),
      ),
    ),
  );
}

import type { FlightPlan, PlanState } from '../../../server/protocol/index.ts';
import { fill, h, shortId } from '../dom.ts';
import { formatTime, t } from '../i18n/index.ts';

const STATES: PlanState[] = [
  'Held',
  'Accepted',
  'Activated',
  'Nonconforming',
  'Contingent',
  'Ended',
  'Cancelled',
  'Preempted',
];

/** The plans the stream knows, filtered by state and by a search on drone id and purpose. */
export class FlightsPanel {
  private state = '';
  private query = '';
  private readonly select: HTMLSelectElement;
  private readonly search: HTMLInputElement;
  private readonly list: HTMLElement;
  private last: { plans: readonly FlightPlan[]; selected: string | null } = { plans: [], selected: null };

  constructor(
    el: HTMLElement,
    private readonly onSelect: (plan: FlightPlan) => void,
  ) {
    this.select = h('select', {
      'data-testid': 'flight-state-filter',
      onchange: () => {
        this.state = this.select.value;
        this.redraw();
      },
    });
    this.search = h('input', {
      type: 'search',
      'data-testid': 'flight-search',
      oninput: () => {
        this.query = this.search.value.trim().toLowerCase();
        this.redraw();
      },
    });
    this.list = h('div');
    fill(el, h('div', { class: 'filters' }, this.select, this.search), this.list);
    this.translate();
  }

  translate(): void {
    fill(
      this.select,
      h('option', { value: '' }, t('flights.filterAll')),
      ...STATES.map((s) => h('option', { value: s, selected: s === this.state }, t(`state.${s}`))),
    );
    this.search.placeholder = t('flights.search');
    this.redraw();
  }

  render(plans: readonly FlightPlan[], selected: string | null): void {
    this.last = { plans, selected };
    this.redraw();
  }

  private redraw(): void {
    const shown = this.last.plans
      .filter((p) => !this.state || p.state === this.state)
      .filter((p) => !this.query || `${p.droneId} ${p.purpose ?? ''} ${p.id}`.toLowerCase().includes(this.query))
      .sort((a, b) => Date.parse(a.timeStart) - Date.parse(b.timeStart));
    if (!shown.length) return fill(this.list, h('p', { class: 'empty' }, t('flights.none')));
    fill(
      this.list,
      h(
        'ul',
        { class: 'list flights' },
        ...shown.map((p) =>
          h(
            'li',
            {
              class: `flight state-${p.state}${p.id === this.last.selected ? ' selected' : ''}`,
              'data-plan-id': p.id,
              tabindex: 0,
              onclick: () => this.onSelect(p),
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
              `${formatTime(Date.parse(p.departure ?? p.timeStart))} · P${p.priority} · ${shortId(p.id)}`,
            ),
            p.purpose ? h('div', { class: 'msg' }, p.purpose) : null,
          ),
        ),
      ),
    );
  }
}

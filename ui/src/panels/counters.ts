import { fill, h } from '../dom.ts';
import { t } from '../i18n/index.ts';

export interface Counts {
  drones: number;
  activePlans: number;
  openAlerts: number;
}

/** Drones shown, plans in flight, open alerts: the three numbers the room watches. */
export function renderCounters(el: HTMLElement, c: Counts): void {
  const item = (testId: string, n: number, label: string, warn = false) =>
    h(
      'div',
      { class: `counter${warn && n > 0 ? ' warn' : ''}`, 'data-testid': testId },
      h('b', {}, n),
      h('span', {}, label),
    );
  fill(
    el,
    item('count-drones', c.drones, t('counter.drones')),
    item('count-plans', c.activePlans, t('counter.activePlans')),
    item('count-alerts', c.openAlerts, t('counter.openAlerts'), true),
  );
}

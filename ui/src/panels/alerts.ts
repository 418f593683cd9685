import type { Alert } from '../../../server/protocol/index.ts';
import { fill, h } from '../dom.ts';
import { formatTime, t, type MessageKey } from '../i18n/index.ts';

/** Open alerts, newest first; a click focuses the map where it happened. */
export function renderAlerts(el: HTMLElement, alerts: readonly Alert[], onSelect: (a: Alert) => void): void {
  if (!alerts.length) return fill(el, h('p', { class: 'empty' }, t('alerts.none')));
  fill(
    el,
    h(
      'ul',
      { class: 'list alerts' },
      ...alerts.map((a) =>
        h(
          'li',
          { class: `alert kind-${a.kind}`, 'data-alert-id': a.id, tabindex: 0, onclick: () => onSelect(a) },
          h(
            'div',
            { class: 'row' },
            h('b', {}, t(`alert.${a.kind}` as MessageKey)),
            h('time', {}, formatTime(Date.parse(a.openedAt))),
          ),
          h('div', { class: 'row sub' }, a.droneId ?? '', a.action ? ` · ${a.action.kind}: ${a.action.outcome}` : ''),
          h('div', { class: 'msg' }, a.message),
        ),
      ),
    ),
  );
}

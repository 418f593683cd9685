import { fill, h } from '../dom.ts';
import { t } from '../i18n/index.ts';

export const WINDOW_MIN = 120;

/**
 * Which sky roads are shown: every reservation from now to two hours ahead, or (filtered) only
 * the cells reserved at the chosen minute.
 */
export class TimeSlider {
  private readonly toggle: HTMLInputElement;
  private readonly range: HTMLInputElement;
  private readonly label: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly filterLabel: HTMLElement;

  constructor(
    el: HTMLElement,
    private readonly onChange: (offsetMin: number | null) => void,
  ) {
    this.toggle = h('input', { type: 'checkbox', 'data-testid': 'time-filter', onchange: () => this.changed() });
    this.range = h('input', {
      type: 'range',
      min: 0,
      max: WINDOW_MIN,
      step: 1,
      value: 0,
      disabled: true,
      'data-testid': 'time-slider',
      oninput: () => this.changed(),
    });
    this.label = h('output');
    this.caption = h('b');
    this.filterLabel = h('span');
    fill(el, this.caption, h('label', {}, this.toggle, this.filterLabel), this.range, this.label);
    this.translate();
  }

  translate(): void {
    this.caption.textContent = t('time.title');
    this.filterLabel.textContent = t('time.filter');
    this.showLabel();
  }

  private changed(): void {
    this.range.disabled = !this.toggle.checked;
    this.showLabel();
    this.onChange(this.toggle.checked ? Number(this.range.value) : null);
  }

  private showLabel(): void {
    const m = Number(this.range.value);
    this.label.textContent = !this.toggle.checked
      ? `${t('time.now')} … +${WINDOW_MIN} ${t('unit.min')}`
      : m === 0
        ? t('time.now')
        : t('time.plus', { m });
  }
}

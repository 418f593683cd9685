import { fill, h } from '../dom.ts';
import { formatTime, t } from '../i18n/index.ts';

export interface ReplayControls {
  load(hours: number): void;
  play(): void;
  pause(): void;
  speed(x: number): void;
  seek(t: number): void;
  live(): void;
}

export type ReplayView =
  | { mode: 'live' }
  | { mode: 'loading' }
  | { mode: 'replay'; from: number; to: number; time: number; playing: boolean; drones: number; speed: number };

const HOURS = [1, 3, 6];
const SPEEDS = [1, 10, 60];

/** Replay of the last hours: pick a window, play, scrub, and come back to live. */
export function renderReplay(el: HTMLElement, view: ReplayView, c: ReplayControls): void {
  const title = h('b', {}, t('replay.title'));
  if (view.mode === 'live') {
    return fill(
      el,
      title,
      ...HOURS.map((hrs) =>
        h('button', { 'data-testid': `replay-${hrs}h`, onclick: () => c.load(hrs) }, t('replay.load', { h: hrs })),
      ),
    );
  }
  if (view.mode === 'loading') return fill(el, title, h('span', {}, t('replay.loading')));
  fill(
    el,
    title,
    h(
      'button',
      { 'data-testid': 'replay-toggle', onclick: () => (view.playing ? c.pause() : c.play()) },
      view.playing ? t('replay.pause') : t('replay.play'),
    ),
    h(
      'label',
      {},
      `${t('replay.speed')} `,
      h(
        'select',
        { onchange: (e: Event) => c.speed(Number((e.target as HTMLSelectElement).value)) },
        ...SPEEDS.map((x) => h('option', { value: x, selected: x === view.speed }, `×${x}`)),
      ),
    ),
    h('input', {
      type: 'range',
      min: view.from,
      max: view.to,
      step: 1000,
      value: view.time,
      'data-testid': 'replay-time',
      oninput: (e: Event) => c.seek(Number((e.target as HTMLInputElement).value)),
    }),
    h('output', { 'data-testid': 'replay-clock' }, formatTime(view.time, true)),
    h('span', { class: 'sub' }, view.drones ? t('replay.loaded', { n: view.drones }) : t('replay.empty')),
    h('button', { 'data-testid': 'replay-live', onclick: () => c.live() }, t('replay.live')),
  );
}

import { inBackground } from '../background.ts';
import { formatTime } from '../i18n/index.ts';
import { renderReplay, type ReplayControls, type ReplayView } from '../panels/replay.ts';
import { ReplayPlayer } from './player.ts';
import { storedTracks } from './source.ts';

export interface ReplayHost {
  /** The server's time now, which the replayed window ends at. */
  serverNow(): number;
  /** The map's bounds (west, south, east, north): the tracks replayed are those inside. */
  bounds(): [number, number, number, number];
  /** The page switches between live and replay (its status line says which). */
  modeChanged(mode: 'live' | 'replay'): void;
  invalidate(): void;
}

/** Replay of the last hours from the stored tracks: its panel, its player, and the way back to live. */
export class ReplayController {
  /** The player while replaying; null while live. */
  player: ReplayPlayer | null = null;
  private loading = false;

  constructor(
    private readonly el: HTMLElement,
    private readonly host: ReplayHost,
  ) {}

  private readonly controls: ReplayControls = {
    load: (hours) => inBackground('loading the replay', this.load(hours)),
    play: () => {
      if (this.player) this.player.playing = true;
      this.render();
    },
    pause: () => {
      if (this.player) this.player.playing = false;
      this.render();
    },
    speed: (x) => {
      if (this.player) this.player.speed = x;
    },
    seek: (time) => {
      this.player?.seek(time);
      this.host.invalidate();
    },
    live: () => {
      this.player = null;
      this.host.modeChanged('live');
      this.render();
      this.host.invalidate();
    },
  };

  private async load(hours: number): Promise<void> {
    this.loading = true;
    this.render();
    const to = this.host.serverNow();
    const from = to - hours * 3_600_000;
    try {
      this.player = new ReplayPlayer(await storedTracks.load(from, to, this.host.bounds()), from, to);
      this.player.playing = true;
      this.host.modeChanged('replay');
    } catch (err) {
      console.error('replay not loaded', err);
    }
    this.loading = false;
    this.render();
    this.host.invalidate();
  }

  private view(): ReplayView {
    if (this.loading) return { mode: 'loading' };
    const p = this.player;
    if (!p) return { mode: 'live' };
    return {
      mode: 'replay',
      from: p.from,
      to: p.to,
      time: p.time,
      playing: p.playing,
      drones: p.tracks.length,
      speed: p.speed,
    };
  }

  render(): void {
    renderReplay(this.el, this.view(), this.controls);
  }

  /** Moves the replay on by a frame's time and shows where it is (unless the user is dragging the slider). */
  tick(elapsedMs: number): void {
    const p = this.player;
    if (!p) return;
    p.advance(elapsedMs);
    const clock = this.el.querySelector<HTMLOutputElement>('[data-testid="replay-clock"]');
    const range = this.el.querySelector<HTMLInputElement>('[data-testid="replay-time"]');
    if (clock && range && document.activeElement !== range) {
      range.value = String(p.time);
      clock.textContent = formatTime(p.time, true);
    }
    if (p.playing) this.host.invalidate();
  }
}

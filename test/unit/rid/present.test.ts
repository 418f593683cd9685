import { describe, expect, it } from 'vitest';
import { presentFlight, type Track, type TrackState } from '../../../server/interop/rid/present.ts';
import { parseView, type View } from '../../../server/interop/rid/view.ts';

const NOW = Date.parse('2026-12-04T01:00:00Z');
const view = parseView('36.31,136.33,36.32,136.35') as View;

/** A state `ago` seconds before now at a longitude (the view spans 136.33–136.35). */
function at(ago: number, lng: number, airborne = true): TrackState {
  const t = NOW - ago * 1000;
  const position = { lat: 36.315, lng, alt: 100 };
  return {
    t,
    lat: 36.315,
    lng,
    airborne,
    state: {
      timestamp: { value: new Date(t).toISOString(), format: 'RFC3339' },
      timestamp_accuracy: 0,
      position,
      speed_accuracy: 'SAUnknown',
    },
  };
}
const track = (states: TrackState[]): Track => ({ id: 'f1', aircraftType: 'Helicopter', simulated: false, states });
const lngs = (f: ReturnType<typeof presentFlight>) => f!.recent_positions!.map((p) => p.position.lng);

describe('a flight as F3411 presents it in a view', () => {
  it('keeps the positions inside, and the one on each side of a crossing of the edge', () => {
    // Enters from the west, crosses, leaves to the east, comes back in.
    const f = presentFlight(
      track([at(50, 136.31), at(40, 136.32), at(30, 136.34), at(20, 136.36), at(10, 136.37), at(5, 136.345)]),
      view,
      NOW,
      60,
    );
    expect(lngs(f)).toEqual([136.32, 136.34, 136.36, 136.37, 136.345]);
    expect(f!.current_state!.position.lng).toBe(136.345);
  });

  it('gives the newest state as current, even outside the view', () => {
    const f = presentFlight(track([at(20, 136.34), at(10, 136.36), at(1, 136.38)]), view, NOW, 0);
    expect(f!.current_state!.position.lng).toBe(136.38);
    expect(f).not.toHaveProperty('recent_positions');
  });

  it('reaches back only as far as asked', () => {
    const f = presentFlight(track([at(30, 136.34), at(20, 136.341), at(10, 136.342)]), view, NOW, 15);
    expect(lngs(f)).toEqual([136.342]);
  });

  it('reports no flight whose positions inside the view are over a minute old', () => {
    expect(presentFlight(track([at(61, 136.34), at(30, 136.36)]), view, NOW, 60)).toBeNull();
    expect(presentFlight(track([at(60, 136.34), at(30, 136.36)]), view, NOW, 60)).not.toBeNull();
  });

  it('reports no aircraft that stood on the ground the whole minute', () => {
    expect(presentFlight(track([at(20, 136.34, false), at(10, 136.34, false)]), view, NOW, 0)).toBeNull();
    expect(presentFlight(track([at(20, 136.34, true), at(10, 136.34, false)]), view, NOW, 0)).not.toBeNull();
  });
});

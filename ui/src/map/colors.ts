export type Rgba = [number, number, number, number];

/** Height above ground → colour: blue low, green mid, yellow near the 150 m limit, red above it. */
const RAMP: Array<[number, [number, number, number]]> = [
  [0, [33, 150, 243]],
  [50, [0, 188, 212]],
  [100, [76, 175, 80]],
  [135, [255, 213, 79]],
  [150, [255, 152, 0]],
  [151, [229, 57, 53]],
];

export function heightColor(h: number, alpha = 255): Rgba {
  if (h <= RAMP[0]![0]) return [...RAMP[0]![1], alpha];
  for (let i = 1; i < RAMP.length; i++) {
    const [h1, c1] = RAMP[i]!;
    if (h > h1) continue;
    const [h0, c0] = RAMP[i - 1]!;
    const f = (h - h0) / (h1 - h0);
    return [0, 1, 2].map((k) => Math.round(c0[k]! + (c1[k]! - c0[k]!) * f)).concat(alpha) as Rgba;
  }
  return [...RAMP[RAMP.length - 1]![1], alpha];
}

/** The ramp as CSS, for the legend. */
export function heightGradientCss(maxM = 160): string {
  const stops = RAMP.map(([h, [r, g, b]]) => `rgb(${r},${g},${b}) ${Math.round((h / maxM) * 100)}%`);
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

export const STALE: Rgba = [150, 150, 150, 220];
export const LOST: Rgba = [90, 90, 90, 220];
export const ALERT_RED: Rgba = [229, 57, 53, 255];

export const PLAN_STATE_COLOR: Record<string, Rgba> = {
  Held: [149, 117, 205, 70],
  Accepted: [66, 133, 244, 80],
  Activated: [52, 168, 83, 110],
  Nonconforming: [251, 140, 0, 110],
  Contingent: [229, 57, 53, 120],
};

export const ZONE_COLOR: Record<string, string> = {
  prohibited: '#e53935',
  restricted: '#fb8c00',
  advisory: '#c9a400',
};

/**
 * Share of a coarse cell's sky reserved → heat, on a log scale: a city's sky is mostly free, and
 * one flight in a cell (a few thousandths) must already show; full is deep red.
 */
export function heatColor(reserved: number): Rgba {
  const level = Math.min(1, Math.log10(1 + 1000 * Math.max(0, reserved)) / 3);
  return [255, Math.round(210 * (1 - level)), 0, Math.round(50 + 150 * level)];
}

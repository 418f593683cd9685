/** An arrow pointing north, drawn once on a canvas: deck.gl tints it (mask) and turns it to the heading. */
export function droneIconAtlas(size = 64): { url: string; mapping: Record<string, IconFrame> } {
  const canvas = document.createElement('canvas');
  canvas.width = size * 2;
  canvas.height = size;
  const g = canvas.getContext('2d')!;
  const s = size;
  g.fillStyle = '#fff';
  // Arrow: a heading is known.
  g.beginPath();
  g.moveTo(s / 2, 4);
  g.lineTo(s - 10, s - 8);
  g.lineTo(s / 2, s - 20);
  g.lineTo(10, s - 8);
  g.closePath();
  g.fill();
  // Disc: no heading reported.
  g.beginPath();
  g.arc(s + s / 2, s / 2, s / 2 - 12, 0, Math.PI * 2);
  g.fill();
  return {
    url: canvas.toDataURL('image/png'),
    mapping: {
      arrow: { x: 0, y: 0, width: s, height: s, mask: true },
      disc: { x: s, y: 0, width: s, height: s, mask: true },
    },
  };
}

export interface IconFrame {
  x: number;
  y: number;
  width: number;
  height: number;
  mask: boolean;
}

import { cellToParent, getResolution, isValidCell } from 'h3-js';

/**
 * The area a viewer watches: H3 cells at the stream's resolution or coarser. Viewers that name
 * the same cells share one Viewport (and one socket.io room), so a frame is made and encoded
 * once for all of them.
 */
export class Viewport {
  readonly key: string;
  private readonly cells: ReadonlySet<string>;
  private readonly resolutions: readonly number[];
  /** Whether a cell at the stream's resolution lies inside: asked often for few distinct cells. */
  private readonly memo = new Map<string, boolean>();

  private constructor(
    cells: string[],
    private readonly resolution: number,
  ) {
    const sorted = [...new Set(cells)].sort();
    this.key = sorted.join(',');
    this.cells = new Set(sorted);
    this.resolutions = [...new Set(sorted.map(getResolution))];
  }

  /** The viewport, or what is wrong with the cells. */
  static parse(cells: readonly string[], resolution: number): Viewport | string {
    for (const c of cells) {
      if (!isValidCell(c)) return `${c} is not an H3 cell`;
      if (getResolution(c) > resolution) return `${c} is finer than resolution ${resolution}`;
    }
    return new Viewport([...cells], resolution);
  }

  get size(): number {
    return this.cells.size;
  }

  covers(cell: string): boolean {
    let inside = this.memo.get(cell);
    if (inside === undefined) {
      inside = this.resolutions.some((r) => this.cells.has(r === this.resolution ? cell : cellToParent(cell, r)));
      this.memo.set(cell, inside);
    }
    return inside;
  }
}

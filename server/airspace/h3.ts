/**
 * An H3 cell's resolution and ancestors, computed on its index's bits in plain JavaScript.
 *
 * Deciding a plan asks for thousands of ancestors (every key against compacted zones, every key's
 * lock stripe), and h3-js answers each through WebAssembly with a string round trip and a
 * validation regexp: profiling bench:compare put that at a third of a decision. The layout is
 * fixed by the H3 specification — resolution in bits 52–55, then fifteen 3-bit digits from bit 44
 * down, unused ones all ones — so an ancestor is the index with the resolution rewritten and the
 * finer digits set to 7. The inputs are cells the core made with h3-js; nothing here validates.
 */

/** The resolution of a cell given as h3-js writes it (15 hex digits, mode 1 in the first). */
export function cellResolution(cell: string): number {
  return parseInt(cell[1]!, 16);
}

/** The ancestor of `cell` at resolution `res` (≤ the cell's own); the cell itself at its own. */
export function cellAncestor(cell: string, res: number): string {
  if (cellResolution(cell) === res) return cell;
  // Bits 32–59 and 0–31 of the 60 the string carries.
  let hi = parseInt(cell.slice(0, 7), 16);
  let lo = parseInt(cell.slice(7), 16);
  const unused = (15 - res) * 3;
  if (unused >= 32) {
    lo = 0xffffffff;
    hi |= (1 << (unused - 32)) - 1;
  } else {
    lo = (lo | (2 ** unused - 1)) >>> 0;
  }
  hi = (hi & ~(0xf << 20)) | (res << 20);
  return hi.toString(16).padStart(7, '0') + lo.toString(16).padStart(8, '0');
}

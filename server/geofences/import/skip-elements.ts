const LT = 0x3c; // <
const GT = 0x3e; // >
const SLASH = 0x2f;

/**
 * A filter in front of the XML parser that drops whole elements by qualified name from a byte
 * stream cut anywhere, before the bytes are even decoded.
 *
 * Why: a PLATEAU tile is mostly LOD2 surfaces, textures and hazard attributes the obstacle model
 * never reads. Decoding UTF-8 and walking every character in saxes (about 85 MB/s here) is the
 * cost of an import; finding an element's end tag in the raw bytes is a native search. Dropping
 * them first more than doubles the buildings read per second. The names must not nest inside
 * themselves (true of the CityGML elements skipped); an element written as `<name/>` is dropped
 * on its own.
 */
export class ElementSkipper {
  /**
   * Names grouped by namespace prefix: one native search per prefix (`<bldg:`), then a byte
   * comparison of the few names under it, instead of one search per name over every byte.
   */
  private readonly groups: Array<{ prefix: Buffer; names: Buffer[] }> = [];
  private carry: Buffer = Buffer.alloc(0);
  /** The end tag being looked for while inside a dropped element. */
  private until: Buffer | null = null;

  constructor(names: readonly string[]) {
    for (const name of names) {
      const colon = name.indexOf(':');
      const prefix = Buffer.from(`<${name.slice(0, colon + 1)}`, 'latin1');
      let group = this.groups.find((g) => g.prefix.equals(prefix));
      if (!group) {
        group = { prefix, names: [] };
        this.groups.push(group);
      }
      group.names.push(Buffer.from(name.slice(colon + 1), 'latin1'));
    }
  }

  /** The bytes that can go on to the decoder now; the rest waits for the next chunk. */
  push(chunk: Buffer): Buffer[] {
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = Buffer.alloc(0);
    const out: Buffer[] = [];
    // Next skipped tag of each group at or after `pos`: its offset (-1: none, -2: not yet searched) and name.
    const nextAt: number[] = [];
    const nextName: Array<Buffer | null> = [];
    for (let g = 0; g < this.groups.length; g++) {
      nextAt.push(-2);
      nextName.push(null);
    }
    let pos = 0;
    while (pos < buf.length) {
      if (this.until) {
        const end = buf.indexOf(this.until, pos);
        if (end < 0) {
          this.carry = buf.subarray(Math.max(pos, buf.length - this.until.length));
          return out;
        }
        const gt = buf.indexOf(GT, end + this.until.length);
        if (gt < 0) {
          this.carry = buf.subarray(end);
          return out;
        }
        pos = gt + 1;
        this.until = null;
        continue;
      }
      let at = -1;
      let group = -1;
      for (let g = 0; g < this.groups.length; g++) {
        if (nextAt[g] !== -1 && nextAt[g]! < pos) {
          const found = this.find(buf, this.groups[g]!, pos);
          nextAt[g] = found.at;
          nextName[g] = found.name;
        }
        if (nextAt[g]! >= 0 && (at < 0 || nextAt[g]! < at)) {
          at = nextAt[g]!;
          group = g;
        }
      }
      if (at < 0) {
        // A tag may be cut at the chunk's end: keep from the last '<' for the next chunk.
        const lt = buf.lastIndexOf(LT);
        const keep = lt >= pos && buf.indexOf(GT, lt) < 0 ? lt : buf.length;
        if (keep > pos) out.push(buf.subarray(pos, keep));
        this.carry = buf.subarray(keep);
        return out;
      }
      if (at > pos) out.push(buf.subarray(pos, at));
      const name = nextName[group];
      if (!name) {
        // Cut at the chunk's end before the name could be told.
        this.carry = buf.subarray(at);
        return out;
      }
      const gt = buf.indexOf(GT, at);
      if (gt < 0) {
        this.carry = buf.subarray(at);
        return out;
      }
      pos = gt + 1;
      if (buf[gt - 1] !== SLASH) {
        const prefix = this.groups[group]!.prefix;
        this.until = Buffer.concat([Buffer.from('</'), prefix.subarray(1), name]);
      }
    }
    return out;
  }

  /** Whatever was held back, at the end of the stream. */
  end(): Buffer {
    const rest = this.until ? Buffer.alloc(0) : this.carry;
    this.carry = Buffer.alloc(0);
    return rest;
  }

  /**
   * The next tag, from `pos`, whose name is one of the group's exactly; name null when the
   * buffer ends before the name can be told (the caller holds the rest back).
   */
  private find(
    buf: Buffer,
    group: { prefix: Buffer; names: Buffer[] },
    pos: number,
  ): { at: number; name: Buffer | null } {
    const start = group.prefix.length;
    for (let i = buf.indexOf(group.prefix, pos); i >= 0; i = buf.indexOf(group.prefix, i + 1)) {
      for (const name of group.names) {
        const end = i + start + name.length;
        if (end >= buf.length) {
          if (buf.length - i - start <= name.length) return { at: i, name: null };
          continue;
        }
        if (buf.compare(name, 0, name.length, i + start, end) !== 0) continue;
        const after = buf[end];
        if (after === GT || after === SLASH || after === 0x20 || after === 0x09 || after === 0x0a || after === 0x0d) {
          return { at: i, name };
        }
      }
    }
    return { at: -1, name: null };
  }
}

import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { TelemetrySample } from '../server/protocol/index.ts';

export interface SpoolOptions {
  dir: string;
  /** Disk the spool may use; past it the oldest samples are given up, and counted. */
  maxBytes: number;
  segmentBytes?: number;
  log: Logger;
}

/** Samples read from the spool, to be committed once the server has them. */
export interface SpoolBatch {
  samples: TelemetrySample[];
  /** Entries the batch spans (unreadable ones are skipped but counted). */
  lines: number;
  /** Where it was read: a commit after the bound gave that segment up must not skip others. */
  segment: string | null;
  from: number;
}

interface Segment {
  name: string;
  bytes: number;
  count: number;
  /** Loaded lazily for the segment being read; kept in step with appends once loaded. */
  lines: string[] | null;
}

const SEGMENT = /^seg-(\d{16})\.jsonl$/;
const CURSOR = 'cursor.json';
/** Appends are written together at most this often (and before every read). */
const FLUSH_MS = 50;

/**
 * Store and forward: samples the server has not acknowledged, in order, on disk. Append-only
 * segment files (JSON lines); a cursor file records how much of the first segment the server
 * has; whole segments are deleted once read. Survives a gateway restart: a new process
 * continues from the cursor, and writes to a fresh segment so a torn last line stays alone.
 */
export class Spool {
  /** Samples given up because the spool was full. */
  dropped = 0;
  /** Lines that could not be read back (a write torn by a crash). */
  unreadable = 0;
  private readonly segments: Segment[] = [];
  private cursor = 0;
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private counter: number;
  private readonly segmentBytes: number;

  constructor(private readonly options: SpoolOptions) {
    const { dir, maxBytes } = options;
    this.segmentBytes = Math.min(options.segmentBytes ?? 1 << 20, Math.max(4096, Math.floor(maxBytes / 4)));
    fs.mkdirSync(dir, { recursive: true });
    const names = fs
      .readdirSync(dir)
      .filter((n) => SEGMENT.test(n))
      .sort();
    for (const name of names) {
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      const lines = completeLines(text);
      this.segments.push({ name, bytes: Buffer.byteLength(text), count: lines.length, lines: null });
    }
    this.counter = names.length ? Number(SEGMENT.exec(names.at(-1)!)![1]) + 1 : 0;
    const saved = readCursor(path.join(dir, CURSOR));
    if (saved && this.segments[0]?.name === saved.segment) this.cursor = Math.min(saved.line, this.segments[0].count);
    this.newSegment();
  }

  /** Samples waiting to be delivered. */
  get size(): number {
    let n = this.pending.length - this.cursor;
    for (const s of this.segments) n += s.count;
    return n;
  }

  append(sample: TelemetrySample): void {
    const line = `${JSON.stringify(sample)}\n`;
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= 64 * 1024) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Up to `max` of the oldest samples, without removing them. */
  peek(max: number): SpoolBatch {
    this.flush();
    for (;;) {
      const head = this.segments[0];
      const empty: SpoolBatch = { samples: [], lines: 0, segment: null, from: 0 };
      if (!head) return empty;
      const lines = (head.lines ??= this.load(head));
      if (this.cursor >= lines.length) {
        if (this.segments.length === 1) return empty;
        this.dropHead();
        continue;
      }
      const samples: TelemetrySample[] = [];
      const end = Math.min(lines.length, this.cursor + max);
      for (let i = this.cursor; i < end; i++) {
        try {
          samples.push(JSON.parse(lines[i]!) as TelemetrySample);
        } catch {
          this.unreadable++;
        }
      }
      return { samples, lines: end - this.cursor, segment: head.name, from: this.cursor };
    }
  }

  /** The server has the batch: it leaves the spool. */
  commit(batch: SpoolBatch): void {
    if (batch.segment !== this.segments[0]?.name || batch.from !== this.cursor) return;
    this.cursor += batch.lines;
    const head = this.segments[0];
    if (head && this.cursor >= head.count && this.segments.length > 1) this.dropHead();
    this.saveCursor();
  }

  close(): void {
    this.flush();
    this.saveCursor();
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.pending.length) return;
    let tail = this.segments.at(-1)!;
    if (tail.bytes >= this.segmentBytes) tail = this.newSegment();
    const text = this.pending.join('');
    fs.appendFileSync(path.join(this.options.dir, tail.name), text);
    tail.bytes += Buffer.byteLength(text);
    tail.count += this.pending.length;
    if (tail.lines) for (const line of this.pending) tail.lines.push(line.slice(0, -1));
    this.pending = [];
    this.pendingBytes = 0;
    this.enforceBound();
  }

  private enforceBound(): void {
    let total = this.segments.reduce((n, s) => n + s.bytes, 0);
    while (total > this.options.maxBytes && this.segments.length > 1) {
      const head = this.segments[0]!;
      const lost = head.count - this.cursor;
      this.dropped += lost;
      total -= head.bytes;
      this.options.log.warn({ lost, maxBytes: this.options.maxBytes }, 'spool full: oldest samples given up');
      this.dropHead();
      this.saveCursor();
    }
  }

  private newSegment(): Segment {
    const seg: Segment = {
      name: `seg-${String(this.counter++).padStart(16, '0')}.jsonl`,
      bytes: 0,
      count: 0,
      lines: [],
    };
    fs.writeFileSync(path.join(this.options.dir, seg.name), '');
    this.segments.push(seg);
    return seg;
  }

  private dropHead(): void {
    const head = this.segments.shift()!;
    fs.rmSync(path.join(this.options.dir, head.name), { force: true });
    this.cursor = 0;
    if (!this.segments.length) this.newSegment();
  }

  private load(seg: Segment): string[] {
    return completeLines(fs.readFileSync(path.join(this.options.dir, seg.name), 'utf8'));
  }

  private saveCursor(): void {
    const file = path.join(this.options.dir, CURSOR);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify({ segment: this.segments[0]?.name, line: this.cursor }));
    fs.renameSync(`${file}.tmp`, file);
  }
}

/** Lines ended by a newline; a torn last line (no newline) is not one. */
function completeLines(text: string): string[] {
  const lines = text.split('\n');
  lines.pop();
  return lines;
}

function readCursor(file: string): { segment: string; line: number } | null {
  try {
    const c = JSON.parse(fs.readFileSync(file, 'utf8')) as { segment?: unknown; line?: unknown };
    return typeof c.segment === 'string' && typeof c.line === 'number' ? { segment: c.segment, line: c.line } : null;
  } catch {
    return null;
  }
}

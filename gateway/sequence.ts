import fs from 'node:fs';
import path from 'node:path';

/** Numbers reserved on disk at a time: one small write per 100,000 samples. */
const BLOCK = 100_000;

/**
 * The gateway's sample numbers: strictly increasing for the gateway's whole life, restarts
 * included, so the server can drop what it has already stored. A block of numbers is reserved
 * on disk before any is used (a crash skips the rest of the block, never reuses one), and the
 * start is never below the clock in microseconds, so a lost reservation file cannot rewind it.
 */
export class SequenceNumbers {
  private nextValue: number;
  private reserved: number;

  constructor(
    private readonly file: string,
    clock: () => number = Date.now,
  ) {
    let saved = 0;
    try {
      saved = Number(fs.readFileSync(file, 'utf8').trim()) || 0;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    this.nextValue = Math.max(saved, clock() * 1000);
    this.reserved = this.nextValue;
  }

  next(): number {
    if (this.nextValue >= this.reserved) this.reserve(this.nextValue + BLOCK);
    return this.nextValue++;
  }

  private reserve(upTo: number): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, `${upTo}\n`);
    fs.renameSync(tmp, this.file);
    this.reserved = upTo;
  }
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SequenceNumbers } from '../../../gateway/sequence.ts';
import { Spool } from '../../../gateway/spool.ts';
import type { TelemetrySample } from '../../../server/protocol/index.ts';

const log = pino({ level: 'silent' });
const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'soramichi-spool-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const sample = (seq: number): TelemetrySample => ({
  seq,
  time: new Date(1_800_000_000_000 + seq).toISOString(),
  droneId: 'JUSIM0000001',
  lat: 36.317,
  lon: 136.345,
  altW84: 77,
  altAmsl: 40,
  altRelative: 30,
  groundSpeedMps: 10,
  verticalSpeedMps: 0,
  headingDeg: 90,
  batteryPercent: 90,
  batteryVoltage: 16.2,
  mode: 'AUTO',
  armed: true,
  gpsFix: 3,
  remoteId: { uasId: 'JUSIM0000001' },
});

/** Reads everything out in batches, committing each, as the uplink does. */
function drain(spool: Spool, batch = 7): number[] {
  const out: number[] = [];
  for (;;) {
    const b = spool.peek(batch);
    if (!b.lines) return out;
    out.push(...b.samples.map((s) => s.seq));
    spool.commit(b);
  }
}

describe('the store-and-forward spool', () => {
  it('gives samples back in order, each once', () => {
    const spool = new Spool({ dir: tmp(), maxBytes: 10 << 20, segmentBytes: 4096, log });
    for (let i = 0; i < 500; i++) spool.append(sample(i));
    expect(spool.size).toBe(500);
    expect(drain(spool)).toEqual([...Array(500).keys()]);
    expect(spool.size).toBe(0);
  });

  it('does not drop a batch that was peeked but not committed', () => {
    const spool = new Spool({ dir: tmp(), maxBytes: 10 << 20, log });
    for (let i = 0; i < 10; i++) spool.append(sample(i));
    expect(spool.peek(4).samples.map((s) => s.seq)).toEqual([0, 1, 2, 3]);
    const again = spool.peek(4);
    expect(again.samples.map((s) => s.seq)).toEqual([0, 1, 2, 3]);
    spool.commit(again);
    expect(spool.peek(100).samples.map((s) => s.seq)).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('carries on after a restart from where the server left it, and skips a torn last line', () => {
    const dir = tmp();
    const first = new Spool({ dir, maxBytes: 10 << 20, segmentBytes: 2048, log });
    for (let i = 0; i < 100; i++) first.append(sample(i));
    first.commit(first.peek(30));
    first.close();
    const segments = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .sort();
    fs.appendFileSync(path.join(dir, segments.at(-1)!), '{"seq":100,"time":"2026-');

    const second = new Spool({ dir, maxBytes: 10 << 20, segmentBytes: 2048, log });
    second.append(sample(101));
    expect(drain(second)).toEqual([...[...Array(70).keys()].map((i) => i + 30), 101]);
  });

  it('stays within its bound by giving up the oldest samples, and says how many', () => {
    const dir = tmp();
    const spool = new Spool({ dir, maxBytes: 64 * 1024, log });
    for (let i = 0; i < 2000; i++) spool.append(sample(i));
    spool.peek(1);
    const onDisk = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
    expect(onDisk).toBeLessThanOrEqual(64 * 1024);
    const kept = drain(spool);
    expect(spool.dropped + kept.length).toBe(2000);
    expect(spool.dropped).toBeGreaterThan(0);
    expect(kept).toEqual([...Array(kept.length).keys()].map((i) => i + spool.dropped));
  });

  it('ignores a commit for samples the bound gave up meanwhile', () => {
    const spool = new Spool({ dir: tmp(), maxBytes: 64 * 1024, log });
    for (let i = 0; i < 50; i++) spool.append(sample(i));
    const early = spool.peek(10);
    for (let i = 50; i < 2000; i++) spool.append(sample(i));
    spool.peek(0);
    spool.commit(early);
    const kept = drain(spool);
    expect(kept[0]).toBe(spool.dropped);
  });
});

describe('sample sequence numbers', () => {
  it('increase strictly across restarts, even when the clock goes back', () => {
    const file = path.join(tmp(), 'seq');
    let now = 1_800_000_000_000;
    const a = new SequenceNumbers(file, () => now);
    const first = [a.next(), a.next(), a.next()];
    expect(first[0]).toBe(now * 1000);
    now -= 3_600_000;
    const b = new SequenceNumbers(file, () => now);
    expect(b.next()).toBeGreaterThan(first[2]!);
  });

  it('never start below the clock, so a lost reservation file cannot rewind them', () => {
    const dir = tmp();
    const a = new SequenceNumbers(path.join(dir, 'seq'), () => 1_800_000_000_000);
    const last = a.next();
    fs.rmSync(path.join(dir, 'seq'));
    const b = new SequenceNumbers(path.join(dir, 'seq'), () => 1_800_000_000_001);
    expect(b.next()).toBeGreaterThan(last);
  });
});

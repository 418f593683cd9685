import fs from 'node:fs';
import { MavlinkFramer, type Frame } from '../../../gateway/mavlink/framer.ts';

const DIR = new URL('../../fixtures/mavlink/', import.meta.url);

/** The real captures and the counts their SOURCE.md gives. */
export const CAPTURES = {
  'rust-mavlink-log-1426.tlog': { frames: 1426, v1: 0, unknown: 0, tlog: true },
  'missionplanner-2013-v1-radio.tlog': { frames: 16_187, v1: 16_187, unknown: 0, tlog: true },
  'ardupilot-vtol-2018-v1.tlog': { frames: 23_894, v1: 23_894, unknown: 0, tlog: true },
  'raw-v2-3412-packets.bin': { frames: 3412, v1: 0, unknown: 14, tlog: false },
  'raw-v1v2-mixed-gh5.bin': { frames: 138, v1: 26, unknown: 2, tlog: false },
} as const;

export type CaptureName = keyof typeof CAPTURES;

const cache = new Map<string, Buffer>();
export function capture(name: CaptureName): Buffer {
  let b = cache.get(name);
  if (!b) cache.set(name, (b = fs.readFileSync(new URL(name, DIR))));
  return b;
}

/** Frames a byte stream pushed in chunks of the given sizes (cycled), then flushed; frames are copied. */
export function frameAll(bytes: Buffer, chunkSizes: readonly number[] = [bytes.length], framer = new MavlinkFramer()) {
  const frames: Frame[] = [];
  const keep = (f: Frame) => frames.push({ ...f, bytes: Buffer.from(f.bytes), payload: Buffer.from(f.payload) });
  let maxPending = 0;
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const size = Math.max(1, chunkSizes[k % chunkSizes.length]!);
    framer.push(bytes.subarray(at, at + size), keep);
    maxPending = Math.max(maxPending, framer.pending);
    at += size;
  }
  framer.flush(keep);
  return { frames, counters: framer.counters, maxPending, pending: framer.pending };
}

import { describe, expect, it } from 'vitest';
import { decode } from '../../../gateway/mavlink/codec.ts';
import { crcExtraOf, frameCrc, MAX_FRAME, MavlinkFramer } from '../../../gateway/mavlink/framer.ts';
import { CAPTURES, capture, frameAll, type CaptureName } from './captures.ts';

const NAMES = Object.keys(CAPTURES) as CaptureName[];
/** Whole files, and chunks the size of a small UDP payload, a serial read, and an odd prime. */
const CHUNKINGS: Array<[string, number[] | undefined]> = [
  ['in one piece', undefined],
  ['in 64-byte reads', [64]],
  ['in 7-byte reads', [7]],
  ['in uneven reads', [1, 300, 2, 17, 1024, 5, 90]],
];

describe('the MAVLink framer on real captures', () => {
  for (const name of NAMES) {
    const expected = CAPTURES[name];
    for (const [how, sizes] of CHUNKINGS) {
      it(`${name} ${how}: exactly the frames of SOURCE.md`, () => {
        const bytes = capture(name);
        const { frames, counters, maxPending, pending } = frameAll(bytes, sizes);
        expect(frames.length).toBe(expected.frames);
        expect(frames.filter((f) => f.version === 1).length).toBe(expected.v1);
        expect(frames.filter((f) => !f.known).length).toBe(expected.unknown);
        expect(counters.frames).toBe(expected.frames);
        expect(counters.unknownIds).toBe(expected.unknown);
        expect(counters.bytes).toBe(bytes.length);
        // Every byte is either in a frame or dropped: the tlogs' 8-byte timestamps, the mixed stream's 5 garbage bytes.
        const inFrames = frames.reduce((n, f) => n + f.bytes.length, 0);
        expect(inFrames + counters.drops).toBe(bytes.length);
        expect(counters.drops).toBe(expected.tlog ? 8 * expected.frames : name === 'raw-v1v2-mixed-gh5.bin' ? 5 : 0);
        if (!expected.tlog) expect(counters.crcErrors).toBe(0);
        expect(pending).toBe(0);
        expect(maxPending).toBeLessThanOrEqual(MAX_FRAME);
      });
    }
  }

  it('delivers every frame as the bytes of the file, checksum verified', () => {
    for (const name of NAMES) {
      const bytes = capture(name);
      let at = 0;
      for (const f of frameAll(bytes).frames) {
        const found = bytes.indexOf(f.bytes, at);
        expect(found).toBeGreaterThanOrEqual(at);
        at = found + f.bytes.length;
        if (!f.known) continue;
        const header = f.version === 1 ? 6 : 10;
        const crcAt = header + f.payload.length;
        expect(frameCrc(f.bytes, 1, crcAt, crcExtraOf(f.msgid))).toBe(f.bytes.readUInt16LE(crcAt));
      }
    }
  });

  it('relays the PX4 stream’s unknown ids unchanged: msgid 8 ×10 and 411 ×4', () => {
    const unknown = frameAll(capture('raw-v2-3412-packets.bin')).frames.filter((f) => !f.known);
    const byId = new Map<number, number>();
    for (const f of unknown) byId.set(f.msgid, (byId.get(f.msgid) ?? 0) + 1);
    expect(Object.fromEntries(byId)).toEqual({ 8: 10, 411: 4 });
    for (const f of unknown) expect(decode(f)).toBeNull();
  });

  it('finds the mixed stream’s unknown ids 8 and 300 after its garbage prefix', () => {
    const { frames } = frameAll(capture('raw-v1v2-mixed-gh5.bin'));
    expect(
      frames
        .filter((f) => !f.known)
        .map((f) => f.msgid)
        .sort((a, b) => a - b),
    ).toEqual([8, 300]);
    expect(frames.filter((f) => f.version === 2).length).toBe(112);
  });

  it('decodes every known frame with node-mavlink', () => {
    let positions = 0;
    for (const f of frameAll(capture('ardupilot-vtol-2018-v1.tlog')).frames) {
      const msg = decode(f);
      expect(msg).not.toBeNull();
      if (f.msgid === 33) positions++;
    }
    expect(positions).toBe(807);
  });
});

describe('the framer on what radios deliver', () => {
  const log = capture('rust-mavlink-log-1426.tlog');

  it('ends a real log followed by a run of zero bytes cleanly', () => {
    const zeros = Buffer.alloc(4096);
    for (const sizes of [undefined, [64], [3]]) {
      const { frames, counters, pending } = frameAll(Buffer.concat([log, zeros]), sizes);
      expect(frames.length).toBe(1426);
      expect(counters.drops).toBe(8 * 1426 + zeros.length);
      expect(pending).toBe(0);
    }
  });

  it('resyncs after a run of zeros in the middle of a stream', () => {
    const { frames } = frameAll(Buffer.concat([log, Buffer.alloc(3000), log]), [64]);
    expect(frames.length).toBe(2 * 1426);
  });

  it('resyncs after garbage, a frame cut short and console text', () => {
    const raw = capture('raw-v2-3412-packets.bin');
    const cut = raw.subarray(0, 25); // the first frame, truncated
    const text = Buffer.from(
      'APM:Copter V4.5.7\r\n$GPGGA,123519,3618.12,N,13620.70,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n',
    );
    const stream = Buffer.concat([Buffer.from([0xfd, 0xfe, 0xfd, 0x00]), cut, text, raw]);
    expect(frameAll(stream, [13]).frames.length).toBe(3412);
  });

  it('holds no more than one frame’s worth of bytes on a link that carries no MAVLink', () => {
    const framer = new MavlinkFramer();
    const nmea = Buffer.from(
      '$GPRMC,123519,A,3618.120,N,13620.700,E,022.4,084.4,230394,003.1,W*6A\r\n\xfd\xfe'.repeat(2000),
      'latin1',
    );
    let most = 0;
    for (let i = 0; i < 20; i++) {
      framer.push(nmea, () => {});
      most = Math.max(most, framer.pending);
    }
    expect(framer.counters.frames).toBe(0);
    expect(most).toBeLessThanOrEqual(MAX_FRAME);
  });
});

describe('the MAVLink framer at the end of a datagram', () => {
  const framed = (bytes: Buffer) => {
    const out: Buffer[] = [];
    new MavlinkFramer().push(bytes, (f) => out.push(Buffer.from(f.bytes)));
    return out;
  };

  it('keeps a frame a bridge cut in two and completes it from the next datagram', () => {
    const frames = framed(capture('raw-v2-3412-packets.bin')).filter((f) => crcExtraOf(f[7]! | (f[8]! << 8)) >= 0);
    const [a, b] = [frames[0]!, frames[1]!];
    const framer = new MavlinkFramer();
    const got: Buffer[] = [];
    const keep = (f: { bytes: Buffer }) => got.push(Buffer.from(f.bytes));
    framer.push(Buffer.concat([a, b.subarray(0, 5)]), keep);
    framer.endOfDatagram(keep);
    expect(got).toEqual([a]);
    expect(framer.pending).toBe(5);
    framer.push(b.subarray(5), keep);
    framer.endOfDatagram(keep);
    expect(got).toEqual([a, b]);
    expect(framer.counters).toMatchObject({ crcErrors: 0, drops: 0 });
  });

  it('delivers a frame of unknown id at the end of its datagram, without waiting for the next', () => {
    const unknown = framed(capture('raw-v2-3412-packets.bin')).find((f) => crcExtraOf(f[7]! | (f[8]! << 8)) < 0)!;
    const framer = new MavlinkFramer();
    const got: Buffer[] = [];
    framer.push(unknown, (f) => got.push(Buffer.from(f.bytes)));
    expect(got).toEqual([]);
    framer.endOfDatagram((f) => got.push(Buffer.from(f.bytes)));
    expect(got).toEqual([unknown]);
    expect(framer.pending).toBe(0);
  });
});

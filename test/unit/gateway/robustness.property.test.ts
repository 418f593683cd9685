import { EventEmitter } from 'node:events';
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Link, LinkEvents } from '../../../gateway/links/link.ts';
import { decode } from '../../../gateway/mavlink/codec.ts';
import { crcExtraOf, frameCrc, MAX_FRAME, MavlinkFramer } from '../../../gateway/mavlink/framer.ts';
import { MAX_FRAMERS, MavlinkPort } from '../../../gateway/port.ts';
import { Vehicles } from '../../../gateway/vehicles.ts';
import { systemClock } from '../../../gateway/clock.ts';
import { TelemetrySample } from '../../../server/protocol/index.ts';
import { capture, CAPTURES, type CaptureName } from './captures.ts';

const NAMES = Object.keys(CAPTURES) as CaptureName[];

/** A link that only delivers what the test hands it. */
class FakeLink extends EventEmitter<LinkEvents> implements Link {
  readonly name = 'fuzz';
  constructor(readonly datagrams: boolean) {
    super();
  }
  send(): void {}
  async open(): Promise<void> {}
  async close(): Promise<void> {}
}

/** A gateway's receive path without sockets: port → vehicles → samples. */
function receivePath(datagrams: boolean) {
  const link = new FakeLink(datagrams);
  const port = new MavlinkPort(link, { source: { sysid: 255, compid: 190 }, signing: null, relay: false });
  const vehicles = new Vehicles({
    gatewayId: 'fuzz',
    positionHz: 5,
    droneIds: new Map(),
    lostAfterMs: 3500,
    identifyMs: 0,
    clock: { ...systemClock, now: () => 1_800_000_000_000 },
    log: pino({ level: 'silent' }),
  });
  vehicles.attach(port);
  const samples: unknown[] = [];
  vehicles.on('reading', (v, r) => samples.push({ seq: 0, droneId: v.droneId, ...r }));
  return { link, port, vehicles, samples };
}

const flips = (length: number) =>
  fc.array(fc.record({ at: fc.nat({ max: length - 1 }), bit: fc.nat({ max: 7 }) }), { minLength: 1, maxLength: 200 });

describe('the gateway’s receive path under abuse (fast-check)', () => {
  it('never throws on random bytes, and holds at most one frame', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 600 }), { maxLength: 40 }), (chunks) => {
        const framer = new MavlinkFramer();
        let inFrames = 0;
        for (const c of chunks) {
          framer.push(Buffer.from(c), (f) => {
            inFrames += f.bytes.length;
            decode(f);
          });
          expect(framer.pending).toBeLessThanOrEqual(MAX_FRAME);
        }
        framer.flush((f) => void (inFrames += f.bytes.length));
        const total = chunks.reduce((n, c) => n + c.length, 0);
        expect(inFrames + framer.counters.drops).toBe(total);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on bit-flipped real captures; what it still delivers is checksum-valid and normalises to valid samples', () => {
    for (const name of NAMES) {
      const original = capture(name);
      fc.assert(
        fc.property(flips(original.length), fc.integer({ min: 16, max: 4096 }), (bitFlips, chunk) => {
          const bytes = Buffer.from(original);
          for (const { at, bit } of bitFlips) bytes[at]! ^= 1 << bit;
          const { link, port, samples } = receivePath(false);
          let delivered = 0;
          port.on('frame', (f) => {
            delivered++;
            if (!f.known) return;
            const crcAt = (f.version === 1 ? 6 : 10) + f.payload.length;
            expect(frameCrc(f.bytes, 1, crcAt, crcExtraOf(f.msgid))).toBe(f.bytes.readUInt16LE(crcAt));
          });
          for (let at = 0; at < bytes.length; at += chunk) {
            link.emit('data', bytes.subarray(at, at + chunk), 'radio');
            expect(port.pending).toBeLessThanOrEqual(MAX_FRAME);
          }
          expect(delivered).toBeLessThanOrEqual(CAPTURES[name].frames + bitFlips.length);
          for (const s of samples) expect(TelemetrySample.safeParse(s).success).toBe(true);
        }),
        { numRuns: original.length > 100_000 ? 10 : 50 },
      );
    }
  });

  it('keeps one framer per UDP peer, never more than its bound, each holding at most one frame', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: 5000 }), fc.uint8Array({ minLength: 1, maxLength: 300 })), {
          minLength: 1,
          maxLength: 3000,
        }),
        (datagrams) => {
          const { link, port } = receivePath(true);
          for (const [peer, bytes] of datagrams) link.emit('data', Buffer.from(bytes), `10.0.0.1:${peer}`);
          expect(port.peers).toBeLessThanOrEqual(MAX_FRAMERS);
          // Each peer's framer holds at most one frame waiting for the rest a bridge may send next.
          expect(port.pending).toBeLessThanOrEqual(port.peers * MAX_FRAME);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('does not grow its heap over 40 MB of noise and broken captures', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const { link, port, vehicles, samples } = receivePath(false);
    const noise = Buffer.alloc(1 << 20);
    const rounds = (fn: () => void) => {
      for (let i = 0; i < 20; i++) fn();
    };
    const feed = () => {
      for (let i = 0; i < noise.length; i++) noise[i] = (Math.random() * 256) | 0;
      link.emit('data', noise, 'radio');
      const broken = Buffer.from(capture('raw-v2-3412-packets.bin'));
      for (let k = 0; k < 500; k++) broken[(Math.random() * broken.length) | 0]! ^= 1 << ((Math.random() * 8) | 0);
      link.emit('data', broken, 'radio');
      samples.length = 0;
    };
    rounds(feed);
    gc();
    const before = process.memoryUsage().heapUsed;
    rounds(feed);
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    expect(grown).toBeLessThan(8 * 1024 * 1024);
    expect(port.pending).toBeLessThanOrEqual(MAX_FRAME);
    expect(vehicles.list().length).toBeLessThan(50);
  });
});

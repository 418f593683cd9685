import { common, MavLinkPacketSignature, minimal } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import { Encoder, message } from '../../../gateway/mavlink/codec.ts';
import { MavlinkFramer, type Frame } from '../../../gateway/mavlink/framer.ts';
import { Signer, signingKey, signingTime, Verifier } from '../../../gateway/mavlink/signing.ts';

const KEY = signingKey('kaga sky road');
const NOW = Date.UTC(2026, 10, 22, 6, 0, 0);

const heartbeat = () =>
  message(minimal.Heartbeat, {
    type: minimal.MavType.QUADROTOR,
    autopilot: minimal.MavAutopilot.ARDUPILOTMEGA,
    baseMode: 0 as minimal.MavModeFlag,
    customMode: 0,
    systemStatus: minimal.MavState.STANDBY,
    mavlinkVersion: 3,
  });

function frames(bytes: Buffer[]): Frame[] {
  const framer = new MavlinkFramer();
  const out: Frame[] = [];
  for (const b of bytes) framer.push(b, (f) => out.push({ ...f, bytes: Buffer.from(f.bytes) }));
  return out;
}

describe('MAVLink 2 signing', () => {
  it('reads a 64-hex-digit key as is and hashes a passphrase as Mission Planner does', () => {
    expect(signingKey('ab'.repeat(32))).toEqual(Buffer.alloc(32, 0xab));
    expect(signingKey('kaga sky road')).toEqual(MavLinkPacketSignature.key('kaga sky road'));
  });

  it('signs with strictly increasing timestamps, even when the clock stands still', () => {
    const enc = new Encoder({ sysid: 1, compid: 1 }, new Signer(KEY, 3, () => NOW));
    const signed = frames(Array.from({ length: 5 }, () => enc.encode(heartbeat())));
    expect(signed.every((f) => f.signed)).toBe(true);
    const stamps = signed.map((f) => f.bytes.readUIntLE(f.bytes.length - 12, 6));
    expect(stamps[0]).toBe(signingTime(NOW));
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]).toBe(stamps[i - 1]! + 1);
    expect(signed.every((f) => f.bytes[f.bytes.length - 13] === 3)).toBe(true);
  });

  it('produces signatures node-mavlink verifies', () => {
    const enc = new Encoder({ sysid: 7, compid: 1 }, new Signer(KEY, 0, () => NOW));
    const [f] = frames([enc.encode(heartbeat())]);
    expect(new MavLinkPacketSignature(f!.bytes).matches(KEY)).toBe(true);
    expect(new MavLinkPacketSignature(f!.bytes).matches(signingKey('another key'))).toBe(false);
  });

  it('accepts good frames once, and refuses and counts unsigned, forged and replayed ones', () => {
    const verifier = new Verifier({ key: KEY, require: true }, () => NOW);
    const signedEnc = new Encoder({ sysid: 1, compid: 1 }, new Signer(KEY, 0, () => NOW));
    const forgedEnc = new Encoder({ sysid: 1, compid: 1 }, new Signer(signingKey('not the key'), 0, () => NOW + 10));
    const plainEnc = new Encoder({ sysid: 1, compid: 1 });
    const [good1, good2] = frames([signedEnc.encode(heartbeat()), signedEnc.encode(heartbeat())]);
    const [forged] = frames([forgedEnc.encode(heartbeat())]);
    const [plain] = frames([plainEnc.encode(heartbeat())]);
    const [radio] = frames([plainEnc.encode(message(common.RadioStatus, { rssi: 200 }))]);

    expect(verifier.accept(good1!)).toBe(true);
    expect(verifier.accept(good2!)).toBe(true);
    expect(verifier.accept(good1!)).toBe(false);
    expect(verifier.accept(forged!)).toBe(false);
    expect(verifier.accept(plain!)).toBe(false);
    expect(verifier.accept(radio!)).toBe(true);
    const tampered = { ...good2!, bytes: Buffer.from(good2!.bytes) };
    tampered.bytes[12]! ^= 0x01;
    expect(verifier.accept(tampered)).toBe(false);
    expect(verifier.counters).toEqual({ verified: 2, unsignedRefused: 1, badSignature: 2, replayed: 1 });
  });

  it('refuses a new stream whose timestamps are more than a minute behind', () => {
    const verifier = new Verifier({ key: KEY, require: true }, () => NOW);
    const old = new Encoder({ sysid: 2, compid: 1 }, new Signer(KEY, 0, () => NOW - 61_000));
    expect(verifier.accept(frames([old.encode(heartbeat())])[0]!)).toBe(false);
    expect(verifier.counters.replayed).toBe(1);
  });

  it('lets unsigned frames through a link that does not require signing', () => {
    const verifier = new Verifier({ key: KEY, require: false }, () => NOW);
    const [plain] = frames([new Encoder({ sysid: 1, compid: 1 }).encode(heartbeat())]);
    expect(verifier.accept(plain!)).toBe(true);
  });
});

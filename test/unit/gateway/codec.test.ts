import { common } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import { decodeAs, Encoder, message } from '../../../gateway/mavlink/codec.ts';
import { MavlinkFramer, type Frame } from '../../../gateway/mavlink/framer.ts';
import { Signer } from '../../../gateway/mavlink/signing.ts';

const { CommandAck, MissionAck, MissionCount, OpenDroneIdBasicId } = common;

const frameOf = (bytes: Buffer): Frame => {
  const frames: Frame[] = [];
  const framer = new MavlinkFramer();
  framer.push(bytes, (f) => frames.push(f));
  framer.flush((f) => frames.push(f));
  expect(frames.length).toBe(1);
  expect(framer.counters.crcErrors).toBe(0);
  return frames[0]!;
};

describe('the encoder for a peer that speaks only MAVLink 1', () => {
  const encoder = new Encoder({ sysid: 255, compid: 190 });

  it('writes MAVLink 1 without the extension fields, which read back as zero', () => {
    const f = frameOf(encoder.encode(message(CommandAck, { command: 20, result: 0 }), 1));
    expect(f).toMatchObject({ version: 1, sysid: 255, compid: 190, msgid: CommandAck.MSG_ID });
    expect(f.payload.length).toBe(3);
    expect(decodeAs(f, CommandAck)).toMatchObject({ command: 20, result: 0, targetSystem: 0 });
  });

  it('keeps MAVLink 2 for what MAVLink 1 cannot carry: a mission type, an id above 255, a signature', () => {
    const fence = message(MissionCount, { targetSystem: 1, targetComponent: 1, count: 4, missionType: 1 });
    expect(frameOf(encoder.encode(fence, 1)).version).toBe(2);
    expect(frameOf(encoder.encode(message(MissionCount, { count: 4 }), 1)).version).toBe(1);
    expect(frameOf(encoder.encode(message(OpenDroneIdBasicId, {}), 1)).version).toBe(2);
    const signed = new Encoder({ sysid: 255, compid: 190 }, new Signer(Buffer.alloc(32, 1), 0));
    expect(frameOf(signed.encode(message(MissionCount, { count: 4 }), 1))).toMatchObject({ version: 2, signed: true });
  });

  it('cuts the extensions off when asked to send as an autopilot on a MAVLink 1 link does', () => {
    const ack = message(MissionAck, { targetSystem: 255, targetComponent: 190, type: 3, missionType: 1 });
    const f = frameOf(encoder.encodeV1(ack));
    expect(f.version).toBe(1);
    expect(decodeAs(f, MissionAck)).toMatchObject({ type: 3, missionType: 0 });
  });

  it('numbers MAVLink 1 and 2 frames in one sequence', () => {
    const e = new Encoder({ sysid: 255, compid: 190 });
    const seqs = [1, 2, 1, 2].map((v) => frameOf(e.encode(message(MissionCount, { count: 1 }), v as 1 | 2)).seq);
    expect(seqs).toEqual([0, 1, 2, 3]);
  });
});

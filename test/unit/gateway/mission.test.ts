import { common, type MavLinkData } from 'node-mavlink';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VehicleChannel } from '../../../gateway/mavlink/channel.ts';
import { decodeAs, Encoder, message } from '../../../gateway/mavlink/codec.ts';
import { commandLong } from '../../../gateway/mavlink/commands.ts';
import { MavlinkFramer, type Frame } from '../../../gateway/mavlink/framer.ts';
import { MavMissionType, uploadItems } from '../../../gateway/mavlink/mission.ts';
import { MissionReceiver } from '../../../gateway/sim/mission-receiver.ts';
import type { MissionItem } from '../../../server/protocol/index.ts';

const { CommandAck, CommandLong, MavMissionResult, MavResult, MissionCount, MissionItemInt } = common;

const item = (lat: number, lon: number, alt: number, command = 16): MissionItem => ({
  command,
  frame: 6,
  param1: 0,
  param2: 0,
  param3: 0,
  param4: 0,
  lat,
  lon,
  alt,
  autocontinue: true,
});
const MISSION = [
  item(0, 0, 30, 22),
  item(36.317, 136.345, 30),
  item(36.318, 136.346, 35),
  item(36.3191, 136.3472, 40),
  item(36.32, 136.348, 0, 21),
];

/** Frames as they would cross a radio: serialised, framed, and delivered a tick later. */
function wire(encoder: Encoder, deliver: (frame: Frame) => void) {
  const framer = new MavlinkFramer();
  return (msg: MavLinkData) => {
    const bytes = encoder.encode(msg);
    queueMicrotask(() => framer.push(bytes, deliver));
  };
}

/**
 * The gateway's uploader and the simulator's receiver over an in-memory radio that drops the
 * frames `drop` picks (by direction and message name).
 */
function radio(drop: (dir: 'up' | 'down', name: string, n: number) => boolean = () => false, result = 0) {
  const listeners = new Set<(f: Frame) => void>();
  const log: string[] = [];
  const stored = new Map<number, MissionItem[]>();
  const counts = { up: 0, down: 0 };
  const pass = (dir: 'up' | 'down', msg: MavLinkData) => {
    const name = (msg.constructor as unknown as { MSG_NAME: string }).MSG_NAME;
    log.push(`${dir} ${name}`);
    return !drop(dir, name, counts[dir]++);
  };
  const toGcs = wire(new Encoder({ sysid: 1, compid: 1 }), (f) => listeners.forEach((l) => l(f)));
  const receiver = new MissionReceiver(
    (msg) => pass('down', msg) && toGcs(msg),
    (type, items) => {
      stored.set(type, items);
      return result;
    },
  );
  const toVehicle = wire(new Encoder({ sysid: 255, compid: 190 }), (f) => {
    const from = { sysid: f.sysid, compid: f.compid };
    if (f.msgid === MissionCount.MSG_ID) {
      const m = decodeAs(f, MissionCount);
      receiver.count(m.count, m.missionType, from);
    } else if (f.msgid === MissionItemInt.MSG_ID) {
      receiver.item(decodeAs(f, MissionItemInt), from);
    }
  });
  const channel: VehicleChannel = {
    target: { sysid: 1, compid: 1 },
    self: { sysid: 255, compid: 190 },
    send: (msg) => void (pass('up', msg) && toVehicle(msg)),
    subscribe(fn) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
  };
  return { channel, log, stored, receiver };
}

async function settle<T>(p: Promise<T>): Promise<T> {
  let done = false;
  // Only whether it is over matters here; the caller gets its outcome from `p`.
  const over = p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 400 && !done; i++) await vi.advanceTimersByTimeAsync(50);
  await over;
  return p;
}

const sentUp = (log: string[], name: string) => log.filter((l) => l === `up ${name}`).length;

describe('mission upload (MAVLink mission protocol, QGroundControl timing)', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('uploads every item, which the vehicle stores as sent', async () => {
    const r = radio();
    const result = await settle(uploadItems(r.channel, MISSION, MavMissionType.MISSION));
    expect(result).toMatchObject({ ok: true, result: 'ACCEPTED' });
    const stored = r.stored.get(MavMissionType.MISSION)!;
    expect(stored.map((i) => i.command)).toEqual(MISSION.map((i) => i.command));
    stored.forEach((s, i) => {
      expect(s.lat).toBeCloseTo(MISSION[i]!.lat, 7);
      expect(s.lon).toBeCloseTo(MISSION[i]!.lon, 7);
      expect(s.alt).toBe(MISSION[i]!.alt);
    });
  });

  it('keeps fence and mission apart by mission_type', async () => {
    const r = radio();
    const fence = [item(36.31, 136.34, 0, 5001), item(36.33, 136.34, 0, 5001), item(36.32, 136.36, 0, 5001)].map(
      (i) => ({
        ...i,
        frame: 0,
        param1: 3,
      }),
    );
    expect((await settle(uploadItems(r.channel, fence, MavMissionType.FENCE))).ok).toBe(true);
    expect((await settle(uploadItems(r.channel, MISSION, MavMissionType.MISSION))).ok).toBe(true);
    expect(r.stored.get(MavMissionType.FENCE)!.map((i) => i.command)).toEqual([5001, 5001, 5001]);
    expect(r.stored.get(MavMissionType.MISSION)!.length).toBe(5);
  });

  it('sends MISSION_COUNT again when the vehicle does not answer', async () => {
    const r = radio((dir, name, n) => dir === 'up' && name === 'MISSION_COUNT' && n < 2);
    expect((await settle(uploadItems(r.channel, MISSION, MavMissionType.MISSION))).ok).toBe(true);
    expect(sentUp(r.log, 'MISSION_COUNT')).toBe(3);
  });

  it('gives up after 5 retries of a silent vehicle', async () => {
    const r = radio((dir) => dir === 'up');
    const result = await settle(uploadItems(r.channel, MISSION, MavMissionType.MISSION));
    expect(result).toMatchObject({ ok: false, result: 'TIMEOUT' });
    expect(sentUp(r.log, 'MISSION_COUNT')).toBe(6);
  });

  it('recovers lost requests, lost items and a lost final ack', async () => {
    let acks = 0;
    const r = radio((dir, name, n) => {
      if (name === 'MISSION_ACK') return acks++ === 0;
      return n % 3 === 1;
    });
    const result = await settle(uploadItems(r.channel, MISSION, MavMissionType.MISSION));
    expect(result.ok).toBe(true);
    expect(r.stored.get(MavMissionType.MISSION)!.length).toBe(MISSION.length);
    expect(acks).toBe(2);
  });

  it('reports the vehicle’s refusal', async () => {
    const r = radio(() => false, MavMissionResult.UNSUPPORTED);
    const result = await settle(uploadItems(r.channel, MISSION, MavMissionType.FENCE));
    expect(result).toMatchObject({ ok: false, result: 'UNSUPPORTED' });
  });

  it('reports a vehicle that cancels after its own 5 re-requests went unanswered', async () => {
    const r = radio((dir, name) => dir === 'up' && name === 'MISSION_ITEM_INT');
    const result = await settle(uploadItems(r.channel, MISSION, MavMissionType.MISSION));
    expect(result).toMatchObject({ ok: false, result: 'OPERATION_CANCELLED' });
    expect(r.log.filter((l) => l === 'down MISSION_REQUEST_INT').length).toBe(6);
  });
});

describe('COMMAND_LONG with COMMAND_ACK', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  /** A vehicle that answers the n-th try of each command with the given results. */
  function vehicle(answers: (confirmation: number) => number[]) {
    const listeners = new Set<(f: Frame) => void>();
    const confirmations: number[] = [];
    const down = wire(new Encoder({ sysid: 1, compid: 1 }), (f) => listeners.forEach((l) => l(f)));
    const up = wire(new Encoder({ sysid: 255, compid: 190 }), (f) => {
      const c = decodeAs(f, CommandLong);
      confirmations.push(c.confirmation);
      for (const result of answers(c.confirmation)) {
        down(message(CommandAck, { command: c.command, result, targetSystem: 255, targetComponent: 190 }));
      }
    });
    const channel: VehicleChannel = {
      target: { sysid: 1, compid: 1 },
      self: { sysid: 255, compid: 190 },
      send: up,
      subscribe(fn) {
        listeners.add(fn);
        return () => void listeners.delete(fn);
      },
    };
    return { channel, confirmations };
  }

  it('resends with a growing confirmation until acknowledged', async () => {
    const v = vehicle((c) => (c < 2 ? [] : [MavResult.ACCEPTED]));
    const r = await settle(commandLong(v.channel, common.MavCmd.NAV_RETURN_TO_LAUNCH));
    expect(r).toMatchObject({ ok: true, result: 'ACCEPTED' });
    expect(v.confirmations).toEqual([0, 1, 2]);
  });

  it('waits through IN_PROGRESS without resending', async () => {
    const v = vehicle(() => [MavResult.IN_PROGRESS, MavResult.DENIED]);
    const r = await settle(commandLong(v.channel, common.MavCmd.NAV_LAND));
    expect(r).toMatchObject({ ok: false, result: 'DENIED' });
    expect(v.confirmations).toEqual([0]);
  });

  it('times out after 5 retries, and can be cancelled', async () => {
    const v = vehicle(() => []);
    expect(await settle(commandLong(v.channel, common.MavCmd.NAV_LOITER_UNLIM))).toMatchObject({ result: 'TIMEOUT' });
    expect(v.confirmations).toEqual([0, 1, 2, 3, 4, 5]);
    const stop = new AbortController();
    const pending = commandLong(v.channel, common.MavCmd.NAV_LOITER_UNLIM, [], undefined, {
      signal: stop.signal,
    });
    stop.abort();
    expect(await pending).toMatchObject({ ok: false, result: 'CANCELLED' });
  });
});

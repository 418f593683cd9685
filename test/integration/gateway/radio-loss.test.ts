import { common } from 'node-mavlink';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandOutcome, GatewayCommand, MissionItem } from '../../../server/protocol/index.ts';
import { capture } from '../../unit/gateway/captures.ts';
import { onStop, ready, rig, stopRigs, type Transport } from './rig.ts';
import { ScriptedAutopilot, type ScriptedOptions } from './scripted-autopilot.ts';
import { until } from './support.ts';

const { MavCmd, MavMissionResult, MavMissionType, MavResult } = common;

const PAD = { lat: 36.317, lon: 136.345 };
const item = (command: number, frame: number, lat: number, lon: number, alt: number, param1 = 0): MissionItem => ({
  command,
  frame,
  param1,
  param2: 0,
  param3: 0,
  param4: 0,
  lat,
  lon,
  alt,
  autocontinue: true,
});
const FENCE = [
  item(5001, 0, 36.316, 136.344, 0, 4),
  item(5001, 0, 36.318, 136.344, 0, 4),
  item(5001, 0, 36.318, 136.347, 0, 4),
  item(5001, 0, 36.316, 136.347, 0, 4),
];
const MISSION = [
  item(22, 6, PAD.lat, PAD.lon, 30),
  item(16, 6, 36.3172, 136.3455, 30),
  item(16, 6, 36.3175, 136.346, 30),
  item(21, 6, 36.3175, 136.346, 0),
];
const upload = (droneId: string): GatewayCommand => ({
  id: 'upload-1',
  droneId,
  action: 'upload',
  fence: FENCE,
  mission: MISSION,
  ceiling: { alt: 38, frame: 6 },
});
/** ArduPilot keeps home as item 0: the gateway puts a placeholder there. */
const STORED_MISSION = MISSION.length + 1;

afterEach(stopRigs);

const steps = (o: CommandOutcome) => o.steps.map((s) => [s.step, s.result]);
const acks = (v: ScriptedAutopilot) =>
  v.seen('out', 'MISSION_ACK').map((l) => MavMissionResult[(l.msg as InstanceType<typeof common.MissionAck>).type]);

describe.each<Transport>(['udp', 'serial'])('the gateway against an ArduPilot-like vehicle over %s', (transport) => {
  const ap = (over: Partial<ScriptedOptions> = {}): ScriptedOptions => ({
    sysid: 1,
    remoteId: 'JU-AP-0001',
    position: { lat: PAD.lat, lon: PAD.lon, altAmsl: 10, altRelative: 0 },
    ...over,
  });

  it('uploads fence, ceiling and mission as an ArduPilot stores them', async () => {
    const r = await rig(transport, [ap()]);
    const [v] = r.vehicles;
    await ready(r, 'JU-AP-0001');
    const outcome = await r.gateway.execute(upload('JU-AP-0001'));
    expect(outcome).toMatchObject({ ok: true, result: 'ACCEPTED' });
    expect(steps(outcome)).toEqual([
      ['fence', 'ACCEPTED'],
      ['ceiling', 'ACCEPTED'],
      ['mission', 'ACCEPTED'],
    ]);
    const at7 = (i: MissionItem) => [Math.round(i.lat * 1e7), Math.round(i.lon * 1e7)];
    expect(v!.lists.get(MavMissionType.FENCE)!.map(at7)).toEqual(FENCE.map(at7));
    expect(v!.lists.get(MavMissionType.MISSION)!.length).toBe(STORED_MISSION);
    // FENCE_ALT_MAX above home, and the altitude fence switched on beside the polygon one.
    expect(v!.params.get('FENCE_ALT_MAX')!.value).toBe(38);
    expect(v!.params.get('FENCE_TYPE')!.value).toBe(7);
  });

  it('takes the upload as done when the vehicle’s final MISSION_ACK is lost: the fence read back is the one sent', async () => {
    const r = await rig(transport, [ap()]);
    const [v] = r.vehicles;
    await ready(r, 'JU-AP-0001');
    let dropped = false;
    v!.script.outgoing = (name, msg) => {
      const ack = msg as InstanceType<typeof common.MissionAck>;
      if (name !== 'MISSION_ACK' || dropped || ack.missionType !== MavMissionType.FENCE) return 'send';
      dropped = ack.type === MavMissionResult.ACCEPTED;
      return dropped ? 'drop' : 'send';
    };
    const outcome = r.gateway.execute(upload('JU-AP-0001'));
    await until('the fence stored, its acknowledgement lost', () => dropped);
    // The gateway waits the protocol's 1.5 s, sends the last item again, and ArduPilot, idle now, answers ERROR.
    await r.pass(1500);
    await until('ArduPilot’s MAV_MISSION_ERROR', () => acks(v!).includes('ERROR'));
    const o = await outcome;
    expect(o).toMatchObject({ ok: true, result: 'ACCEPTED' });
    expect(steps(o)).toEqual([
      ['fence', 'ACCEPTED'],
      ['ceiling', 'ACCEPTED'],
      ['mission', 'ACCEPTED'],
    ]);
    expect(o.steps[0]!.message).toMatch(/read back/);
    expect(v!.seen('in', 'MISSION_REQUEST_LIST').length).toBe(1);
    expect(v!.lists.get(MavMissionType.MISSION)!.length).toBe(STORED_MISSION);
  });

  it('reports the upload failed when the lost acknowledgement hid a fence the vehicle did not keep', async () => {
    const r = await rig(transport, [ap()]);
    const [v] = r.vehicles;
    await ready(r, 'JU-AP-0001');
    // The vehicle loses what it was sent (as after a reboot) and its acknowledgement is lost.
    v!.script.outgoing = (name, msg) => {
      const ack = msg as InstanceType<typeof common.MissionAck>;
      if (name === 'MISSION_ACK' && ack.type === MavMissionResult.ACCEPTED) {
        v!.lists.delete(MavMissionType.FENCE);
        return 'drop';
      }
      return 'send';
    };
    const outcome = r.gateway.execute(upload('JU-AP-0001'));
    await until('the fence acknowledgement lost', () => v!.seen('out', 'MISSION_ACK (dropped)').length === 1);
    await r.pass(1500);
    const o = await outcome;
    expect(o).toMatchObject({ ok: false, result: 'ERROR' });
    expect(steps(o)).toEqual([['fence', 'ERROR']]);
    expect(v!.seen('in', 'MISSION_COUNT').length).toBe(1);
  });

  it('answers a request that comes after the 1.5 s timeout, through the INVALID_SEQUENCE its resend draws', async () => {
    const r = await rig(transport, [ap({ slowdownMs: 2000 })]);
    const [v] = r.vehicles;
    await ready(r, 'JU-AP-0001');
    let delayed = false;
    v!.script.outgoing = (name, msg) => {
      const req = msg as InstanceType<typeof common.MissionRequest>;
      if (name !== 'MISSION_REQUEST' || delayed || req.missionType !== MavMissionType.MISSION || req.seq !== 2)
        return 'send';
      delayed = true;
      return { delayMs: 2000 };
    };
    const outcome = r.gateway.execute(upload('JU-AP-0001'));
    await until('the request for mission item 2 held up on the radio', () => delayed);
    await r.pass(1500);
    await until('the resent item 1 refused as out of sequence', () => acks(v!).includes('INVALID_SEQUENCE'));
    await r.pass(500);
    const o = await outcome;
    expect(o).toMatchObject({ ok: true, result: 'ACCEPTED' });
    expect(steps(o).at(-1)).toEqual(['mission', 'ACCEPTED']);
    expect(v!.lists.get(MavMissionType.MISSION)!.length).toBe(STORED_MISSION);
  });

  it('uploads the mission to a MAVLink 1 vehicle in MAVLink 1, after its refusal of the fence, and says so', async () => {
    const r = await rig(transport, [ap({ mavlink: 1, remoteId: null })], { droneIds: new Map([[1, 'JU-AP-V1']]) });
    const [v] = r.vehicles;
    await ready(r, 'JU-AP-V1');
    const o = await r.gateway.execute(upload('JU-AP-V1'));
    expect(o).toMatchObject({ ok: true, result: 'ACCEPTED' });
    expect(steps(o)).toEqual([
      ['fence', 'UNSUPPORTED'],
      ['ceiling', 'ACCEPTED'],
      ['mission', 'ACCEPTED'],
    ]);
    expect(o.message).toMatch(/without its fence/);
    expect(v!.lists.has(MavMissionType.FENCE)).toBe(false);
    expect(v!.lists.get(MavMissionType.MISSION)!.length).toBe(STORED_MISSION);
    // Its refusal came in MAVLink 1, without a mission type; the mission went to it in MAVLink 1.
    const items = v!.seen('in', 'MISSION_ITEM_INT').map((l) => l.frame!);
    expect(items.length).toBe(STORED_MISSION);
    expect(items.every((f) => f.version === 1)).toBe(true);
    // Our heartbeat reaches it in MAVLink 1 too.
    await r.pass(1000);
    await until('a MAVLink 1 GCS heartbeat', () => v!.seen('in', 'HEARTBEAT').some((l) => l.frame!.version === 1));
  });

  it('ignores a COMMAND_ACK addressed to another system, and resends until its own comes', async () => {
    const r = await rig(transport, [ap()]);
    const [v] = r.vehicles;
    await ready(r, 'JU-AP-0001');
    v!.script.command = (c) =>
      c.command !== MavCmd.NAV_RETURN_TO_LAUNCH
        ? [{ result: MavResult.ACCEPTED }]
        : c.confirmation === 0
          ? [{ result: MavResult.ACCEPTED, targetSystem: 42 }]
          : [{ result: MavResult.FAILED }];
    const outcome = r.gateway.execute({ id: 'rtl-1', droneId: 'JU-AP-0001', action: 'rtl' });
    await until('the RTL heard', () => v!.seen('in', 'COMMAND_LONG').length === 5);
    await r.pass(1500);
    const o = await outcome;
    expect(o).toMatchObject({ ok: false, result: 'FAILED', action: 'rtl' });
    const rtl = v!.seen('in', 'COMMAND_LONG').map((l) => l.msg as InstanceType<typeof common.CommandLong>);
    expect(rtl.filter((c) => c.command === MavCmd.NAV_RETURN_TO_LAUNCH).map((c) => c.confirmation)).toEqual([0, 1]);
  });

  it('waits through IN_PROGRESS for LAND’s final result without sending it again; LAND asks for “here” with NaN', async () => {
    const r = await rig(transport, [ap()]);
    const [v] = r.vehicles;
    await ready(r, 'JU-AP-0001');
    v!.script.command = (c) =>
      c.command !== MavCmd.NAV_LAND
        ? [{ result: MavResult.ACCEPTED }]
        : [{ result: MavResult.IN_PROGRESS }, { result: MavResult.ACCEPTED, afterMs: 6000 }];
    const outcome = r.gateway.execute({ id: 'land-1', droneId: 'JU-AP-0001', action: 'land' });
    await until('LAND heard', () => v!.seen('in', 'COMMAND_LONG').length === 5);
    await r.pass(6000);
    const o = await outcome;
    expect(o).toMatchObject({ ok: true, result: 'ACCEPTED', action: 'land' });
    const land = v!
      .seen('in', 'COMMAND_LONG')
      .map((l) => l.msg as InstanceType<typeof common.CommandLong>)
      .filter((c) => c.command === MavCmd.NAV_LAND);
    expect(land.length).toBe(1);
    expect([land[0]!._param4, land[0]!._param5, land[0]!._param6, land[0]!._param7].every(Number.isNaN)).toBe(true);
  });
});

describe('frames a serial-to-UDP bridge splits across datagrams', () => {
  it('joins every frame of a real PX4 stream sent in 1,024-byte datagrams, with no false checksum error', async () => {
    const r = await rig('udp', []);
    const bytes = capture('raw-v2-3412-packets.bin');
    const port = r.gateway.ports[0]!;
    const { default: dgram } = await import('node:dgram');
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    onStop(() => new Promise((resolve) => socket.close(() => resolve())));
    // In bursts a socket's receive buffer holds, as a radio's rate would allow.
    for (let at = 0; at < bytes.length; at += 32 * 1024) {
      for (let d = at; d < Math.min(at + 32 * 1024, bytes.length); d += 1024) {
        await new Promise<void>((resolve) =>
          socket.send(bytes.subarray(d, d + 1024), r.gateway.udpPorts.radio!, '127.0.0.1', () => resolve()),
        );
      }
      await until('the burst received', () => port.counters.bytes >= Math.min(at + 32 * 1024, bytes.length));
    }
    expect(port.stats()).toMatchObject({ frames: 3412, unknownIds: 14, crcErrors: 0 });
  });

  it('hears a vehicle whose every frame is cut in two, and uploads to it', async () => {
    const cut = (b: Buffer) => [b.subarray(0, 7), b.subarray(7)];
    const r = await rig(
      'udp',
      [{ sysid: 3, remoteId: 'JU-AP-SPLIT', position: { lat: PAD.lat, lon: PAD.lon, altAmsl: 10, altRelative: 0 } }],
      {
        split: cut,
      },
    );
    await ready(r, 'JU-AP-SPLIT');
    const o = await r.gateway.execute(upload('JU-AP-SPLIT'));
    expect(o.ok).toBe(true);
    expect(r.gateway.stats().links[0]).toMatchObject({ crcErrors: 0 });
  });
});

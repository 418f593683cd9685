import { common, type MavLinkData } from 'node-mavlink';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Encoder, message, textToBytes } from '../../../gateway/mavlink/codec.ts';
import { MavlinkFramer, type Frame } from '../../../gateway/mavlink/framer.ts';
import { modeName } from '../../../gateway/mavlink/modes.ts';
import { VehicleTelemetry } from '../../../gateway/normalise.ts';
import { Vehicles } from '../../../gateway/vehicles.ts';
import { systemClock } from '../../../gateway/clock.ts';
import { TelemetrySample } from '../../../server/protocol/index.ts';
import { capture } from './captures.ts';

const KAGA = { lat: 36.317, lon: 136.345 };
const NOW = Date.UTC(2026, 10, 22, 6, 0, 0);

function frame(msg: MavLinkData, sysid = 1, compid = 1): Frame {
  let out: Frame | undefined;
  new MavlinkFramer().push(
    new Encoder({ sysid, compid }).encode(msg),
    (f) => (out = { ...f, bytes: Buffer.from(f.bytes) }),
  );
  return out!;
}

const position = (fields: Partial<InstanceType<typeof common.GlobalPositionInt>> = {}) =>
  frame(
    message(common.GlobalPositionInt, {
      lat: Math.round(KAGA.lat * 1e7),
      lon: Math.round(KAGA.lon * 1e7),
      alt: 60_000,
      relativeAlt: 50_000,
      vx: 300,
      vy: 400,
      vz: -100,
      hdg: 9000,
      ...fields,
    }),
  );

describe('MAVLink → TelemetrySample', () => {
  it('takes GLOBAL_POSITION_INT.alt as AMSL and adds the EGM96 geoid for W84 (about +37 m at Kaga)', () => {
    const r = new VehicleTelemetry().apply(position(), true, NOW)!;
    expect(r.altAmsl).toBe(60);
    expect(r.altW84 - r.altAmsl).toBeGreaterThan(36);
    expect(r.altW84 - r.altAmsl).toBeLessThan(38);
    expect(r.altRelative).toBe(50);
    expect(r.groundSpeedMps).toBe(5);
    expect(r.verticalSpeedMps).toBe(1);
    expect(r.headingDeg).toBe(90);
    expect(r.time).toBe(new Date(NOW).toISOString());
  });

  it('has no position before the first fix, and no heading when the autopilot has none', () => {
    const t = new VehicleTelemetry();
    expect(t.apply(position({ lat: 0, lon: 0 }), true, NOW)).toBeNull();
    expect(t.apply(position({ hdg: 0xffff }), true, NOW)!.headingDeg).toBeNull();
  });

  it('prefers BATTERY_STATUS over SYS_STATUS once it has been heard', () => {
    const t = new VehicleTelemetry();
    t.apply(frame(message(common.SysStatus, { voltageBattery: 15_100, batteryRemaining: 80 })), true, NOW);
    expect(t.apply(position(), true, NOW)).toMatchObject({ batteryPercent: 80, batteryVoltage: 15.1 });
    const cells = [3900, 3900, 3900, 3900, ...new Array<number>(6).fill(0xffff)];
    t.apply(frame(message(common.BatteryStatus, { id: 0, voltages: cells, batteryRemaining: 64 })), true, NOW);
    t.apply(frame(message(common.SysStatus, { voltageBattery: 12_000, batteryRemaining: 10 })), true, NOW);
    expect(t.apply(position(), true, NOW)).toMatchObject({ batteryPercent: 64, batteryVoltage: 15.6 });
  });

  it('reads Remote ID, preferring the registration mark over the serial number, from any component', () => {
    const t = new VehicleTelemetry();
    const basic = (idType: number, id: string) =>
      frame(message(common.OpenDroneIdBasicId, { idType, uaType: 2, uasId: textToBytes(id, 20) }), 1, 236);
    t.apply(basic(1, 'SN-1581F5FJD'), false, NOW);
    expect(t.uasId).toBe('SN-1581F5FJD');
    t.apply(basic(2, 'JU0123456789'), false, NOW);
    t.apply(frame(message(common.OpenDroneIdOperatorId, { operatorId: 'JPN-OP-42' }), 1, 236), false, NOW);
    t.apply(basic(1, 'SN-1581F5FJD'), false, NOW);
    expect(t.apply(position(), true, NOW)!.remoteId).toEqual({ uasId: 'JU0123456789', operatorId: 'JPN-OP-42' });
  });

  it('takes positions only from the vehicle’s own component', () => {
    expect(new VehicleTelemetry().apply(position(), false, NOW)).toBeNull();
  });

  it('names ArduPilot and PX4 modes', () => {
    expect(modeName(3, 2, 1, 3)).toBe('AUTO');
    expect(modeName(3, 2, 1, 6)).toBe('RTL');
    expect(modeName(3, 1, 1, 12)).toBe('LOITER');
    expect(modeName(12, 2, 1, (4 << 16) | (4 << 24))).toBe('AUTO.MISSION');
    expect(modeName(12, 2, 1, 3 << 16)).toBe('POSCTL');
    expect(modeName(3, 2, 0, 3)).toBeNull();
  });

  it('turns a real flight into samples the server accepts', () => {
    const vehicles = new Vehicles({
      gatewayId: 'test',
      positionHz: 5,
      droneIds: new Map([[1, 'JU-VTOL-SITL']]),
      lostAfterMs: 3500,
      identifyMs: 2000,
      clock: { ...systemClock, now: () => NOW },
      log: pino({ level: 'silent' }),
    });
    const samples: unknown[] = [];
    vehicles.on('reading', (v, r) => samples.push({ seq: samples.length, droneId: v.droneId, ...r }));
    const port = { name: 'tlog', send() {} } as never;
    new MavlinkFramer().push(capture('ardupilot-vtol-2018-v1.tlog'), (f) => vehicles.handle(port, f, 'tlog'));
    expect(vehicles.list().map((v) => v.key)).toEqual(['tlog/1/1']);
    expect(samples.length).toBeGreaterThan(700);
    expect(samples.length).toBeLessThanOrEqual(807);
    for (const s of samples) expect(TelemetrySample.parse(s)).toBeTruthy();
    const modes = new Set(samples.map((s) => (s as TelemetrySample).mode));
    expect([...modes].every((m) => m && /^[A-Z_]+$/.test(m))).toBe(true);
    vehicles.stop();
  });

  it('registers autopilots only: ground stations and radios beat too', () => {
    const vehicles = new Vehicles({
      gatewayId: 'test',
      positionHz: 5,
      droneIds: new Map(),
      lostAfterMs: 3500,
      identifyMs: 2000,
      clock: { ...systemClock, now: () => NOW },
      log: pino({ level: 'silent' }),
    });
    const port = { name: 'radio', send() {} } as never;
    new MavlinkFramer().push(capture('missionplanner-2013-v1-radio.tlog'), (f) => vehicles.handle(port, f, 'radio'));
    expect(vehicles.list().map((v) => v.key)).toEqual(['radio/1/1']);
    vehicles.stop();
  });
});

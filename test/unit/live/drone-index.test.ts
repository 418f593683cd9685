import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { DroneIndex } from '../../../server/live/drone-index.ts';
import { droneRow } from '../../../server/live/rows.ts';
import type { DroneState } from '../../../server/protocol/index.ts';

const state = (droneId: string, lat: number, lon: number, over: Partial<DroneState> = {}): DroneState => ({
  droneId,
  time: '2025-11-22T06:00:00.000Z',
  lat,
  lon,
  altW84: 117.04,
  altAmsl: 80,
  altRelative: 70.06,
  groundSpeedMps: 9.96,
  verticalSpeedMps: -0.04,
  headingDeg: 271.26,
  batteryPercent: 80.4,
  batteryVoltage: 15.1,
  mode: 'AUTO',
  armed: true,
  gpsFix: 3,
  remoteId: null,
  gatewayId: 'gw',
  link: 'live',
  receivedAt: '2025-11-22T06:00:00.250Z',
  ...over,
});

describe('drones filed under their coarse cell', () => {
  it('encodes a drone as a compact row, rounded to what a map can show', () => {
    expect(droneRow(state('JU1', 36.3027812345, 136.3150398765))).toEqual([
      'JU1',
      136.31504,
      36.302781,
      117,
      70.1,
      271.3,
      10,
      -0,
      80,
      0,
      Date.parse('2025-11-22T06:00:00.000Z'),
      Date.parse('2025-11-22T06:00:00.250Z'),
      'AUTO',
      true,
    ]);
  });

  it('finds drones by the cells a viewport covers, and follows them from cell to cell', () => {
    const index = new DroneIndex(6);
    const cityHall = latLngToCell(36.30278, 136.31503, 6);
    const komatsu = latLngToCell(36.39389, 136.4075, 6);
    expect(index.put(droneRow(state('A', 36.30278, 136.31503)))).toEqual({ cell: cityHall, left: null });
    index.put(droneRow(state('B', 36.39389, 136.4075)));
    expect(index.within((c) => c === cityHall).map((r) => r[0])).toEqual(['A']);

    expect(index.put(droneRow(state('A', 36.30279, 136.31504)))).toEqual({ cell: cityHall, left: null });
    expect(index.put(droneRow(state('A', 36.39389, 136.4075)))).toEqual({ cell: komatsu, left: cityHall });
    expect(index.within((c) => c === cityHall)).toEqual([]);
    expect(
      index
        .within((c) => c === komatsu)
        .map((r) => r[0])
        .sort(),
    ).toEqual(['A', 'B']);
  });

  it('records link changes on the drone’s row, and ignores drones it never saw', () => {
    const index = new DroneIndex(6);
    index.put(droneRow(state('A', 36.3, 136.3)));
    expect(index.setLink('A', 'lost')).toBe(latLngToCell(36.3, 136.3, 6));
    expect(index.get('A')!.row[9]).toBe(2);
    expect(index.setLink('nobody', 'lost')).toBeNull();
  });
});

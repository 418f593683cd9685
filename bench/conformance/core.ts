/**
 * The pure checks alone, on one core: a city of PLANS plans (routes across Kaga, each flown by
 * its drone), ZONES zones, and every drone in the proximity grid. Each sample is located, matched
 * to its drone's plan, assessed (zones, neighbours, plan, battery) and put in the grid — what the
 * monitor does for every sample, without the database.
 */
import { ReservationIndex } from '../../server/airspace/index.ts';
import { compilePlan } from '../../server/airspace/plan.ts';
import { positionAt } from '../../server/airspace/route.ts';
import type { LatLon, TimedPath } from '../../server/airspace/types.ts';
import { loadConfig } from '../../server/config.ts';
import { compileZone } from '../../server/geofences/compile.ts';
import { makeDatum } from '../../server/geofences/datum.ts';
import {
  assess,
  locate,
  matchPlan,
  skyRoad,
  type CandidatePlan,
  type ConformanceParams,
  type Fix,
} from '../../server/telemetry/conformance.ts';
import { conformanceParams } from '../../server/telemetry/params.ts';
import { DroneGrid } from '../../server/telemetry/proximity.ts';
import { mulberry32 } from '../../gateway/sim/random.ts';

export interface CoreRun {
  plans: number;
  zones: number;
  keys: number;
  samples: number;
  /** Samples per second over each slice of the run. */
  rates: number[];
  /** What the samples found. */
  outside: number;
  conditions: Record<string, number>;
}

const KAGA = { lat: 36.3, lon: 136.33 };
const M_LAT = 1 / 111_195;
const M_LON = M_LAT / Math.cos((KAGA.lat * Math.PI) / 180);

export function runCore(options: { plans: number; zones: number; samples: number; slices: number }): CoreRun {
  const config = loadConfig({});
  const datum = makeDatum(config.groundElevationM);
  const params: ConformanceParams = conformanceParams(config);
  const random = mulberry32(6);
  const t0 = Date.parse('2026-06-01T09:00:00Z');

  const index = new ReservationIndex();
  for (let z = 0; z < options.zones; z++) {
    const c = { lat: KAGA.lat + (random() - 0.5) * 20_000 * M_LAT, lon: KAGA.lon + (random() - 0.5) * 20_000 * M_LON };
    const h = 30 + random() * 150;
    const ring = [
      [c.lon - h * M_LON, c.lat - h * M_LAT],
      [c.lon + h * M_LON, c.lat - h * M_LAT],
      [c.lon + h * M_LON, c.lat + h * M_LAT],
      [c.lon - h * M_LON, c.lat + h * M_LAT],
      [c.lon - h * M_LON, c.lat - h * M_LAT],
    ];
    index.putZone(
      compileZone(
        {
          id: `zone-${z}`,
          name: `zone ${z}`,
          kind: z % 3 === 0 ? 'advisory' : 'prohibited',
          polygons: [[ring]],
          lower: { value: 0, reference: 'AGL' },
          upper: { value: 60 + random() * 90, reference: 'AGL' },
          windows: [{ from: null, to: null }],
        },
        datum,
        config.airspace,
      ),
    );
  }

  const flights: Array<{ droneId: string; plan: CandidatePlan; path: TimedPath; route: LatLon[] }> = [];
  let keys = 0;
  for (let p = 0; p < options.plans; p++) {
    const from = {
      lat: KAGA.lat + (random() - 0.5) * 20_000 * M_LAT,
      lon: KAGA.lon + (random() - 0.5) * 20_000 * M_LON,
    };
    const bearing = random() * 2 * Math.PI;
    const length = 800 + random() * 2500;
    const to = {
      lat: from.lat + Math.cos(bearing) * length * M_LAT,
      lon: from.lon + Math.sin(bearing) * length * M_LON,
    };
    const compiled = compilePlan(
      {
        route: {
          waypoints: [from, to],
          altitude: { value: 30 + Math.floor(random() * 8) * 12, reference: 'AGL' },
          speedMps: 8 + random() * 8,
          departure: t0 + Math.floor(random() * 600_000),
        },
      },
      datum,
      config.airspace,
    );
    keys += compiled.keys.length;
    flights.push({
      droneId: `JU${String(p).padStart(10, '0')}`,
      plan: { id: `plan-${p}`, state: 'Activated', road: skyRoad(compiled.keys) },
      path: compiled.path!,
      route: [from, to],
    });
  }

  // Each drone's samples at 1 Hz along its path; one in ten blown 150 m off it.
  const fixes: Fix[] = [];
  for (let i = 0; fixes.length < 200_000; i++) {
    for (const f of flights) {
      const start = f.path[0]!.t;
      const end = f.path[f.path.length - 1]!.t;
      const t = start + ((i * 1000) % (end - start));
      const p = positionAt(f.path, t);
      const off = random() < 0.1 ? 150 : 0;
      fixes.push({
        droneId: f.droneId,
        lat: p.lat,
        lon: p.lon + off * M_LON,
        altW84: p.altW84,
        t,
        armed: true,
        heightM: 40,
        groundSpeedMps: 10,
        batteryPercent: 20 + random() * 80,
      });
    }
  }
  const byDrone = new Map(flights.map((f) => [f.droneId, f]));
  const grid = new DroneGrid(params.proximity.horizontalM * params.proximity.releaseFactor, params.h3Resolution);
  const zonesAt = (cell: string) => index.zonesAt(cell);
  const noneClose: ReadonlySet<string> = new Set();
  const noAuthorizations: ReadonlySet<string> = new Set();
  const conditions: Record<string, number> = {};
  let outside = 0;

  const slice = Math.floor(options.samples / options.slices);
  const rates: number[] = [];
  let n = 0;
  for (let s = 0; s < options.slices; s++) {
    const started = performance.now();
    for (let k = 0; k < slice; k++, n++) {
      const fix = fixes[n % fixes.length]!;
      const flight = byDrone.get(fix.droneId)!;
      const { cell, band } = locate(fix, params);
      const match = matchPlan([flight.plan], cell, band, fix.t);
      if (match && !match.check.inside) outside++;
      const result = assess({
        fix,
        cell,
        band,
        plan: match && { id: match.plan.id, authorizations: noAuthorizations, route: flight.route, speedMps: 10 },
        zonesAt,
        grid,
        closeTo: noneClose,
        home: null,
        drainPercentPerS: null,
        params,
      });
      for (const c of result.conditions) conditions[c.kind] = (conditions[c.kind] ?? 0) + 1;
      grid.put(fix, cell);
    }
    rates.push(slice / ((performance.now() - started) / 1000));
  }
  return { plans: options.plans, zones: options.zones, keys, samples: n, rates, outside, conditions };
}

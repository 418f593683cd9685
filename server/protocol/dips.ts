import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import {
  AircraftKind,
  Contact,
  FlightCategory,
  FlightMethod,
  FlightPurpose,
  PlanState,
  RestrictedAirspace,
} from './flight-plans.ts';
import { wire } from './registry.ts';

const Point = z.object({ lat: z.number(), lon: z.number() });
const Declared = z.object({ present: z.boolean(), detail: z.string().nullable() }).nullable();

/**
 * A plan as the national flight-plan filing (飛行計画の通報, 航空法第132条の88, through DIPS 2.0)
 * asks for it, item by item (航空法施行規則第236条の83). Items the operator did not give are
 * null; the operator completes them in DIPS.
 */
export const DipsFlightPlan = z
  .object({
    planId: Id,
    state: PlanState,
    flightStart: Timestamp.describe('飛行日時 (開始): take-off, tolerances excluded'),
    flightEnd: Timestamp.describe('飛行日時 (終了): landing'),
    route: z
      .object({
        kind: z.enum(['route', 'area']).describe('経路 (waypoints) or 範囲 (an area: a polygon, or a circle)'),
        coordinates: z.array(Point).describe('WGS84; a route’s waypoints in order, an area’s outline'),
        radiusM: z.number().nullable().describe('an area given as a circle: its radius about the one coordinate'),
      })
      .describe('飛行経路'),
    registrationMark: z.string().describe('登録記号'),
    aircraftKind: AircraftKind.nullable().describe('無人航空機の種類'),
    model: z.string().nullable().describe('型式 (type-certified aircraft)'),
    pilotName: z.string().nullable().describe('操縦者の氏名'),
    pilotLicenceNumber: z.string().nullable().describe('技能証明書番号'),
    permitNumber: z.string().nullable().describe('飛行の許可・承認の番号'),
    purpose: FlightPurpose.nullable().describe('飛行の目的'),
    purposeLabel: z.string().nullable().describe('飛行の目的, as DIPS words it'),
    purposeDetail: z.string().nullable().describe('the plan’s own words on its purpose'),
    maxAltitudeAglM: z.number().describe('飛行高度: highest above the ground, metres'),
    maxAltitudeAmslM: z.number().describe('飛行高度: highest above mean sea level (EGM96), metres'),
    speedKmh: z.number().nullable().describe('飛行速度 (km/h); null for an area'),
    category: FlightCategory.nullable().describe('飛行カテゴリー'),
    restrictedAirspaces: z.array(RestrictedAirspace).describe('飛行させる飛行禁止空域'),
    flightMethods: z.array(FlightMethod).describe('飛行の方法'),
    departurePoint: Point.describe('出発地'),
    destination: Point.describe('目的地'),
    timeEnRouteMinutes: z.number().describe('目的地に到着するまでの所要時間 (分)'),
    entryControl: Declared.describe('立入管理措置の有無及びその内容'),
    insurance: Declared.describe('損害賠償のための保険契約の有無及びその内容'),
    contact: Contact.nullable().describe('連絡先'),
    remarks: z.string().nullable().describe('その他参考となる事項'),
  })
  .register(wire, {
    id: 'DipsFlightPlan',
    description:
      'A plan as the fields of the national flight-plan filing (飛行計画の通報, DIPS 2.0); for its operator only, pilot and contact included.',
  });

export const DipsQuery = z.object({
  format: z
    .enum(['json', 'csv'], { error: 'must be json or csv' })
    .default('json')
    .describe('the filing as JSON, or as CSV: a heading row and one row of values'),
});

export type DipsFlightPlan = z.infer<typeof DipsFlightPlan>;

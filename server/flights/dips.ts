import { groundW84, toW84, type Datum } from '../airspace/altitude.ts';
import { timeRoute } from '../airspace/route.ts';
import type { LatLon } from '../airspace/types.ts';
import type { Contact, DipsFlightPlan, Filing, Pilot } from '../protocol/index.ts';
import type { PlanRecord } from '../store/plans.ts';
import { toGeometry } from './geometry.ts';

type Purpose = NonNullable<Filing['purposeCategory']>;

/** 飛行の目的 as DIPS 2.0 words them. */
const PURPOSE_LABELS: Readonly<Record<Purpose, string>> = {
  aerial_photography: '空撮',
  news_coverage: '報道取材',
  security: '警備',
  agriculture_forestry_fisheries: '農林水産業',
  surveying: '測量',
  environmental_survey: '環境調査',
  facility_maintenance: '設備メンテナンス',
  infrastructure_inspection: 'インフラ点検・保守',
  materials_management: '資材管理',
  transport_delivery: '輸送・宅配',
  nature_observation: '自然観測',
  accident_disaster_response: '事故・災害対応等',
  hobby: '趣味',
  research_development: '研究開発',
  other: 'その他',
};

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const iso = (ms: number) => new Date(ms).toISOString();

const centre = (points: readonly LatLon[]): LatLon => ({
  lat: points.reduce((s, p) => s + p.lat, 0) / points.length,
  lon: points.reduce((s, p) => s + p.lon, 0) / points.length,
});

/** Highest point of the flight above the ground and above mean sea level, metres. */
function highest(points: ReadonlyArray<{ lat: number; lon: number; altW84: number }>, datum: Datum) {
  let agl = -Infinity;
  let amsl = -Infinity;
  for (const p of points) {
    agl = Math.max(agl, p.altW84 - groundW84(p.lat, p.lon, datum));
    amsl = Math.max(amsl, p.altW84 - datum.geoidUndulation(p.lat, p.lon));
  }
  return { agl: round(agl), amsl: round(amsl) };
}

/**
 * A plan as the national flight-plan filing (飛行計画の通報) asks for it. Times, places and
 * heights come from the plan itself (heights both above the ground and above sea level, as DIPS
 * asks for both); the rest from the operator's filing fields, pilot and contact.
 */
export function dipsFlightPlan(
  plan: PlanRecord,
  personal: { contact: Contact | null; pilot: Pilot | null },
  datum: Datum,
  climbRateMps: number,
): DipsFlightPlan {
  const req = plan.request;
  const f = req.filing ?? {};
  const geometry = toGeometry(req);
  let route: DipsFlightPlan['route'];
  let from: LatLon;
  let to: LatLon;
  let start: number;
  let end: number;
  let height: { agl: number; amsl: number };
  const remarks = f.remarks ? [f.remarks] : [];
  if ('route' in geometry) {
    const path = timeRoute(geometry.route, datum, climbRateMps);
    const waypoints = geometry.route.waypoints.map((w) => ({ lat: w.lat, lon: w.lon }));
    route = { kind: 'route', coordinates: waypoints, radiusM: null };
    from = waypoints[0]!;
    to = waypoints[waypoints.length - 1]!;
    start = path[0]!.t;
    end = path[path.length - 1]!.t;
    height = highest(path, datum);
  } else {
    const [first, ...more] = geometry.volumes;
    const outline = first!.outline;
    route =
      'polygon' in outline
        ? { kind: 'area', coordinates: outline.polygon, radiusM: null }
        : { kind: 'area', coordinates: [outline.circle.center], radiusM: outline.circle.radiusM };
    from = to = 'polygon' in outline ? centre(outline.polygon) : outline.circle.center;
    start = Math.min(...geometry.volumes.map((v) => v.start));
    end = Math.max(...geometry.volumes.map((v) => v.end));
    const tops = geometry.volumes.map((v) => {
      const c = 'polygon' in v.outline ? centre(v.outline.polygon) : v.outline.circle.center;
      return { ...c, altW84: toW84(v.upper, c.lat, c.lon, datum) };
    });
    height = highest(tops, datum);
    if (more.length) remarks.push(`飛行範囲は他に${more.length}区域 (soramichi の計画を参照)`);
  }
  remarks.push(`soramichi plan ${plan.id}`);
  return {
    planId: plan.id,
    state: plan.state,
    flightStart: iso(start),
    flightEnd: iso(end),
    route,
    registrationMark: f.registrationMark ?? plan.droneId,
    aircraftKind: f.aircraftKind ?? null,
    model: f.model ?? null,
    pilotName: personal.pilot?.name ?? null,
    pilotLicenceNumber: personal.pilot?.licenceNumber ?? null,
    permitNumber: f.permitNumber ?? null,
    purpose: f.purposeCategory ?? null,
    purposeLabel: f.purposeCategory ? PURPOSE_LABELS[f.purposeCategory] : null,
    purposeDetail: req.purpose ?? null,
    maxAltitudeAglM: height.agl,
    maxAltitudeAmslM: height.amsl,
    speedKmh: req.route ? round(req.route.speedMps * 3.6) : null,
    category: f.category ?? null,
    restrictedAirspaces: f.airspaces ?? [],
    flightMethods: f.methods ?? [],
    departurePoint: from,
    destination: to,
    timeEnRouteMinutes: round((end - start) / 60_000),
    entryControl: f.entryControl ? { present: f.entryControl.present, detail: f.entryControl.detail ?? null } : null,
    insurance: f.insurance ? { present: f.insurance.present, detail: f.insurance.detail ?? null } : null,
    contact: personal.contact,
    remarks: remarks.join(' / '),
  };
}

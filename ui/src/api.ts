import type {
  AllocationRules,
  AnonymousFlightPlan,
  Capacity,
  DroneRegistration,
  DroneRegistrationRequest,
  EarliestSlot,
  ErrorBody,
  FlightPlan,
  FlightPlanRequest,
  Geofence,
  Rejection,
  Replay,
  SkyRoadCells,
  UiConfig,
  WhoAmI,
} from '../../server/protocol/index.ts';
import { LIMITS } from '../../server/limits.ts';
import { sessionToken } from './session.ts';

/** An answer other than the one hoped for, with the server's explanation. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | null,
  ) {
    const issues = body?.issues?.map((i) => `${i.path}: ${i.message}`).join('; ');
    super(body ? `${body.message}${issues ? ` (${issues})` : ''}` : `HTTP ${status}`);
  }
}

const token = sessionToken();

/** Headers every request carries: the page's token, and the body's type when there is one. */
function headers(extra: Record<string, string> = {}, json = false): Record<string, string> {
  return {
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(json ? { 'content-type': 'application/json' } : {}),
    ...extra,
  };
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: headers({}, body !== undefined),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(res.status, json as ErrorBody | null);
  return json as T;
}

export type Decision = { accepted: true; plan: FlightPlan } | { accepted: false; rejection: Rejection };

const iso = (ms: number) => new Date(ms).toISOString();
/** A map's bounds as the API's bbox, clamped to the globe. */
const box = ([w, s, e, n]: readonly number[]) =>
  [Math.max(-180, w!), Math.max(-90, s!), Math.min(180, e!), Math.min(90, n!)].map((x) => x.toFixed(5)).join(',');

/**
 * A view's box cut, around its middle, to the largest the airspace answers: zoomed out (or pitched
 * towards the horizon) past it, the map shows the sky roads near the middle of the view.
 */
function airspaceBox([w, s, e, n]: readonly number[]): number[] {
  // A little less, so that rounding the box to five decimals cannot take it past the limit.
  const max = LIMITS.maxAirspaceBboxDeg - 0.001;
  const cut = (lo: number, hi: number) => (hi - lo <= max ? [lo, hi] : [(lo + hi - max) / 2, (lo + hi + max) / 2]);
  const [west, east] = cut(Math.max(-180, w!), Math.min(180, e!));
  const [south, north] = cut(Math.max(-90, s!), Math.min(90, n!));
  return [west!, south!, east!, north!];
}

/** The REST API, typed by the server's own wire schemas. */
export const api = {
  token,
  config: () => call<UiConfig>('GET', '/config.json'),
  whoami: () => call<WhoAmI>('GET', '/api/v1/whoami'),

  /**
   * Files a plan (held, to confirm later, with `hold`); the key makes a retry of the same
   * submission safe (one plan, the same answer).
   */
  async file(request: FlightPlanRequest, idempotencyKey: string, hold = false): Promise<Decision> {
    const res = await fetch(`/api/v1/flight-plans${hold ? '?hold=true' : ''}`, {
      method: 'POST',
      headers: headers({ 'idempotency-key': idempotencyKey }, true),
      body: JSON.stringify(request),
    });
    const json: unknown = await res.json();
    if (res.status === 201) return { accepted: true, plan: json as FlightPlan };
    if (res.status === 409) return { accepted: false, rejection: json as Rejection };
    throw new ApiError(res.status, json as ErrorBody);
  },
  plan: (id: string) => call<FlightPlan | AnonymousFlightPlan>('GET', `/api/v1/flight-plans/${id}`),
  plans: (query: string) => call<FlightPlan[]>('GET', `/api/v1/flight-plans?${query}`),
  confirm: (id: string) => call<FlightPlan>('POST', `/api/v1/flight-plans/${id}/confirm`),
  activate: (id: string) => call<FlightPlan>('POST', `/api/v1/flight-plans/${id}/activate`),
  end: (id: string) => call<FlightPlan>('POST', `/api/v1/flight-plans/${id}/end`),
  cancel: (id: string) => call<FlightPlan>('DELETE', `/api/v1/flight-plans/${id}`),
  skyRoad: (id: string) => call<SkyRoadCells>('GET', `/api/v1/flight-plans/${id}/sky-road`),
  earliest: (plan: FlightPlanRequest) => call<EarliestSlot>('POST', '/api/v1/flight-plans/earliest', { plan }),
  rules: () => call<AllocationRules>('GET', '/api/v1/rules'),
  registerDrone: (id: string, registration: DroneRegistrationRequest) =>
    call<DroneRegistration>('PUT', `/api/v1/drones/${encodeURIComponent(id)}/registration`, registration),

  /** The plan's DIPS 2.0 filing as a file to save (the request carries the token, so no plain link does). */
  async dips(id: string, format: 'json' | 'csv'): Promise<Blob> {
    const res = await fetch(`/api/v1/flight-plans/${id}/dips?format=${format}`, { headers: headers() });
    if (!res.ok) throw new ApiError(res.status, (await res.json()) as ErrorBody);
    return res.blob();
  },

  airspace: (bbox: readonly number[], from: number, to: number) =>
    call<SkyRoadCells>('GET', `/api/v1/airspace?bbox=${box(airspaceBox(bbox))}&from=${iso(from)}&to=${iso(to)}`),
  capacity: (bbox: readonly number[], from: number, to: number) =>
    call<Capacity>('GET', `/api/v1/capacity?bbox=${box(bbox)}&from=${iso(from)}&to=${iso(to)}`),
  geofences: () => call<{ type: 'FeatureCollection'; features: Geofence[] }>('GET', '/api/v1/geofences?limit=10000'),

  replay: (from: number, to: number, bbox: readonly number[]) =>
    call<Replay>('GET', `/api/v1/replay?from=${iso(from)}&to=${iso(to)}&bbox=${box(bbox)}`),
};

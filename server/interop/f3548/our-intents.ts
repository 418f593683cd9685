import { bandRangeM } from '../../airspace/altitude.ts';
import type { SkyKey } from '../../airspace/types.ts';
import { volumesOfKeys, type KeyVolume } from '../../airspace/volumes-of-keys.ts';
import {
  MAX_F3548_VOLUMES,
  type F3548OperationalIntent,
  type F3548OperationalIntentDetails,
  type F3548OperationalIntentState,
  type F3548Volume4D,
  type PlanState,
} from '../../protocol/index.ts';
import type { PlanRecord } from '../../store/plans.ts';
import { LIMITS } from '../../limits.ts';

/** Who this USS is to its peers: the DSS's name for it, and where its USS↔USS API is. */
export interface UssIdentity {
  id: string;
  baseUrl: string;
}

/** The subscription a reference names when no DSS gave one (the field is required; this one is no DSS's). */
export const NO_SUBSCRIPTION = '00000000-0000-4000-8000-000000000000';

const F3548_STATES: Partial<Record<PlanState, F3548OperationalIntentState>> = {
  // F3548 has no hold: a held sky road is shared as Accepted, so that peers plan around it.
  Held: 'Accepted',
  Accepted: 'Accepted',
  Activated: 'Activated',
  Nonconforming: 'Nonconforming',
  Contingent: 'Contingent',
};

/** The F3548 state of a plan that holds a sky road; null once it holds none. */
export function f3548StateOf(state: PlanState): F3548OperationalIntentState | null {
  return F3548_STATES[state] ?? null;
}

const z = (ms: number) => new Date(ms).toISOString();

function toVolume4D(v: KeyVolume, bandHeightM: number): F3548Volume4D {
  const { floorM, ceilingM } = bandRangeM(v.bandLo, v.bandHi, bandHeightM);
  return {
    volume: {
      outline_polygon: { vertices: v.outline.map((p) => ({ lat: p.lat, lng: p.lon })) },
      altitude_lower: { value: floorM, reference: 'W84', units: 'M' },
      altitude_upper: { value: ceilingM, reference: 'W84', units: 'M' },
    },
    time_start: { value: z(v.t0), format: 'RFC3339' },
    time_end: { value: z(v.t1), format: 'RFC3339' },
  };
}

/** A sky road as the fewest Volume4Ds (W84, band edges) that cover it, within what a peer takes. */
export function volumesOfSkyRoad(keys: readonly SkyKey[], bandHeightM: number): F3548Volume4D[] {
  return volumesOfKeys(keys, { maxVolumes: MAX_F3548_VOLUMES, maxVertices: LIMITS.maxPlanVertices }).map((v) =>
    toVolume4D(v, bandHeightM),
  );
}

/**
 * The details of a plan's intent: its sky road as volumes. Off its plan, the sky road is also the
 * area of non-conformance as far as this USS knows it; a Contingent intent has only that (F3548).
 */
export function detailsOf(
  state: F3548OperationalIntentState,
  priority: number,
  volumes: F3548Volume4D[],
): F3548OperationalIntentDetails {
  return {
    volumes: state === 'Contingent' ? [] : volumes,
    off_nominal_volumes: state === 'Nonconforming' || state === 'Contingent' ? volumes : [],
    priority,
  };
}

/** What the DSS (or, without one, this USS) says of a plan's intent: its version and OVN, its subscription. */
export interface Versioning {
  version: number;
  ovn: string;
  subscriptionId: string;
}

/** Without a DSS: the plan's own version, and an OVN made of it (no key needs it). */
export const localVersioning = (plan: PlanRecord): Versioning => ({
  version: plan.version,
  ovn: `${plan.id}_v${plan.version}`,
  subscriptionId: NO_SUBSCRIPTION,
});

/** A live plan of this USS as an F3548 operational intent; null when it holds no sky road. */
export function intentOf(
  plan: PlanRecord,
  keys: readonly SkyKey[],
  identity: UssIdentity,
  versioning: Versioning,
  bandHeightM: number,
): F3548OperationalIntent | null {
  const state = f3548StateOf(plan.state);
  if (!state || keys.length === 0) return null;
  return {
    reference: {
      id: plan.id,
      manager: identity.id,
      uss_availability: 'Unknown',
      version: versioning.version,
      state,
      ovn: versioning.ovn,
      time_start: { value: z(plan.timeStart), format: 'RFC3339' },
      time_end: { value: z(plan.timeEnd), format: 'RFC3339' },
      uss_base_url: identity.baseUrl,
      subscription_id: versioning.subscriptionId,
    },
    details: detailsOf(state, plan.priority, volumesOfSkyRoad(keys, bandHeightM)),
  };
}

import { authorityClient } from '../../auth/interuss-tokens.ts';
import type { Principal } from '../../auth/principal.ts';
import type { Clock } from '../../clock.ts';
import { BadRequest, Forbidden, NotFound, StateConflict } from '../../errors.ts';
import type {
  F3548GetOperationalIntentDetailsResponse,
  F3548GetOperationalIntentTelemetryResponse,
  F3548PutOperationalIntentDetailsParameters,
} from '../../protocol/index.ts';
import type { Db } from '../../store/db.ts';
import { getPublication, isPeerOwner } from '../../store/f3548.ts';
import { getPlan, planKeys, type PlanRecord } from '../../store/plans.ts';
import { getState } from '../../store/telemetry.ts';
import { intentOf, localVersioning, type UssIdentity } from './our-intents.ts';
import type { HoldOutcome, PeerIntents } from './peer-intents.ts';

export interface OperationalIntentsDeps {
  db: Db;
  peers: PeerIntents;
  identity: () => UssIdentity;
  /** With a DSS, peers are served what the DSS accepted; without, the plans as they are. */
  dss: boolean;
  bandHeightM: number;
  clock: Clock;
}

/** Telemetry is polled about once a second while an intent is off-nominal. */
const TELEMETRY_EVERY_MS = 1000;

/**
 * ASTM F3548-21 USS↔USS for operational intents: the details of this USS's plans (their sky roads
 * as volumes), the telemetry of those off-nominal, and the notifications peers send of theirs
 * (held as foreign reservations). Peers see airspace and priority, never who flies.
 */
export class OperationalIntents {
  constructor(private readonly deps: OperationalIntentsDeps) {}

  /**
   * An intent this USS manages. With a DSS, the version the DSS last accepted (404 before it
   * accepted one, as the standard asks); without, the plan as it holds its sky road now.
   */
  async details(id: string): Promise<F3548GetOperationalIntentDetailsResponse> {
    const plan = await this.ours(id);
    if (this.deps.dss) {
      const published = await getPublication(this.deps.db, id);
      if (!published?.intent) throw new NotFound(`operational intent ${id} is not shared through the DSS (yet)`);
      return { operational_intent: published.intent };
    }
    const intent = intentOf(
      plan,
      await planKeys(this.deps.db, id),
      this.deps.identity(),
      localVersioning(plan),
      this.deps.bandHeightM,
    );
    if (!intent) throw new NotFound(`operational intent ${id} is ${plan.state}: it holds no airspace`);
    return { operational_intent: intent };
  }

  /**
   * Where the drone of an off-nominal intent was last reported: 409 for an intent that is not
   * off-nominal, null (412) when no telemetry of its drone is known.
   */
  async telemetry(id: string): Promise<F3548GetOperationalIntentTelemetryResponse | null> {
    const plan = await this.ours(id);
    if (plan.state !== 'Nonconforming' && plan.state !== 'Contingent') {
      throw new StateConflict(`operational intent ${id} is ${plan.state}: telemetry is shared only off-nominal`);
    }
    const state = await getState(this.deps.db, plan.droneId);
    if (!state || Date.parse(state.time) < plan.timeStart) return null;
    return {
      operational_intent_id: id,
      telemetry: {
        time_measured: { value: new Date(state.time).toISOString(), format: 'RFC3339' },
        position: {
          longitude: state.lon,
          latitude: state.lat,
          extrapolated: false,
          altitude: { value: state.altW84, reference: 'W84', units: 'M' },
        },
        ...(state.groundSpeedMps === null
          ? {}
          : {
              velocity: {
                speed: state.groundSpeedMps,
                units_speed: 'MetersPerSecond' as const,
                track: state.headingDeg ?? 360,
              },
            }),
      },
      next_telemetry_opportunity: {
        value: new Date(this.deps.clock.now() + TELEMETRY_EVERY_MS).toISOString(),
        format: 'RFC3339',
      },
    };
  }

  /**
   * A peer's notification: its intent, new or changed, is held as a foreign reservation; without
   * one, the intent is gone and its sky road freed. Only the intent's manager may tell of it.
   */
  async notified(body: F3548PutOperationalIntentDetailsParameters, who: Principal): Promise<HoldOutcome | 'removed'> {
    const id = body.operational_intent_id;
    const client = who.role === 'admin' ? null : authorityClient(who);
    const intent = body.operational_intent;
    if (intent) {
      if (intent.reference.id !== id) {
        throw BadRequest.field('operational_intent.reference.id', `must be operational_intent_id (${id})`);
      }
      if (client !== null && client !== intent.reference.manager) {
        throw new Forbidden(`this token is ${client}'s; the intent's manager is ${intent.reference.manager}`);
      }
      return this.deps.peers.hold(intent, 'operational_intent');
    }
    const held = await this.deps.peers.held(id);
    if (!held) return 'removed';
    const manager = client ?? held.manager;
    await this.deps.peers.remove(id, manager, `ended by its USS ${manager}`);
    return 'removed';
  }

  /** A plan of this USS (a peer's intent held here is not ours to describe). */
  private async ours(id: string): Promise<PlanRecord> {
    const plan = await getPlan(this.deps.db, id);
    if (!plan || isPeerOwner(plan.owner)) throw new NotFound(`no operational intent ${id} managed here`);
    return plan;
  }
}

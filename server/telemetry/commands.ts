import { randomUUID } from 'node:crypto';
import { mayManagePlan } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import { BadRequest, Forbidden, NotFound, StateConflict } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { CommandOutcome, DroneCommand, FlightPlanRequest, GatewayCommand, PlanState } from '../protocol/index.ts';
import { planToUpload } from './plan-mission.ts';

/** Reaches a connected gateway: null when it is not connected to this instance. */
export interface GatewayChannel {
  send(gatewayId: string, command: GatewayCommand, timeoutMs: number): Promise<CommandOutcome | null>;
}

/** Where a plan comes from: the flight-plan service, seen only as far as this needs. */
export interface PlanSource {
  get(id: string): Promise<{ plan: { droneId: string; owner: string; state: PlanState; request: FlightPlanRequest } }>;
}

export interface DroneCommandsDeps {
  channel: GatewayChannel;
  /** The gateway that last relayed the drone's telemetry (to any instance), or null when the drone is unknown. */
  carrier: (droneId: string) => Promise<string | null>;
  plans: PlanSource;
  /** Refuses a principal that does not fly the drone (its operator, or an administrator). */
  requireOperator: (droneId: string, who: Principal) => Promise<void>;
  undulation: (lat: number, lon: number) => number;
  lateralBufferM: number;
  verticalBufferM: number;
  timeoutMs: number;
  log: Logger;
}

const UPLOADABLE: ReadonlySet<PlanState> = new Set(['Accepted', 'Activated']);

/**
 * Commands to a drone, through the gateway that carries it: RTL, LAND, LOITER, or an accepted
 * plan uploaded as mission and fence. Resolves with what the drone answered. Alert policies
 * call it as the REST API does.
 */
export class DroneCommands {
  constructor(private readonly deps: DroneCommandsDeps) {}

  /** `who` must fly the drone; an uploaded plan must also be one it may manage. */
  async send(droneId: string, command: DroneCommand, who: Principal): Promise<CommandOutcome> {
    await this.deps.requireOperator(droneId, who);
    const gatewayId = await this.deps.carrier(droneId);
    if (!gatewayId) throw new NotFound(`no drone ${droneId} has reported telemetry`);
    const id = randomUUID();
    let order: GatewayCommand;
    if (command.type === 'upload-plan') {
      const { mission, fence, ceiling } = await this.upload(droneId, command.planId, who);
      order = { id, droneId, action: 'upload', mission, fence, ceiling };
    } else {
      order = { id, droneId, action: command.type };
    }
    const started = Date.now();
    const outcome = await this.deps.channel.send(gatewayId, order, this.deps.timeoutMs);
    if (!outcome) throw new StateConflict(`gateway ${gatewayId}, which carries drone ${droneId}, is not connected`);
    this.deps.log.info(
      { droneId, gatewayId, action: order.action, ok: outcome.ok, result: outcome.result, ms: Date.now() - started },
      'drone command',
    );
    return outcome;
  }

  private async upload(droneId: string, planId: string, who: Principal) {
    let plan;
    try {
      ({ plan } = await this.deps.plans.get(planId));
    } catch (err) {
      if (err instanceof NotFound) throw BadRequest.field('planId', `no flight plan ${planId}`);
      throw err;
    }
    if (!mayManagePlan(who, plan.owner)) throw new Forbidden(`flight plan ${planId} belongs to another operator`);
    if (plan.droneId !== droneId) throw BadRequest.field('planId', `the plan is for drone ${plan.droneId}`);
    if (!UPLOADABLE.has(plan.state)) {
      throw new StateConflict(`the plan is ${plan.state}; only an Accepted or Activated plan is uploaded`);
    }
    return planToUpload(plan.request, this.deps.undulation, {
      lateralM: this.deps.lateralBufferM,
      verticalM: this.deps.verticalBufferM,
    });
  }
}

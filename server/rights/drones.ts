import { can, demand } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import { Forbidden, NotFound, StateConflict, UnregisteredDrone } from '../errors.ts';
import type { DroneRegistrationRequest } from '../protocol/index.ts';
import type { Db, Queryable } from '../store/db.ts';
import { hasLivePlans } from '../store/plans.ts';
import { deleteDrone, dronesOf, getDrone, listDrones, putDrone } from '../store/rights.ts';
import type { DroneRecord } from './records.ts';

/** PostgreSQL's unique_violation: the registration mark is another drone's. */
const UNIQUE_VIOLATION = '23505';

/**
 * Which operator flies which drone. An operator registers its own drones; only an administrator
 * registers one to someone else or moves it between operators. Plans and commands for a drone
 * are refused to everyone but its operator (and administrators), so a drone id in a request is a
 * claim checked here, not a right.
 */
export class DroneRegistry {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  async register(
    droneId: string,
    req: DroneRegistrationRequest,
    who: Principal,
  ): Promise<{ drone: DroneRecord; created: boolean }> {
    demand(who, 'drones:register', 'registering a drone');
    const operator = req.operator ?? who.subject;
    if (operator !== who.subject && !can(who, 'drones:register-any')) {
      throw Forbidden.field('operator', 'an operator registers drones to itself only');
    }
    try {
      return await this.deps.db.transaction(async (tx) => {
        const current = await getDrone(tx, droneId, true);
        if (current && current.operator !== operator) {
          if (!can(who, 'drones:register-any')) {
            throw new Forbidden(`drone ${droneId} is registered to another operator; an administrator can move it`);
          }
          if (await hasLivePlans(tx, droneId)) {
            throw new StateConflict(`drone ${droneId} has live plans of its operator; they must end first`);
          }
        }
        const drone = await putDrone(tx, {
          droneId,
          operator,
          registrationMark: req.registrationMark ?? null,
          model: req.model ?? null,
          registeredBy: who.subject,
          registeredAt: this.deps.clock.now(),
        });
        return { drone, created: current === null };
      });
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) {
        throw StateConflict.field('registrationMark', 'already registered to another drone');
      }
      throw err;
    }
  }

  async unregister(droneId: string, who: Principal): Promise<DroneRecord> {
    demand(who, 'drones:register', 'unregistering a drone');
    return this.deps.db.transaction(async (tx) => {
      const current = await getDrone(tx, droneId, true);
      if (!current || !(can(who, 'drones:register-any') || current.operator === who.subject)) {
        throw new NotFound(`no drone ${droneId} registered to this operator`);
      }
      if (await hasLivePlans(tx, droneId)) {
        throw new StateConflict(`drone ${droneId} has live plans; end or cancel them first`);
      }
      await deleteDrone(tx, droneId);
      return current;
    });
  }

  async get(droneId: string, who: Principal): Promise<DroneRecord> {
    if (!can(who, 'sky:read-all')) demand(who, 'drones:register', 'reading a drone’s registration');
    const drone = await getDrone(this.deps.db, droneId);
    if (!drone || !(can(who, 'sky:read-all') || drone.operator === who.subject)) {
      throw new NotFound(`no drone ${droneId} registered to this operator`);
    }
    return drone;
  }

  /** Registrations: every one for monitors and administrators, one's own for an operator. */
  list(who: Principal, f: { operator?: string | undefined; limit: number }): Promise<DroneRecord[]> {
    if (!can(who, 'sky:read-all')) demand(who, 'drones:register', 'listing registered drones');
    const operator = can(who, 'sky:read-all') ? f.operator : who.subject;
    return listDrones(this.deps.db, { operator, limit: f.limit });
  }

  /** The drones an operator flies. */
  owned(operator: string): Promise<Set<string>> {
    return dronesOf(this.deps.db, operator);
  }

  /** Registers the drone to the principal unless it is already its own (or the principal may fly any). */
  async ensureOwn(droneId: string, who: Principal): Promise<void> {
    if (can(who, 'drones:command-any')) return;
    const drone = await getDrone(this.deps.db, droneId);
    if (drone?.operator === who.subject) return;
    await this.register(droneId, {}, who);
  }

  /**
   * Refuses (403, naming `field`) a principal that neither flies the drone nor may act on any
   * drone. Read inside the deciding transaction, so a plan is never accepted for a drone moved
   * to another operator meanwhile.
   */
  async requireOperator(q: Queryable, droneId: string, who: Principal, field = 'droneId'): Promise<void> {
    if (can(who, 'drones:command-any')) return;
    const drone = await getDrone(q, droneId);
    if (!drone)
      throw UnregisteredDrone.field(field, `drone ${droneId} is not registered; register it to this operator first`);
    if (drone.operator !== who.subject)
      throw Forbidden.field(field, `drone ${droneId} is registered to another operator`);
  }
}

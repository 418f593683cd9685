import { randomUUID } from 'node:crypto';
import { can, demand } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import { BadRequest, Forbidden, NotFound } from '../errors.ts';
import type { ZoneAuthorizationRequest } from '../protocol/index.ts';
import type { Db, Queryable } from '../store/db.ts';
import { getZone } from '../store/geofences.ts';
import {
  authorizedZones,
  getZoneAuthorization,
  insertZoneAuthorization,
  listZoneAuthorizations,
  revokeZoneAuthorization,
} from '../store/rights.ts';
import type { ZoneAuthorizationRecord } from './records.ts';

/** What a plan asks to enter and for whom: the request's claims, to be checked against the grants. */
export interface ZoneClaim {
  /** The operator the plan is filed for. */
  operator: string;
  droneId: string;
  /** The plan's whole reservation. */
  from: number;
  to: number;
  /** The zone ids the request names. */
  requested: readonly string[];
}

/**
 * Permission to enter a restricted zone is issued by the zone's authority (an administrator) to
 * one operator, for one drone, for a window. A zone id in a plan request is only a claim: plans
 * are decided with the grants that cover them, and a claim no grant covers is refused.
 */
export class ZoneAuthorizations {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  async issue(req: ZoneAuthorizationRequest, who: Principal): Promise<ZoneAuthorizationRecord> {
    demand(who, 'rights:grant', 'authorising a flight into a zone');
    const zone = await getZone(this.deps.db, req.zoneId);
    if (!zone) throw BadRequest.field('zoneId', `no zone ${req.zoneId}`);
    if (zone.kind !== 'restricted') {
      throw BadRequest.field(
        'zoneId',
        `zone "${zone.name}" is ${zone.kind}: only restricted zones admit authorisations`,
      );
    }
    return insertZoneAuthorization(this.deps.db, {
      id: randomUUID(),
      zoneId: req.zoneId,
      operator: req.operator,
      droneId: req.droneId,
      validFrom: Date.parse(req.validFrom),
      validTo: Date.parse(req.validTo),
      reason: req.reason,
      issuedBy: who.subject,
      issuedAt: this.deps.clock.now(),
    });
  }

  /** Revokes an authorisation; the caller takes the zone out of the plans that relied on it. */
  async revoke(id: string, who: Principal): Promise<ZoneAuthorizationRecord> {
    demand(who, 'rights:grant', 'revoking a zone authorisation');
    const revoked = await revokeZoneAuthorization(this.deps.db, id, who.subject, this.deps.clock.now());
    if (!revoked) throw new NotFound(`no zone authorisation ${id}`);
    return revoked;
  }

  async get(id: string, who: Principal): Promise<ZoneAuthorizationRecord> {
    if (!can(who, 'sky:read-all')) demand(who, 'plans:file', 'reading a zone authorisation');
    const a = await getZoneAuthorization(this.deps.db, id);
    if (!a || !(can(who, 'sky:read-all') || a.operator === who.subject)) {
      throw new NotFound(`no zone authorisation ${id}`);
    }
    return a;
  }

  /** Every authorisation for monitors and administrators; an operator's own for an operator. */
  list(
    who: Principal,
    f: { zoneId?: string | undefined; operator?: string | undefined; droneId?: string | undefined; limit: number },
  ): Promise<ZoneAuthorizationRecord[]> {
    if (!can(who, 'sky:read-all')) demand(who, 'plans:file', 'listing zone authorisations');
    const operator = can(who, 'sky:read-all') ? f.operator : who.subject;
    return listZoneAuthorizations(this.deps.db, { ...f, operator });
  }

  /**
   * The restricted zones a plan may enter: every unrevoked grant to its operator for its drone
   * whose window covers the whole reservation. A zone the request names that none covers is
   * refused (403, naming it). The zones' authority itself files with the zones it names. Read
   * inside the deciding transaction.
   */
  async claimable(q: Queryable, who: Principal, claim: ZoneClaim): Promise<Set<string>> {
    if (can(who, 'rights:exempt')) return new Set(claim.requested);
    const granted = await authorizedZones(q, claim);
    claim.requested.forEach((zoneId, i) => {
      if (!granted.has(zoneId)) {
        throw Forbidden.field(
          `authorizations.${i}`,
          `no authorisation for drone ${claim.droneId} to enter zone ${zoneId} throughout the plan; the zone's authority issues them`,
        );
      }
    });
    return granted;
  }
}

import { can, demand } from '../auth/policy.ts';
import type { Principal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import { Forbidden, NotFound } from '../errors.ts';
import type { PriorityGrantRequest } from '../protocol/index.ts';
import type { Db, Queryable } from '../store/db.ts';
import { deletePriorityGrant, getPriorityGrant, listPriorityGrants, putPriorityGrant } from '../store/rights.ts';
import type { PriorityGrantRecord } from './records.ts';

/**
 * Priorities above the normal level pre-empt other operators' plans, so they are a right an
 * administrator grants (an ambulance service, the fire brigade), checked where plans are
 * decided: a priority in a request is only a claim.
 */
export class PriorityGrants {
  constructor(private readonly deps: { db: Db; clock: Clock; normalPriority: number }) {}

  async grant(operator: string, req: PriorityGrantRequest, who: Principal): Promise<PriorityGrantRecord> {
    demand(who, 'rights:grant', 'granting a priority');
    return putPriorityGrant(this.deps.db, {
      operator,
      maxPriority: req.maxPriority,
      reason: req.reason,
      grantedBy: who.subject,
      grantedAt: this.deps.clock.now(),
    });
  }

  async withdraw(operator: string, who: Principal): Promise<void> {
    demand(who, 'rights:grant', 'withdrawing a priority grant');
    if (!(await deletePriorityGrant(this.deps.db, operator))) throw new NotFound(`no priority grant for ${operator}`);
  }

  list(who: Principal): Promise<PriorityGrantRecord[]> {
    if (!can(who, 'sky:read-all')) demand(who, 'rights:grant', 'listing priority grants');
    return listPriorityGrants(this.deps.db);
  }

  /**
   * What entitles `who` to file at `priority`: null at the normal level, otherwise the role or
   * the grant (named, for the audit of what it pre-empts). Refuses (403, naming `priority`) a
   * claim no grant covers. Read inside the deciding transaction.
   */
  async entitlement(q: Queryable, who: Principal, priority: number): Promise<string | null> {
    const { normalPriority } = this.deps;
    if (priority <= normalPriority) return null;
    if (can(who, 'rights:exempt')) return `role ${who.role}`;
    const grant = await getPriorityGrant(q, who.subject);
    if (grant && priority <= grant.maxPriority) {
      return `priority grant up to ${grant.maxPriority} by ${grant.grantedBy}: ${grant.reason}`;
    }
    const allowed = Math.max(normalPriority, grant?.maxPriority ?? normalPriority);
    throw Forbidden.field(
      'priority',
      `this operator may file up to priority ${allowed}; more needs a grant from an administrator`,
    );
  }
}

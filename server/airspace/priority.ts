import type { Conflict, FlightHold, ZoneHold } from './index.ts';

/** Who is asking, and what they may override. */
export interface Claimant {
  priority: number;
  /** Ids of restricted zones the operator holds permission for. */
  authorizations: ReadonlySet<string>;
}

export interface Verdict {
  /** Conflicts that refuse the plan. */
  blocking: Conflict[];
  /** Lower-priority plans that lose their sky road if this plan is accepted. */
  preempted: string[];
  /** Lower-priority plans already in the air: they keep their sky road and are told to give way. */
  overlapped: string[];
  /** Advisory zones the plan enters: reported, never refusing. */
  advisories: Conflict[];
}

const NONE: ReadonlySet<string> = new Set();

/**
 * F3548-style priority: a strictly higher priority pre-empts, equal never overrides. A flight in
 * the air is never pre-empted (taking its sky road from under it helps no one): the plan of
 * higher priority shares the airspace with it, and it is told. Prohibited zones refuse every
 * plan; restricted zones refuse plans without the zone's permission; advisory zones only inform.
 */
export function judge(
  conflicts: readonly Conflict[],
  claimant: Claimant,
  airborne: ReadonlySet<string> = NONE,
): Verdict {
  const blocking: Conflict[] = [];
  const preempted = new Set<string>();
  const overlapped = new Set<string>();
  const advisories: Conflict[] = [];
  for (const c of conflicts) {
    if (c.type === 'flight') {
      if (c.priority >= claimant.priority) blocking.push(c);
      else if (airborne.has(c.id)) overlapped.add(c.id);
      else preempted.add(c.id);
    } else if (c.kind === 'advisory') advisories.push(c);
    else if (c.kind === 'restricted' && claimant.authorizations.has(c.id)) continue;
    else blocking.push(c);
  }
  return { blocking, preempted: [...preempted], overlapped: [...overlapped], advisories };
}

export function flightBlocks(hold: FlightHold, claimant: Claimant): boolean {
  return hold.priority >= claimant.priority;
}

export function zoneBlocks(hold: ZoneHold, claimant: Claimant): boolean {
  if (hold.kind === 'advisory') return false;
  return hold.kind === 'prohibited' || !claimant.authorizations.has(hold.zoneId);
}

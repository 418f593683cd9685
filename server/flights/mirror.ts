import { ReservationIndex, type CompiledZone } from '../airspace/index.ts';
import type { SkyKey } from '../airspace/types.ts';
import type { AirspaceEvents } from '../events.ts';
import type { Logger } from '../log.ts';
import type { Db, Queryable } from '../store/db.ts';
import { getZones, listZoneIds, zoneRevision, type ZoneRecord } from '../store/geofences.ts';
import { AIRSPACE_CHANNEL } from '../store/coordination.ts';
import { getPlans, livePlanKeys, type PlanRecord } from '../store/plans.ts';
import { type Clock } from '../clock.ts';
import type { Compilers, Span, ZoneCompilation } from '../workers/compilers.ts';
import type { Background } from '../background.ts';

/** A plan's committed state as the mirror needs it; `keys` is null once it no longer holds a sky road. */
export interface PlanChange {
  id: string;
  version: number;
  priority: number;
  keys: readonly SkyKey[] | null;
}

/** How long a freed plan's last version is remembered, to ignore stale reads of it. */
const TOMBSTONE_MS = 10 * 60_000;
/** Zones read per round trip while catching up (a city's buildings are tens of thousands). */
const ZONE_BATCH = 2000;
const DAY_MS = 86_400_000;

/**
 * Keeps this instance's ReservationIndex in step with the database: everything at start, then
 * every change any instance commits, heard through LISTEN/NOTIFY. Versions only move forward, so
 * a slow read can never put back a sky road that was freed or replaced.
 */
export class AirspaceMirror {
  readonly index = new ReservationIndex();
  private revision = '-1';
  private readonly freed = new Map<string, { version: number; at: number }>();
  private unlisten: (() => Promise<void>) | null = null;
  private queue: Promise<void> = Promise.resolve();
  /** Zones with daily schedules, whose windows are expanded over a span and need renewing. */
  private readonly scheduled = new Map<string, ZoneRecord>();
  private schedulesRenewAt = Infinity;
  /** Zones this instance compiled while declaring them: its own notice of one needs no second compilation. */
  private readonly offered = new Map<string, ZoneCompilation>();

  constructor(
    private readonly deps: {
      db: Db;
      log: Logger;
      background: Background;
      events: AirspaceEvents;
      clock: Clock;
      /** How far ahead plans may be filed: scheduled zones' windows must always reach past it. */
      horizonMs: number;
      /** Zones into keys, off the event loop when the server runs. */
      compilers: Pick<Compilers, 'zones'>;
    },
  ) {}

  get zoneRevision(): string {
    return this.revision;
  }

  async start(): Promise<void> {
    this.unlisten = await this.deps.db.listen(AIRSPACE_CHANNEL, (payload) => this.heard(payload));
    for (const p of await livePlanKeys(this.deps.db)) this.index.putPlan(p);
    await this.syncZones(this.deps.db, await zoneRevision(this.deps.db));
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    await this.queue;
  }

  /** Records a plan's committed state; older versions than the one held are ignored. */
  apply(plan: PlanChange): boolean {
    if (plan.version <= this.heldVersion(plan.id)) return false;
    if (plan.keys) {
      this.freed.delete(plan.id);
      this.index.putPlan({ id: plan.id, version: plan.version, priority: plan.priority, keys: plan.keys });
    } else {
      this.index.removePlan(plan.id);
      this.freed.set(plan.id, { version: plan.version, at: this.deps.clock.now() });
    }
    return true;
  }

  /** The version of a plan the mirror holds (or last freed); 0 when it never heard of it. */
  heldVersion(id: string): number {
    return this.index.plan(id)?.version ?? this.freed.get(id)?.version ?? 0;
  }

  /** Re-reads plans from the database (after a notice, or when the database and mirror disagree). */
  async refreshPlans(q: Queryable, ids: readonly string[]): Promise<PlanRecord[]> {
    if (ids.length === 0) return [];
    const [records, live] = await Promise.all([getPlans(q, ids), livePlanKeys(q, ids)]);
    const keys = new Map(live.map((p) => [p.id, p.keys]));
    const changed: PlanRecord[] = [];
    for (const r of records) {
      const k = keys.get(r.id);
      if (this.apply({ id: r.id, version: r.version, priority: r.priority, keys: k ?? null })) {
        changed.push(r);
      }
    }
    this.pruneFreed();
    return changed;
  }

  /**
   * Brings the zones to the given revision: compiles the zones it lacks (read in batches), drops
   * the zones that are gone. The changes are applied at once, after every read, and only if no
   * newer revision got there first, so two syncs racing can neither drop a zone nor revive one.
   */
  async syncZones(q: Queryable, revision: string): Promise<void> {
    await this.renewSchedules();
    if (BigInt(revision) <= BigInt(this.revision)) return;
    const ids = await listZoneIds(q);
    const present = new Set(ids);
    const missing = ids.filter((id) => !this.index.hasZone(id));
    const added: Array<{ zone: ZoneRecord; compiled: CompiledZone; expandedUntil: number | null }> = [];
    for (let i = 0; i < missing.length; i += ZONE_BATCH) {
      const zones = await getZones(q, missing.slice(i, i + ZONE_BATCH));
      const compiled = await this.compile(zones);
      zones.forEach((zone, k) => added.push({ zone, ...compiled[k]! }));
    }
    if (BigInt(revision) <= BigInt(this.revision)) return;
    for (const id of this.index.zoneIds()) {
      if (!present.has(id)) {
        this.index.removeZone(id);
        this.scheduled.delete(id);
        this.deps.events.emit('zone', { id, zone: null });
      }
    }
    for (const { zone, compiled, expandedUntil } of added) {
      if (this.index.hasZone(zone.id)) continue;
      this.index.putZone(compiled);
      if (expandedUntil !== null) this.schedule(zone, expandedUntil);
      this.deps.events.emit('zone', { id: zone.id, zone });
    }
    this.revision = revision;
  }

  /** A zone about to be committed, compiled as this mirror would (schedules over zoneSpan()). */
  offer(id: string, compilation: ZoneCompilation): void {
    this.offered.set(id, compilation);
  }

  /** The offer of a zone whose commit failed. */
  withdraw(id: string): void {
    this.offered.delete(id);
  }

  /** Schedules are expanded two planning horizons ahead. */
  zoneSpan(): Span {
    const now = this.deps.clock.now();
    return { from: now - DAY_MS, to: now + 2 * this.deps.horizonMs + DAY_MS };
  }

  /** Zones compiled (or offered) with their schedules expanded over zoneSpan(). */
  private async compile(zones: ZoneRecord[]): Promise<ZoneCompilation[]> {
    const todo = zones.filter((z) => !this.offered.has(z.id));
    const compiled = todo.length ? await this.deps.compilers.zones(todo, this.zoneSpan()) : [];
    const fresh = new Map(todo.map((z, k) => [z.id, compiled[k]!]));
    return zones.map((z) => {
      const offered = this.offered.get(z.id);
      this.offered.delete(z.id);
      return offered ?? fresh.get(z.id)!;
    });
  }

  private schedule(zone: ZoneRecord, expandedUntil: number): void {
    this.scheduled.set(zone.id, zone);
    this.schedulesRenewAt = Math.min(this.schedulesRenewAt, expandedUntil - this.deps.horizonMs - DAY_MS);
  }

  /** Re-expands daily schedules before the last plan that may be filed could outrun their windows. */
  private async renewSchedules(): Promise<void> {
    if (this.deps.clock.now() < this.schedulesRenewAt) return;
    this.schedulesRenewAt = Infinity;
    const zones = [...this.scheduled.values()];
    const renewed = await this.compile(zones);
    zones.forEach((zone, k) => {
      const { compiled, expandedUntil } = renewed[k]!;
      if (!this.index.hasZone(zone.id)) return;
      this.index.putZone(compiled);
      if (expandedUntil !== null) this.schedule(zone, expandedUntil);
    });
  }

  private heard(payload: string): void {
    this.queue = this.queue
      .then(async () => {
        const notice = JSON.parse(payload) as { plan?: string; version?: number; zone?: string; revision?: string };
        if (notice.plan && notice.version !== undefined) {
          if (notice.version <= this.heldVersion(notice.plan)) return;
          for (const r of await this.refreshPlans(this.deps.db, [notice.plan])) this.deps.events.emit('plan', r);
        } else if (notice.revision) {
          await this.syncZones(this.deps.db, notice.revision);
        }
      })
      .catch(this.deps.background.failed('follow an airspace change', { payload }));
  }

  private pruneFreed(): void {
    const before = this.deps.clock.now() - TOMBSTONE_MS;
    for (const [id, f] of this.freed) if (f.at < before) this.freed.delete(id);
  }
}

import type { Clock, Timer } from '../../clock.ts';
import type { AirspaceEvents } from '../../events.ts';
import type { Logger } from '../../log.ts';
import type { F3548OperationalIntent, F3548SubscriptionState } from '../../protocol/index.ts';
import type { Db } from '../../store/db.ts';
import {
  claimPublication,
  isPeerOwner,
  peerOvnsNear,
  recordPublication,
  unpublishedPlanIds,
  type Publication,
} from '../../store/f3548.ts';
import { getPlan, planKeys, type PlanRecord } from '../../store/plans.ts';
import { detailsOf, f3548StateOf, volumesOfSkyRoad, type UssIdentity } from './our-intents.ts';
import type { PeerIntents } from './peer-intents.ts';
import { MissingOvns, StaleOvn, UtmCallFailed, type UtmClient } from './utm-client.ts';

export interface PublisherDeps {
  db: Db;
  client: UtmClient;
  peers: PeerIntents;
  identity: () => UssIdentity;
  bandHeightM: number;
  /** Every change of a plan, whichever part of the server or instance made it. */
  events: AirspaceEvents;
  clock: Clock;
  log: Logger;
}

/** After a failed try, the next ones wait this long; after the last, the plan is marked failed until the sweep. */
const RETRY_DELAYS_MS = [1_000, 4_000, 15_000, 60_000];
/** How long an instance may take over one plan's publication before another may. */
const CLAIM_MS = 120_000;
/** How often a 409 may name missing intents before the try counts as failed. */
const MISSING_ROUNDS = 3;
/** Plans a sweep takes on at once. */
const SWEEP_LIMIT = 200;

type Outcome = Omit<Publication, 'planId' | 'updatedAt' | 'attempts' | 'lastError'>;

/**
 * Publishes this USS's plans to the DSS as operational intent references, after each change of
 * one (heard once committed, from whichever instance made it; the instance that claims the plan
 * first publishes, the others find it up to date): created with the key of every peer intent held near it and an implicit
 * subscription, updated from its OVN, deleted when the plan ends. A 409 naming missing intents is
 * answered by fetching them from their USSs (they are held here from then on) and trying again;
 * subscribers the DSS names are told. A try that fails is retried, then marked failed (visible,
 * logged) until the next sweep: the decision itself is never held up or undone.
 */
export class Publisher {
  private readonly queue = new Set<string>();
  private readonly waiting = new Map<string, Timer>();
  private draining: Promise<void> | null = null;
  private started = false;
  /** Peers' intents are theirs to publish, the rest ours. */
  private readonly onPlan = (plan: PlanRecord) => {
    if (!isPeerOwner(plan.owner)) this.enqueue(plan.id);
  };

  constructor(private readonly deps: PublisherDeps) {}

  /** Begins publishing (once this USS's base URL is known): every change from now, and what the sweep finds. */
  start(): void {
    this.started = true;
    this.deps.events.on('plan', this.onPlan);
    this.kick();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.deps.events.off('plan', this.onPlan);
    for (const timer of this.waiting.values()) this.deps.clock.clear(timer);
    this.waiting.clear();
    await this.draining;
  }

  /** Queues every plan whose publication is behind (missed, failed, or never tried); returns how many. */
  async sweep(): Promise<number> {
    // A plan waiting for its retry when the sweep begins is left to it, even if the retry has run by the time the query answers.
    const retrying = new Set(this.waiting.keys());
    const ids = await unpublishedPlanIds(this.deps.db, this.deps.clock.now(), SWEEP_LIMIT);
    const fresh = ids.filter((id) => !retrying.has(id) && !this.waiting.has(id));
    for (const id of fresh) this.enqueue(id);
    return fresh.length;
  }

  private enqueue(id: string): void {
    this.deps.clock.clear(this.waiting.get(id));
    this.waiting.delete(id);
    this.queue.add(id);
    this.kick();
  }

  private kick(): void {
    if (!this.started || this.draining || this.queue.size === 0) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      this.kick();
    });
  }

  private async drain(): Promise<void> {
    for (const id of this.queue) {
      if (!this.started) return;
      this.queue.delete(id);
      await this.publish(id).catch((err: unknown) =>
        this.deps.log.error({ err, planId: id }, 'could not record a plan’s publication'),
      );
    }
  }

  private retryLater(id: string, ms: number): void {
    this.deps.clock.clear(this.waiting.get(id));
    this.waiting.set(
      id,
      this.deps.clock.setTimeout(() => {
        this.waiting.delete(id);
        this.enqueue(id);
      }, ms),
    );
  }

  private async publish(id: string): Promise<void> {
    const { db, clock, log } = this.deps;
    const now = clock.now();
    const pub = await claimPublication(db, id, now, now + CLAIM_MS);
    // Another instance is on it; if what it publishes is behind by then, the sweep finds it.
    if (!pub) return;
    try {
      const plan = await getPlan(db, id);
      if (!plan) throw new Error(`no plan ${id}`);
      const outcome = await this.bringUpToDate(plan, pub);
      await recordPublication(db, id, { ...outcome, attempts: 0, lastError: null }, clock.now());
      const latest = await getPlan(db, id);
      if (latest && latest.version > outcome.planVersion) this.enqueue(id);
    } catch (err) {
      const attempts = pub.attempts + 1;
      const giveUp = attempts > RETRY_DELAYS_MS.length;
      const reason = err instanceof UtmCallFailed || err instanceof StaleOvn || err instanceof MissingOvns;
      log.error(
        { err: reason ? (err as Error).message : err, planId: id, attempts },
        giveUp
          ? 'could not publish a plan to the DSS; the sweep tries again'
          : 'could not publish a plan to the DSS yet',
      );
      await recordPublication(
        db,
        id,
        { ...pub, status: giveUp ? 'failed' : 'pending', attempts, lastError: (err as Error).message },
        clock.now(),
      );
      if (!giveUp) this.retryLater(id, RETRY_DELAYS_MS[attempts - 1]!);
    }
  }

  /** Makes the DSS hold what the plan is now: its reference created, updated or deleted. */
  private async bringUpToDate(plan: PlanRecord, pub: Publication): Promise<Outcome> {
    const state = f3548StateOf(plan.state);
    if (state === null || plan.timeEnd <= this.deps.clock.now()) return this.withdraw(plan, pub);
    if (pub.status === 'published' && pub.planVersion >= plan.version) return pub;
    const { db, client, bandHeightM } = this.deps;
    const identity = this.deps.identity();
    const volumes = volumesOfSkyRoad(await planKeys(db, plan.id), bandHeightM);
    const details = detailsOf(state, plan.priority, volumes);
    const key = new Set(await peerOvnsNear(db, plan.bbox, plan.timeStart, plan.timeEnd));
    let ovn = pub.ovn;
    for (let round = 0; ; round++) {
      try {
        const answer = await client.putIntent(plan.id, ovn, {
          extents: volumes,
          key: [...key],
          state,
          uss_base_url: identity.baseUrl,
          ...(ovn && pub.subscriptionId
            ? { subscription_id: pub.subscriptionId }
            : { new_subscription: { uss_base_url: identity.baseUrl, notify_for_constraints: false } }),
        });
        const reference = answer.operational_intent_reference;
        if (!reference.ovn) throw new UtmCallFailed('the DSS gave no OVN to the intent’s manager', 200);
        const intent: F3548OperationalIntent = { reference, details };
        await this.notify(answer.subscribers, plan.id, intent);
        return {
          planVersion: plan.version,
          status: 'published',
          ovn: reference.ovn,
          dssVersion: reference.version,
          subscriptionId: reference.subscription_id,
          intent,
        };
      } catch (err) {
        if (round >= MISSING_ROUNDS) throw err;
        if (err instanceof MissingOvns) {
          for (const ovnOf of await this.learnMissing(err, plan.id)) key.add(ovnOf);
        } else if (err instanceof StaleOvn) {
          // Our record of the OVN is behind the DSS's (a try whose answer was lost): read it there.
          ovn = (await client.getReference(plan.id).catch(() => null))?.ovn ?? null;
        } else throw err;
      }
    }
  }

  /** A plan that holds no sky road any more: its reference, if the DSS has one, is deleted. */
  private async withdraw(plan: PlanRecord, pub: Publication): Promise<Outcome> {
    const removed: Outcome = {
      planVersion: plan.version,
      status: 'removed',
      ovn: null,
      dssVersion: pub.dssVersion,
      subscriptionId: null,
      intent: null,
    };
    if (!pub.ovn) return removed;
    let ovn = pub.ovn;
    for (let round = 0; ; round++) {
      try {
        const answer = await this.deps.client.deleteIntent(plan.id, ovn);
        await this.notify(answer.subscribers, plan.id, null);
        return { ...removed, dssVersion: answer.operational_intent_reference.version };
      } catch (err) {
        if (err instanceof UtmCallFailed && err.status === 404) return removed;
        if (!(err instanceof StaleOvn) || round >= MISSING_ROUNDS) throw err;
        const current = await this.deps.client.getReference(plan.id).catch(() => null);
        if (!current?.ovn) return removed;
        ovn = current.ovn;
      }
    }
  }

  /**
   * The intents the DSS says our key lacked: fetched from their USSs and held here from now on
   * (a plan decided before they were known keeps its sky road; the arbiter respects them for
   * every decision after). Returns their OVNs.
   */
  private async learnMissing(err: MissingOvns, planId: string): Promise<string[]> {
    const ovns: string[] = [];
    for (const ref of err.missing) {
      const intent = await this.deps.client.intentDetails(ref.uss_base_url, ref.id);
      await this.deps.peers.hold(intent, 'operational_intent');
      this.deps.log.info(
        { planId, intent: ref.id, manager: ref.manager },
        'the DSS named a peer intent unknown here when the plan was decided; it is held now',
      );
      ovns.push(intent.reference.ovn!);
    }
    return ovns;
  }

  /** Tells every subscriber the DSS named (but this USS) of the change; a subscriber that fails is logged. */
  private async notify(
    subscribers: ReadonlyArray<{ uss_base_url: string; subscriptions: F3548SubscriptionState[] }>,
    id: string,
    intent: F3548OperationalIntent | null,
  ): Promise<void> {
    const ours = this.deps.identity().baseUrl;
    await Promise.all(
      subscribers
        .filter((s) => s.uss_base_url !== ours)
        .map((s) =>
          this.deps.client
            .notify(s.uss_base_url, {
              operational_intent_id: id,
              ...(intent ? { operational_intent: intent } : {}),
              subscriptions: s.subscriptions,
            })
            .catch((err: Error) =>
              this.deps.log.warn(
                { err: err.message, planId: id, subscriber: s.uss_base_url },
                'a subscriber was not told',
              ),
            ),
        ),
    );
  }
}

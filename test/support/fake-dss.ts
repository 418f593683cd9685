import { booleanIntersects, circle, polygon } from '@turf/turf';
import express, { type Request, type Response } from 'express';
import { randomUUID, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import { callJson, UTM, type F3548Validator, type TestAuthority } from './f3548.ts';

/*
 * A DSS for tests, in-process, speaking ASTM F3548-21's USS→DSS API for operational intent
 * references and subscriptions, and a peer USS that uses it. What the fake DSS checks, as the
 * standard says:
 *  - every call carries an RS256 access token of the test authority for its host, with a scope
 *    the operation accepts (401 / 403 otherwise); the token's `sub` is the manager;
 *  - every request body is valid against utm.yaml (400 otherwise), and so is every answer it gives;
 *  - OVNs: an update or deletion names the reference's current OVN (409 otherwise); creating or
 *    updating an Accepted or Activated intent needs a key holding the OVN of every other intent
 *    whose extents meet it in 4D (409 AirspaceConflictResponse listing the missing ones, whose
 *    OVNs are withheld from non-managers); only the manager changes or deletes an intent (403);
 *  - area queries: intents whose extents meet the area of interest in space (polygon or circle
 *    intersection, on the outlines as given), altitude and time;
 *  - subscriptions: implicit ones made with an intent (kept covering its extents while it is
 *    updated, removed with it) and explicit ones; every write answers the subscribers whose
 *    subscription meets the old or new extents, with incremented notification indexes.
 * What it does not do: constraints, availability, S2-cell area approximation, subscription
 * expiry, the 413 of too-large areas.
 */

type Json = any;

interface StoredIntent {
  id: string;
  manager: string;
  version: number;
  ovn: string;
  state: string;
  extents: Json[];
  ussBaseUrl: string;
  subscriptionId: string;
}

interface StoredSubscription {
  id: string;
  manager: string;
  version: number;
  notificationIndex: number;
  extents: Json[];
  ussBaseUrl: string;
  notifyForIntents: boolean;
  implicit: boolean;
  dependents: Set<string>;
}

export interface DssCall {
  method: string;
  path: string;
  client: string;
  status: number;
  body: Json;
}

const NO_TIME = { start: -Infinity, end: Infinity };

function shape(v: Json) {
  const p = v.volume?.outline_polygon;
  if (p) {
    const ring = p.vertices.map((x: Json) => [x.lng, x.lat]);
    return polygon([[...ring, ring[0]]]);
  }
  const c = v.volume.outline_circle;
  return circle([c.center.lng, c.center.lat], c.radius.value / 1000, { steps: 32, units: 'kilometers' });
}

function window(v: Json) {
  return {
    start: v.time_start ? Date.parse(v.time_start.value) : NO_TIME.start,
    end: v.time_end ? Date.parse(v.time_end.value) : NO_TIME.end,
  };
}

/** Two Volume4Ds meet: their windows, altitude ranges and outlines overlap. */
export function meet(a: Json, b: Json): boolean {
  const [ta, tb] = [window(a), window(b)];
  if (!(ta.start <= tb.end && tb.start <= ta.end)) return false;
  const lo = (v: Json) => v.volume.altitude_lower?.value ?? -Infinity;
  const hi = (v: Json) => v.volume.altitude_upper?.value ?? Infinity;
  if (!(lo(a) <= hi(b) && lo(b) <= hi(a))) return false;
  return booleanIntersects(shape(a), shape(b));
}

const anyMeet = (as: readonly Json[], bs: readonly Json[]) => as.some((a) => bs.some((b) => meet(a, b)));

const bounds = (extents: readonly Json[]) => ({
  start: new Date(Math.min(...extents.map((e) => window(e).start))).toISOString(),
  end: new Date(Math.max(...extents.map((e) => window(e).end))).toISOString(),
});

export class FakeDss {
  readonly intents = new Map<string, StoredIntent>();
  readonly subscriptions = new Map<string, StoredSubscription>();
  readonly calls: DssCall[] = [];
  /** Requests or answers that utm.yaml does not allow. */
  readonly problems: string[] = [];
  /** Writes (PUT, DELETE of references) still to fail with 500. */
  failWrites = 0;
  /** Every call answers 503. */
  down = false;
  private readonly beforeWrites: Array<{ client: string; run: () => Promise<void> }> = [];

  private constructor(
    readonly url: string,
    private readonly server: http.Server,
  ) {}

  static async start(options: { authority: TestAuthority; spec: F3548Validator; audience?: string }): Promise<FakeDss> {
    const app = express();
    app.use(express.json());
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const dss = new FakeDss(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, server);
    dss.routes(app, options.authority.publicKey, options.spec, options.audience ?? '127.0.0.1');
    return dss;
  }

  /** Runs `run` just before the next write of `client` is handled (another USS writing meanwhile). */
  beforeNextWrite(client: string, run: () => Promise<void>): void {
    this.beforeWrites.push({ client, run });
  }

  /** How many calls of a method on a path (the id in it matched as given) were made. */
  count(method: string, path: string): number {
    return this.calls.filter((c) => c.method === method && c.path === path).length;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private routes(app: express.Express, publicKey: KeyObject, spec: F3548Validator, audience: string): void {
    const refs = '/dss/v1/operational_intent_references';
    /** An operation: authenticated, scoped, its body and answer checked against utm.yaml. */
    const op = (
      method: 'get' | 'put' | 'post' | 'delete',
      route: string,
      pathKey: string,
      scopes: readonly string[],
      handle: (
        req: Request,
        client: string,
      ) => Promise<{ status: number; body: Json }> | { status: number; body: Json },
    ) => {
      app[method](route, async (req: Request, res: Response) => {
        const send = (status: number, body: Json, client = '') => {
          // Failures a test asks for are no answer the standard describes.
          const problems = status >= 500 ? [] : spec.response(pathKey, method, status, body);
          if (problems.length) this.problems.push(`answer ${method} ${pathKey} ${status}: ${problems.join('; ')}`);
          this.calls.push({ method: method.toUpperCase(), path: req.path, client, status, body: req.body });
          res.status(status).json(body);
        };
        if (this.down) return send(503, { message: 'down for the test' });
        const header = req.get('authorization') ?? '';
        let client: string;
        let granted: string[];
        try {
          const { payload } = await jwtVerify(header.replace(/^Bearer /, ''), publicKey, {
            audience,
            algorithms: ['RS256'],
          });
          client = String(payload.sub);
          granted = String(payload.scope ?? '').split(' ');
        } catch (err) {
          return send(401, { message: `invalid token: ${(err as Error).message}` });
        }
        if (!scopes.some((s) => granted.includes(s)))
          return send(403, { message: `needs ${scopes.join(' or ')}` }, client);
        if (method === 'put' || method === 'post') {
          const problems = spec.request(pathKey, method, req.body);
          if (problems.length) {
            this.problems.push(`request ${method} ${pathKey}: ${problems.join('; ')}`);
            return send(400, { message: problems.join('; ') }, client);
          }
        }
        const answer = await handle(req, client);
        send(answer.status, answer.body, client);
      });
    };
    const sc = [UTM.sc];
    const read = [UTM.sc, UTM.cmsa];

    op('post', `${refs}/query`, `${refs}/query`, read, (req, client) => {
      const area = req.body.area_of_interest;
      if (!area) return { status: 400, body: { message: 'area_of_interest is required' } };
      const found = [...this.intents.values()].filter((i) => anyMeet(i.extents, [area]));
      return { status: 200, body: { operational_intent_references: found.map((i) => this.view(i, client)) } };
    });

    op('get', `${refs}/:id`, `${refs}/{entityid}`, read, (req, client) => {
      const intent = this.intents.get(String(req.params.id));
      if (!intent) return { status: 404, body: { message: 'no such intent' } };
      return { status: 200, body: { operational_intent_reference: this.view(intent, client) } };
    });

    op('put', `${refs}/:id`, `${refs}/{entityid}`, sc, (req, client) =>
      this.write(String(req.params.id), null, req.body, client),
    );
    op('put', `${refs}/:id/:ovn`, `${refs}/{entityid}/{ovn}`, sc, (req, client) =>
      this.write(String(req.params.id), String(req.params.ovn), req.body, client),
    );
    op('delete', `${refs}/:id/:ovn`, `${refs}/{entityid}/{ovn}`, sc, (req, client) =>
      this.remove(String(req.params.id), String(req.params.ovn), client),
    );

    op(
      'put',
      '/dss/v1/subscriptions/:id',
      '/dss/v1/subscriptions/{subscriptionid}',
      [UTM.sc, UTM.cp],
      (req, client) => {
        const id = String(req.params.id);
        if (this.subscriptions.has(id)) return { status: 409, body: { message: 'exists' } };
        const sub = this.subscribe(id, client, [req.body.extents], req.body.uss_base_url, false);
        sub.notifyForIntents = req.body.notify_for_operational_intents === true;
        const intents = [...this.intents.values()].filter((i) => anyMeet(i.extents, sub.extents));
        return {
          status: 200,
          body: {
            subscription: this.subscriptionView(sub),
            operational_intent_references: intents.map((i) => this.view(i, client)),
          },
        };
      },
    );
  }

  private async beforeWrite(client: string): Promise<{ status: number; body: Json } | null> {
    const hook = this.beforeWrites.findIndex((h) => h.client === client);
    if (hook >= 0) await this.beforeWrites.splice(hook, 1)[0]!.run();
    if (this.failWrites > 0) {
      this.failWrites--;
      return { status: 500, body: { message: 'failing for the test' } };
    }
    return null;
  }

  private async write(
    id: string,
    ovn: string | null,
    body: Json,
    client: string,
  ): Promise<{ status: number; body: Json }> {
    const failed = await this.beforeWrite(client);
    if (failed) return failed;
    const existing = this.intents.get(id);
    if (ovn === null && existing) {
      return { status: 409, body: { message: `intent ${id} exists`, missing_operational_intents: [] } };
    }
    if (ovn !== null) {
      // The update answers no 404 in utm.yaml: an OVN of nothing is not current.
      if (!existing) return { status: 409, body: { message: `no intent ${id}`, missing_operational_intents: [] } };
      if (existing.manager !== client) return { status: 403, body: { message: `${id} is ${existing.manager}'s` } };
      if (existing.ovn !== ovn) {
        return { status: 409, body: { message: `OVN ${ovn} is not current`, missing_operational_intents: [] } };
      }
    }
    const extents: Json[] = body.extents;
    if (extents.some((e) => window(e).end < Date.now())) {
      return { status: 400, body: { message: 'an extent ends in the past' } };
    }
    if (body.state === 'Accepted' || body.state === 'Activated') {
      const key = new Set<string>(body.key ?? []);
      const missing = [...this.intents.values()].filter(
        (i) => i.id !== id && !key.has(i.ovn) && anyMeet(i.extents, extents),
      );
      if (missing.length) {
        return {
          status: 409,
          body: {
            message: `the key lacks the OVNs of ${missing.length} intent(s)`,
            missing_operational_intents: missing.map((i) => this.view(i, client)),
          },
        };
      }
    }
    let subscriptionId: string;
    if (body.new_subscription) {
      subscriptionId = randomUUID();
      this.subscribe(subscriptionId, client, extents, body.new_subscription.uss_base_url, true);
    } else if (body.subscription_id) {
      const sub = this.subscriptions.get(body.subscription_id);
      if (!sub || sub.manager !== client) return { status: 400, body: { message: 'no such subscription of yours' } };
      if (sub.implicit) sub.extents = extents;
      subscriptionId = sub.id;
    } else {
      return { status: 400, body: { message: 'give subscription_id or new_subscription' } };
    }
    this.subscriptions.get(subscriptionId)!.dependents.add(id);
    if (existing && existing.subscriptionId !== subscriptionId) this.release(existing.subscriptionId, id);
    const intent: StoredIntent = {
      id,
      manager: client,
      version: (existing?.version ?? 0) + 1,
      ovn: `${randomUUID()}-ovn`,
      state: body.state,
      extents,
      ussBaseUrl: body.uss_base_url,
      subscriptionId,
    };
    this.intents.set(id, intent);
    return {
      status: existing ? 200 : 201,
      body: {
        subscribers: this.subscribers([...extents, ...(existing?.extents ?? [])]),
        operational_intent_reference: this.view(intent, client),
      },
    };
  }

  private async remove(id: string, ovn: string, client: string): Promise<{ status: number; body: Json }> {
    const failed = await this.beforeWrite(client);
    if (failed) return failed;
    const existing = this.intents.get(id);
    if (!existing) return { status: 404, body: { message: `no intent ${id}` } };
    if (existing.manager !== client) return { status: 403, body: { message: `${id} is ${existing.manager}'s` } };
    if (existing.ovn !== ovn) return { status: 409, body: { message: `OVN ${ovn} is not current` } };
    this.intents.delete(id);
    this.release(existing.subscriptionId, id);
    return {
      status: 200,
      body: {
        subscribers: this.subscribers(existing.extents),
        operational_intent_reference: this.view(existing, client),
      },
    };
  }

  private subscribe(
    id: string,
    manager: string,
    extents: Json[],
    ussBaseUrl: string,
    implicit: boolean,
  ): StoredSubscription {
    const sub: StoredSubscription = {
      id,
      manager,
      version: 1,
      notificationIndex: 0,
      extents,
      ussBaseUrl,
      notifyForIntents: true,
      implicit,
      dependents: new Set(),
    };
    this.subscriptions.set(id, sub);
    return sub;
  }

  private release(subscriptionId: string, intentId: string): void {
    const sub = this.subscriptions.get(subscriptionId);
    if (!sub) return;
    sub.dependents.delete(intentId);
    if (sub.implicit && sub.dependents.size === 0) this.subscriptions.delete(subscriptionId);
  }

  /** The subscribers to tell of a change over these extents, their indexes moved on. */
  private subscribers(extents: readonly Json[]): Json[] {
    const byUrl = new Map<string, Json[]>();
    for (const sub of this.subscriptions.values()) {
      if (!sub.notifyForIntents || !anyMeet(sub.extents, extents)) continue;
      sub.notificationIndex++;
      const list = byUrl.get(sub.ussBaseUrl) ?? [];
      list.push({ subscription_id: sub.id, notification_index: sub.notificationIndex });
      byUrl.set(sub.ussBaseUrl, list);
    }
    return [...byUrl].map(([uss_base_url, subscriptions]) => ({ uss_base_url, subscriptions }));
  }

  /** A reference as `client` may see it: the OVN only for its manager. */
  view(i: StoredIntent, client: string): Json {
    const { start, end } = bounds(i.extents);
    return {
      id: i.id,
      manager: i.manager,
      uss_availability: 'Unknown',
      version: i.version,
      state: i.state,
      ...(client === i.manager ? { ovn: i.ovn } : {}),
      time_start: { value: start, format: 'RFC3339' },
      time_end: { value: end, format: 'RFC3339' },
      uss_base_url: i.ussBaseUrl,
      subscription_id: i.subscriptionId,
    };
  }

  private subscriptionView(s: StoredSubscription): Json {
    const { start, end } = bounds(s.extents);
    return {
      id: s.id,
      version: String(s.version),
      notification_index: s.notificationIndex,
      time_start: { value: start, format: 'RFC3339' },
      time_end: { value: end, format: 'RFC3339' },
      uss_base_url: s.ussBaseUrl,
      notify_for_operational_intents: s.notifyForIntents,
      notify_for_constraints: false,
      implicit_subscription: s.implicit,
      dependent_operational_intents: [...s.dependents],
    };
  }
}

/**
 * Another USS on the same DSS: it plans through the DSS as the standard says (asks the DSS what
 * is in the way, reads each intent's OVN from its manager, writes with that key, tells the
 * subscribers), and serves its intents' details and takes notifications.
 */
export class FakePeerUss {
  readonly intents = new Map<string, { reference: Json; details: Json }>();
  /** Notifications other USSs sent it. */
  readonly notifications: Json[] = [];
  readonly problems: string[] = [];
  /** What the subscribers it told answered. */
  readonly told: Array<{ url: string; status: number; body: Json }> = [];

  private constructor(
    readonly url: string,
    readonly manager: string,
    private readonly dssUrl: string,
    private readonly authority: TestAuthority,
    private readonly server: http.Server,
  ) {}

  static async start(options: {
    manager: string;
    dssUrl: string;
    authority: TestAuthority;
    spec: F3548Validator;
  }): Promise<FakePeerUss> {
    const app = express();
    app.use(express.json());
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const peer = new FakePeerUss(url, options.manager, options.dssUrl, options.authority, server);
    const verified = async (req: Request, res: Response) => {
      try {
        const { payload } = await jwtVerify(
          (req.get('authorization') ?? '').replace(/^Bearer /, ''),
          options.authority.publicKey,
          {
            audience: '127.0.0.1',
          },
        );
        if (String(payload.scope).split(' ').includes(UTM.sc)) return true;
        res.status(403).json({ message: 'needs utm.strategic_coordination' });
      } catch (err) {
        res.status(401).json({ message: (err as Error).message });
      }
      return false;
    };
    app.get('/uss/v1/operational_intents/:id', async (req, res) => {
      if (!(await verified(req, res))) return;
      const intent = peer.intents.get(req.params.id);
      if (!intent) return void res.status(404).json({ message: 'no such intent' });
      res.json({ operational_intent: intent });
    });
    app.post('/uss/v1/operational_intents', async (req, res) => {
      if (!(await verified(req, res))) return;
      const problems = options.spec.request('/uss/v1/operational_intents', 'post', req.body);
      if (problems.length) {
        peer.problems.push(...problems);
        return void res.status(400).json({ message: problems.join('; ') });
      }
      peer.notifications.push(req.body);
      res.status(204).end();
    });
    return peer;
  }

  private token(url: string) {
    return this.authority.token(this.manager, [UTM.sc], new URL(url).hostname);
  }

  private async dss(method: string, path: string, body?: unknown) {
    const url = `${this.dssUrl}${path}`;
    return callJson(url, method, await this.token(url), body);
  }

  /** Subscribes to changes of operational intents in an area (an explicit subscription). */
  async subscribe(extents: Json): Promise<string> {
    const id = randomUUID();
    const res = await this.dss('PUT', `/dss/v1/subscriptions/${id}`, {
      extents,
      uss_base_url: this.url,
      notify_for_operational_intents: true,
    });
    if (res.status !== 200) throw new Error(`subscription refused: ${res.status} ${JSON.stringify(res.body)}`);
    return id;
  }

  /** Creates (or, with an id it holds, updates) an intent over `volumes`. */
  async plan(volumes: Json[], options: { id?: string; priority?: number; state?: string } = {}): Promise<Json> {
    const id = options.id ?? randomUUID();
    const held = this.intents.get(id);
    const key: string[] = [];
    for (const volume of volumes) {
      const found = await this.dss('POST', '/dss/v1/operational_intent_references/query', { area_of_interest: volume });
      for (const ref of found.body.operational_intent_references as Json[]) {
        if (ref.manager === this.manager) {
          key.push(this.intents.get(ref.id)!.reference.ovn);
          continue;
        }
        const url = `${ref.uss_base_url}/uss/v1/operational_intents/${ref.id}`;
        const details = await callJson(url, 'GET', await this.token(url));
        if (details.status !== 200)
          throw new Error(`${url} answered ${details.status}: ${JSON.stringify(details.body)}`);
        key.push(details.body.operational_intent.reference.ovn);
      }
    }
    const path = `/dss/v1/operational_intent_references/${id}${held ? `/${held.reference.ovn}` : ''}`;
    const res = await this.dss('PUT', path, {
      extents: volumes,
      key,
      state: options.state ?? 'Accepted',
      uss_base_url: this.url,
      ...(held
        ? { subscription_id: held.reference.subscription_id }
        : { new_subscription: { uss_base_url: this.url, notify_for_constraints: false } }),
    });
    if (res.status !== 200 && res.status !== 201)
      throw new Error(`the DSS refused: ${res.status} ${JSON.stringify(res.body)}`);
    const intent = {
      reference: res.body.operational_intent_reference,
      details: { volumes, off_nominal_volumes: [], priority: options.priority ?? 0 },
    };
    this.intents.set(id, intent);
    await this.tell(res.body.subscribers, id, intent);
    return intent;
  }

  async remove(id: string): Promise<void> {
    const held = this.intents.get(id)!;
    const res = await this.dss('DELETE', `/dss/v1/operational_intent_references/${id}/${held.reference.ovn}`);
    if (res.status !== 200) throw new Error(`the DSS refused: ${res.status} ${JSON.stringify(res.body)}`);
    this.intents.delete(id);
    await this.tell(res.body.subscribers, id, null);
  }

  /** Tells every other subscriber. */
  private async tell(subscribers: Json[], id: string, intent: Json | null): Promise<void> {
    for (const s of subscribers) {
      if (s.uss_base_url === this.url) continue;
      const url = `${s.uss_base_url}/uss/v1/operational_intents`;
      const res = await callJson(url, 'POST', await this.token(url), {
        operational_intent_id: id,
        ...(intent ? { operational_intent: intent } : {}),
        subscriptions: s.subscriptions,
      });
      this.told.push({ url, status: res.status, body: res.body });
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

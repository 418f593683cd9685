import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.ts';
import type { FlightPlan, PlanPublication, Rejection } from '../../../server/protocol/index.ts';
import { ManualClock } from '../../support/clock.ts';
import { DATABASE_KINDS, POSTGRES_URL } from '../../support/databases.ts';
import {
  callJson,
  loadF3548,
  makeTestAuthority,
  squareVolume4D,
  UTM,
  type F3548Validator,
  type TestAuthority,
} from '../../support/f3548.ts';
import { FakeDss, FakePeerUss } from '../../support/fake-dss.ts';
import { inHours, routePlan, squareZone } from '../../support/plans.ts';
import { startTestServer, startTwoInstances, type TestServer } from '../../support/server.ts';
import { until } from '../gateway/support.ts';

type Filed = FlightPlan & Omit<Rejection, 'state'>;

/** Each scenario over its own stretch of Kaga, two kilometres north of the last: a 1.8 km flight west to east. */
let places = 0;
function place() {
  const lat = 36.25 + 0.02 * places++;
  return { from: { lat, lon: 136.28 }, to: { lat, lon: 136.3 }, middle: { lat, lon: 136.29 } };
}

describe.each(DATABASE_KINDS)('a DSS shared with another USS, on %s', (kind) => {
  let server: TestServer;
  let authority: TestAuthority;
  let spec: F3548Validator;
  let dss: FakeDss;
  let peer: FakePeerUss;
  let clock: ManualClock;

  beforeAll(async () => {
    authority = await makeTestAuthority();
    spec = await loadF3548();
    dss = await FakeDss.start({ authority, spec });
    peer = await FakePeerUss.start({ manager: 'uss2', dssUrl: dss.url, authority, spec });
    clock = new ManualClock(Date.now());
    server = await startTestServer(
      kind,
      {
        INTERUSS_PUBLIC_KEY_FILE: authority.publicKeyFile,
        INTERUSS_AUDIENCE: '127.0.0.1',
        DSS_URL: dss.url,
        USS_TOKEN_KEY_FILE: authority.privateKeyFile,
        USS_ID: 'soramichi',
      },
      undefined,
      clock,
    );
  });
  afterAll(async () => {
    await server?.stop();
    await peer?.close();
    await dss?.close();
    await authority?.cleanup();
  });

  const file = (plan: unknown) => server.api<Filed>('POST', '/api/v1/flight-plans', plan);
  const publication = async (id: string) =>
    (await server.api<PlanPublication>('GET', `/api/v1/flight-plans/${id}/publication`)).body;
  /** Waits until the DSS holds the plan at `version` (or later). */
  const published = (id: string, version: number) =>
    until(`plan ${id} published at version ${version}`, async () => {
      const p = await publication(id);
      return p.status === 'published' && p.planVersion >= version && p;
    });
  /** What a peer reads of one of our intents, checked against utm.yaml. */
  const readAsPeer = async (id: string) => {
    const url = `${server.url}/uss/v1/operational_intents/${id}`;
    const res = await callJson(url, 'GET', await authority.token('uss2', [UTM.sc]));
    expect(spec.response('/uss/v1/operational_intents/{entityid}', 'get', res.status, res.body)).toEqual([]);
    return res;
  };

  it('publishes an accepted plan as an operational intent reference, and serves peers the version the DSS holds', async () => {
    const at = place();
    const filed = await file(routePlan([at.from, at.to], { departure: inHours(1), droneId: 'JUDSSPUB01' }));
    expect(filed.status).toBe(201);
    const pub = await published(filed.body.id, filed.body.version);
    const reference = dss.intents.get(filed.body.id)!;
    expect(reference).toMatchObject({ manager: 'soramichi', state: 'Accepted', ovn: pub.ovn, ussBaseUrl: server.url });
    // Its implicit subscription tells this USS of the changes of others there.
    expect(dss.subscriptions.get(reference.subscriptionId)).toMatchObject({ implicit: true, ussBaseUrl: server.url });

    const read = await readAsPeer(filed.body.id);
    expect(read.status).toBe(200);
    expect(read.body.operational_intent.reference).toMatchObject({ ovn: pub.ovn, version: 1, manager: 'soramichi' });
    expect(read.body.operational_intent.details.volumes).toEqual(reference.extents);
    expect(dss.problems).toEqual([]);
  });

  it('learns a peer’s intent before deciding: a plan through it is refused naming it, one that outranks it carries its OVN', async () => {
    const at = place();
    const theirs = await peer.plan([squareVolume4D(at.middle, 150, { fromH: 1.8, toH: 2.6 }, [0, 400])]);
    const id = theirs.reference.id as string;

    const through = (priority: number, droneId: string) =>
      routePlan([at.from, at.to], { departure: inHours(2), priority, droneId });
    const refused = await file(through(0, 'JUDSSLEARN01'));
    expect(refused.status).toBe(409);
    expect(refused.body.conflicts.map((c) => c.id)).toContain(id);
    const held = await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${id}`);
    expect(held.body).toMatchObject({ operator: 'uss:uss2', state: 'Accepted' });

    // A higher priority may take the airspace (F3548): the DSS takes it only with the peer's OVN in the key.
    const outranks = await file(through(100, 'JUDSSLEARN02'));
    expect(outranks.status).toBe(201);
    await published(outranks.body.id, outranks.body.version);
    expect(dss.count('PUT', `/dss/v1/operational_intent_references/${outranks.body.id}`)).toBe(1);
    // The peer's implicit subscription covers its intent: it was told of ours, with the OVN.
    const told = peer.notifications.find((n) => n.operational_intent_id === outranks.body.id);
    expect(told?.operational_intent.reference.ovn).toBe(dss.intents.get(outranks.body.id)!.ovn);
  });

  it('answers the DSS’s 409 for a missing OVN by fetching the intent from its USS, holding it, and trying again', async () => {
    const at = place();
    let sneaked = '';
    // Another USS plans there after this one decided, before it publishes.
    dss.beforeNextWrite('soramichi', async () => {
      sneaked = (await peer.plan([squareVolume4D(at.middle, 100, { fromH: 0.8, toH: 1.6 }, [0, 400])])).reference.id;
    });
    const filed = await file(routePlan([at.from, at.to], { departure: inHours(1.2), droneId: 'JUDSSMISSING1' }));
    expect(filed.status).toBe(201);
    await published(filed.body.id, filed.body.version);
    const puts = dss.calls.filter((c) => c.method === 'PUT' && c.path.endsWith(filed.body.id));
    expect(puts.map((c) => c.status)).toEqual([409, 201]);
    expect(puts[1]!.body.key).toContain(dss.intents.get(sneaked)!.ovn);
    const held = await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${sneaked}`);
    expect(held.body.operator).toBe('uss:uss2');
  });

  it('updates the reference from its OVN when the plan is activated, deletes it when the plan ends, and tells subscribers', async () => {
    const at = place();
    await peer.subscribe(squareVolume4D(at.middle, 3000, { fromH: 0, toH: 6 }, [0, 400]));
    const filed = await file(routePlan([at.from, at.to], { departure: inHours(1), droneId: 'JUDSSLIFE01' }));
    const first = await published(filed.body.id, filed.body.version);

    const activated = await server.api<FlightPlan>('POST', `/api/v1/flight-plans/${filed.body.id}/activate`);
    expect(activated.status).toBe(200);
    const second = await published(filed.body.id, activated.body.version);
    expect(second.ovn).not.toBe(first.ovn);
    expect(dss.intents.get(filed.body.id)).toMatchObject({ state: 'Activated', version: 2, ovn: second.ovn });
    expect(dss.count('PUT', `/dss/v1/operational_intent_references/${filed.body.id}/${first.ovn}`)).toBe(1);

    const ended = await server.api<FlightPlan>('POST', `/api/v1/flight-plans/${filed.body.id}/end`);
    expect(ended.status).toBe(200);
    await until('the reference deleted', async () => (await publication(filed.body.id)).status === 'removed');
    expect(dss.intents.has(filed.body.id)).toBe(false);
    expect((await readAsPeer(filed.body.id)).status).toBe(404);

    const told = peer.notifications.filter((n) => n.operational_intent_id === filed.body.id);
    expect(told.map((n) => n.operational_intent?.reference.state ?? 'gone')).toEqual(['Accepted', 'Activated', 'gone']);
    expect(peer.problems).toEqual([]);
  });

  it('hears a peer’s changes through its subscription: the peer’s intent is held, then freed when the peer ends it', async () => {
    const at = place();
    const ours = await file(routePlan([at.from, at.to], { departure: inHours(1), droneId: 'JUDSSHEAR01' }));
    await published(ours.body.id, ours.body.version);
    // The peer reads our intent's OVN from us (its key must have it), plans, and tells our subscription.
    const theirs = await peer.plan([squareVolume4D(at.middle, 100, { fromH: 0.9, toH: 1.3 }, [0, 400])], {
      priority: 100,
    });
    const id = theirs.reference.id as string;
    expect(peer.told.filter((t) => t.url.startsWith(server.url)).at(-1)).toMatchObject({ status: 204 });
    const held = await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${id}`);
    expect(held.body).toMatchObject({ operator: 'uss:uss2', state: 'Accepted', priority: 100 });

    const next = routePlan([at.from, at.to], { departure: inHours(1.1), droneId: 'JUDSSHEAR02' });
    expect((await file(next)).status).toBe(409);
    await peer.remove(id);
    expect((await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${id}`)).body.state).toBe('Ended');
    const after = await file(next);
    expect(after.status).toBe(201);
  });

  it('withdraws the reference of a plan a zone pre-empted (whatever changed the plan, the DSS hears of it)', async () => {
    const at = place();
    const filed = await file(routePlan([at.from, at.to], { departure: inHours(2), droneId: 'JUDSSZONE01' }));
    await published(filed.body.id, filed.body.version);
    const zone = await server.api(
      'POST',
      '/api/v1/geofences',
      squareZone(at.middle, 200, { name: 'fire', kind: 'prohibited' }),
    );
    expect(zone.status).toBe(201);
    await until('the reference deleted', async () => (await publication(filed.body.id)).status === 'removed');
    expect(dss.intents.has(filed.body.id)).toBe(false);
  });

  it('refuses to decide when the DSS cannot say what others hold, and keeps nothing', async () => {
    const at = place();
    dss.down = true;
    try {
      const res = await server.api<{ error: string; message: string }>(
        'POST',
        '/api/v1/flight-plans',
        routePlan([at.from, at.to], { departure: inHours(1), droneId: 'JUDSSDOWN01' }),
      );
      expect(res.status).toBe(503);
      expect(res.body.message).toMatch(/DSS/);
    } finally {
      dss.down = false;
    }
    const mine = await server.api<FlightPlan[]>('GET', '/api/v1/flight-plans?droneId=JUDSSDOWN01');
    expect(mine.body).toEqual([]);
  });

  it('accepts at once when publishing fails, retries, shows the plan as failed with why, and publishes it on a later sweep', async () => {
    const at = place();
    dss.failWrites = 1000;
    const filed = await file(routePlan([at.from, at.to], { departure: inHours(1), droneId: 'JUDSSFAIL01' }));
    expect(filed.status).toBe(201);
    for (const [attempts, wait] of [
      [1, 1_000],
      [2, 4_000],
      [3, 15_000],
      [4, 60_000],
    ] as const) {
      await until(`try ${attempts}`, async () => (await publication(filed.body.id)).attempts === attempts);
      expect(await publication(filed.body.id)).toMatchObject({ status: 'pending', planVersion: 0 });
      await clock.advance(wait);
    }
    const failed = await until('marked failed', async () => {
      const p = await publication(filed.body.id);
      return p.status === 'failed' && p;
    });
    expect(failed).toMatchObject({ attempts: 5, lastError: expect.stringMatching(/500/) });
    // Never accepted by the DSS: peers are told nothing of it yet.
    expect((await readAsPeer(filed.body.id)).status).toBe(404);

    dss.failWrites = 0;
    await clock.advance(60_000);
    await published(filed.body.id, filed.body.version);
    expect((await readAsPeer(filed.body.id)).status).toBe(200);
    expect(dss.problems).toEqual([]);
  });
});

describe('this USS’s access tokens', () => {
  it('needs a way to get them when a DSS is configured', () => {
    expect(() => loadConfig({ DSS_URL: 'http://127.0.0.1:9/dss' })).toThrow(/USS_TOKEN_KEY_FILE, USS_TOKEN_URL/);
  });

  it('takes them from an OAuth token endpoint with client credentials, one per audience and scope, kept while valid', async () => {
    const authority = await makeTestAuthority();
    const spec = await loadF3548();
    const dss = await FakeDss.start({ authority, spec });
    const grants: Array<{ client: string; scope: string; audience: string }> = [];
    const endpoint = http.createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', async () => {
        const form = new URLSearchParams(text);
        const [client, secret] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
          .toString()
          .split(':');
        if (form.get('grant_type') !== 'client_credentials' || secret !== 's3cret') {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
          return;
        }
        grants.push({ client: client!, scope: form.get('scope')!, audience: form.get('intended_audience')! });
        const token = await authority.token(client!, [form.get('scope')!], form.get('intended_audience')!);
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const server = await startTestServer('pglite', {
      DSS_URL: dss.url,
      USS_TOKEN_URL: `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/token`,
      USS_ID: 'soramichi-cc',
      USS_CLIENT_SECRET: 's3cret',
    });
    try {
      for (const departure of [inHours(1), inHours(2)]) {
        const filed = await server.api<FlightPlan>(
          'POST',
          '/api/v1/flight-plans',
          routePlan(
            [
              { lat: 36.4, lon: 136.3 },
              { lat: 36.4, lon: 136.31 },
            ],
            { departure, droneId: 'JUDSSCC01' },
          ),
        );
        expect(filed.status).toBe(201);
        await until('published', async () => {
          const p = await server.api<PlanPublication>('GET', `/api/v1/flight-plans/${filed.body.id}/publication`);
          return p.body.status === 'published';
        });
        expect(dss.intents.get(filed.body.id)?.manager).toBe('soramichi-cc');
      }
      expect(grants).toEqual([{ client: 'soramichi-cc', scope: UTM.sc, audience: '127.0.0.1' }]);
    } finally {
      await server.stop();
      endpoint.closeAllConnections();
      await new Promise((resolve) => endpoint.close(resolve));
      await dss.close();
      await authority.cleanup();
    }
  });
});

describe.skipIf(!POSTGRES_URL)('two instances on one database, one DSS', () => {
  it('publish each change of a plan once, whichever instance made it', async () => {
    const authority = await makeTestAuthority();
    const spec = await loadF3548();
    const dss = await FakeDss.start({ authority, spec });
    const { a, b, stop } = await startTwoInstances(undefined, {
      DSS_URL: dss.url,
      USS_TOKEN_KEY_FILE: authority.privateKeyFile,
      USS_BASE_URL: 'http://127.0.0.1:1/uss',
    });
    try {
      const filed = await a.api<FlightPlan>(
        'POST',
        '/api/v1/flight-plans',
        routePlan(
          [
            { lat: 36.42, lon: 136.3 },
            { lat: 36.42, lon: 136.31 },
          ],
          { departure: inHours(1), droneId: 'JUDSSTWO01' },
        ),
      );
      const status = (s: typeof a) =>
        s.api<PlanPublication>('GET', `/api/v1/flight-plans/${filed.body.id}/publication`).then((r) => r.body);
      await until('published', async () => (await status(b)).status === 'published');
      const activated = await b.api<FlightPlan>('POST', `/api/v1/flight-plans/${filed.body.id}/activate`);
      await until('activation published', async () => (await status(a)).planVersion === activated.body.version);
      // Both instances heard both changes; each change reached the DSS once.
      const writes = dss.calls.filter((c) => c.method === 'PUT' && c.path.includes(filed.body.id));
      expect(writes.map((c) => c.status)).toEqual([201, 200]);
      expect(dss.problems).toEqual([]);
    } finally {
      await stop();
      await dss.close();
      await authority.cleanup();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { system } from '../../../server/auth/principal.ts';
import { inHours, KAGA, routePlan } from '../../support/plans.ts';
import { registerDrones, startTestServer, type TestServer } from '../../support/server.ts';

/** What the server's logs say and never say, as an operator of the service reads them. */
describe('the logs', () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer('pglite');
    token = (await server.issuer.issue({ subject: 'op-logged', role: 'operator', ttlSeconds: 3600 }, system('test')))
      .token;
    await registerDrones(server, 'op-logged', 'JULOGGED0001');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answer every request with an id, the caller’s own when it gave a usable one', async () => {
    const mine = await fetch(`${server.url}/api/v1/whoami`, { headers: { 'x-request-id': 'screen-7:42' } });
    expect(mine.headers.get('x-request-id')).toBe('screen-7:42');
    const made = await fetch(`${server.url}/api/v1/whoami`, { headers: { 'x-request-id': 'not an id; /etc' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never carry a bearer token or a plan’s contact and pilot, whatever a component logs', async () => {
    const secret = 'Hanako Kaga, +81 761 00 1234';
    const filed = await fetch(`${server.url}/api/v1/flight-plans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        ...routePlan([KAGA.cityHall, KAGA.station], { departure: inHours(2), droneId: 'JULOGGED0001' }),
        contact: { name: secret },
      }),
    });
    expect(filed.status).toBe(201);
    // A component logging a whole request or plan, as a careless one would.
    server.flights['deps'].log.warn(
      { headers: { authorization: `Bearer ${token}` }, plan: { contact: secret } },
      'probe',
    );
    const text = server.logs.join('\n');
    expect(text).toContain('probe');
    expect(text).toContain('"component":"flights"');
    expect(text).not.toContain(token);
    expect(text).not.toContain(secret);
  });
});

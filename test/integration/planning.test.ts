import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { system } from '../../server/auth/principal.ts';
import type {
  AllocationRules,
  Capacity,
  CandidatesAccepted,
  CandidatesRejected,
  DecisionsReport,
  DipsFlightPlan,
  EarliestSlot,
  ErrorBody,
  FlightPlan,
  OperatorCap,
  Rejection,
} from '../../server/protocol/index.ts';
import { ManualClock } from '../support/clock.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { inHours, KAGA, routePlan } from '../support/plans.ts';
import { registerOwnDrones, startTestServer, type TestServer } from '../support/server.ts';

const { medicalCenter: A, yamashiro: B, katayamazu: C, cityHall: D, station: E } = KAGA;
const MINUTE = 60_000;
const BBOX = '136.2,36.2,136.5,36.45';

/**
 * Issue 14, planning power, through HTTP: hold then confirm, candidates, capacity over the day,
 * caps and the decisions report, and the DIPS 2.0 filing — on both databases, on a clock the test
 * moves.
 */
describe.each(DATABASE_KINDS)('planning on %s', (kind) => {
  let server: TestServer;
  const clock = new ManualClock();
  const started = clock.now();
  const tokens: Record<string, string> = {};
  const at = (hours: number) => inHours(hours, clock.now());

  const as = async <T = unknown>(who: string, method: string, path: string, body?: unknown) => {
    if (path.startsWith('/api/v1/flight-plans') && body !== undefined)
      await registerOwnDrones(server.url, tokens[who]!, body);
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[who]}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return {
      status: res.status,
      type,
      text,
      body: (type.includes('json') && text ? JSON.parse(text) : null) as T,
    };
  };

  beforeAll(async () => {
    server = await startTestServer(kind, {}, undefined, clock);
    for (const subject of ['op-hold', 'op-fleet', 'op-capped', 'op-dips', 'op-other']) {
      tokens[subject] = (
        await server.issuer.issue({ subject, role: 'operator', ttlSeconds: 86_400 }, system('test'))
      ).token;
    }
    tokens['monitor'] = (
      await server.issuer.issue({ subject: 'city-monitor', role: 'monitor', ttlSeconds: 86_400 }, system('test'))
    ).token;
    tokens['admin'] = (
      await server.issuer.issue({ subject: 'city-admin', role: 'admin', ttlSeconds: 86_400 }, system('test'))
    ).token;
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe('hold, then confirm', () => {
    it('holds a sky road that nobody else may take, and confirms it into an accepted plan', async () => {
      const plan = routePlan([A, B], { departure: at(1), droneId: 'JUHOLD0000001' });
      const held = await as<FlightPlan>('op-hold', 'POST', '/api/v1/flight-plans?hold=true', plan);
      expect(held.status).toBe(201);
      expect(held.body.state).toBe('Held');
      expect(Date.parse(held.body.heldUntil!)).toBe(clock.now() + 10 * MINUTE);

      const rival = await as<Rejection>('op-other', 'POST', '/api/v1/flight-plans', {
        ...plan,
        droneId: 'JURIVAL00001',
      });
      expect(rival.status).toBe(409);
      expect(rival.body.conflicts.map((c) => c.id)).toEqual([held.body.id]);

      await clock.advance(9 * MINUTE);
      const confirmed = await as<FlightPlan>('op-hold', 'POST', `/api/v1/flight-plans/${held.body.id}/confirm`);
      expect(confirmed.status).toBe(200);
      expect(confirmed.body).toMatchObject({ state: 'Accepted', heldUntil: null, stateReason: 'confirmed' });
      expect(confirmed.body.history).toBeUndefined();
      const again = await as<ErrorBody>('op-hold', 'POST', `/api/v1/flight-plans/${held.body.id}/confirm`);
      expect(again.status).toBe(409);
      expect(again.body.message).toBe('cannot confirm a Accepted plan');

      // Past the hold's ten minutes nothing happens to a confirmed plan.
      await clock.advance(2 * MINUTE);
      expect((await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${held.body.id}`)).body.state).toBe('Accepted');
    });

    it('releases an unconfirmed hold the moment it expires: its sky road is free at once, and confirming is refused', async () => {
      const plan = routePlan([A, C], { departure: at(2), droneId: 'JUHOLD0000002' });
      const held = await as<FlightPlan>('op-hold', 'POST', '/api/v1/flight-plans?hold=true', plan);
      expect(held.status).toBe(201);
      expect(server.mirror.index.hasPlan(held.body.id)).toBe(true);

      await clock.advance(10 * MINUTE);
      // No waiting for the release to go round: the arbiter never counts an expired hold.
      const taker = await as<FlightPlan>('op-other', 'POST', '/api/v1/flight-plans', {
        ...plan,
        droneId: 'JUTAKER00001',
      });
      expect(taker.status, JSON.stringify(taker.body).slice(0, 1500)).toBe(201);

      const late = await as<ErrorBody>('op-hold', 'POST', `/api/v1/flight-plans/${held.body.id}/confirm`);
      expect(late.status).toBe(409);
      expect(late.body.message).toMatch(/hold expired/);
      const stored = await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${held.body.id}`);
      expect(stored.body).toMatchObject({ state: 'Cancelled', stateReason: 'hold expired without confirmation' });
      expect(stored.body.history!.map((h) => h.state)).toEqual(['Held', 'Cancelled']);
      expect(server.mirror.index.hasPlan(held.body.id)).toBe(false);
    });

    it('lets its operator cancel or replan a held plan, but not activate it', async () => {
      const held = await as<FlightPlan>(
        'op-hold',
        'POST',
        '/api/v1/flight-plans?hold=true',
        routePlan([D, E], { departure: at(3), droneId: 'JUHOLD0000003' }),
      );
      expect((await as('op-hold', 'POST', `/api/v1/flight-plans/${held.body.id}/activate`)).status).toBe(409);
      const moved = await as<FlightPlan>(
        'op-hold',
        'PUT',
        `/api/v1/flight-plans/${held.body.id}`,
        routePlan([D, E], { departure: at(3.5), droneId: 'JUHOLD0000003' }),
      );
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ state: 'Held', heldUntil: held.body.heldUntil });
      expect((await as('op-other', 'POST', `/api/v1/flight-plans/${held.body.id}/confirm`)).status).toBe(403);
      const cancelled = await as<FlightPlan>('op-hold', 'DELETE', `/api/v1/flight-plans/${held.body.id}`);
      expect(cancelled.body.state).toBe('Cancelled');
      expect(
        (await as('op-hold', 'POST', '/api/v1/flight-plans?hold=maybe', routePlan([D, E], { departure: at(3) })))
          .status,
      ).toBe(400);
    });
  });

  describe('candidates', () => {
    it('accepts the first candidate that fits and says why each one before it did not', async () => {
      const blocker = await as<FlightPlan>(
        'op-other',
        'POST',
        '/api/v1/flight-plans',
        routePlan([B, C], { departure: at(5) }),
      );
      expect(blocker.status).toBe(201);
      const candidates = [
        routePlan([B, C], { departure: at(5), droneId: 'JUFLEET00001' }),
        routePlan([B, C], { departure: at(5), altitude: 60, droneId: 'JUFLEET00001' }),
        routePlan([B, C], { departure: at(6), droneId: 'JUFLEET00001' }),
        routePlan([B, C], { departure: at(7), droneId: 'JUFLEET00001' }),
      ];
      const r = await as<CandidatesAccepted>('op-fleet', 'POST', '/api/v1/flight-plans/candidates', { candidates });
      expect(r.status).toBe(201);
      expect(r.body.chosen).toBe(2);
      expect(r.body.plan).toMatchObject({ state: 'Accepted', operator: 'op-fleet', departure: expect.any(String) });
      expect(r.body.refused.map((x) => x.index)).toEqual([0, 1]);
      for (const refusal of r.body.refused) {
        expect(refusal.rejection).toMatchObject({ state: 'Rejected', reason: 'flight_conflict' });
        expect(refusal.rejection.conflicts.map((c) => c.id)).toEqual([blocker.body.id]);
      }
      // The others were never written.
      const mine = await as<FlightPlan[]>('op-fleet', 'GET', '/api/v1/flight-plans');
      expect(mine.body.map((p) => p.id)).toEqual([r.body.plan.id]);
    });

    it('ranks by a stated cost: the cheapest that fits wins, whatever the order given', async () => {
      const candidates = [
        routePlan([C, D], { departure: at(9), altitude: 100, droneId: 'JUFLEET00002' }),
        routePlan([C, D], { departure: at(9), altitude: 40, droneId: 'JUFLEET00002' }),
        routePlan([C, D], { departure: at(8), altitude: 70, droneId: 'JUFLEET00002' }),
      ];
      const low = await as<CandidatesAccepted>('op-fleet', 'POST', '/api/v1/flight-plans/candidates?hold=true', {
        candidates,
        rank: 'height',
      });
      expect(low.status).toBe(201);
      expect(low.body).toMatchObject({ chosen: 1, refused: [] });
      expect(low.body.plan.state).toBe('Held');
      expect((await as('op-fleet', 'DELETE', `/api/v1/flight-plans/${low.body.plan.id}`)).status).toBe(200);

      const soon = await as<CandidatesAccepted>('op-fleet', 'POST', '/api/v1/flight-plans/candidates', {
        candidates,
        rank: 'delay',
      });
      expect(soon.body).toMatchObject({ chosen: 2, cost: 0 });
    });

    it('refuses when none fits, explaining each, and writes nothing', async () => {
      const taken = await as<FlightPlan>(
        'op-other',
        'POST',
        '/api/v1/flight-plans',
        routePlan([A, D], { departure: at(11) }),
      );
      expect(taken.status).toBe(201);
      const r = await as<CandidatesRejected>('op-fleet', 'POST', '/api/v1/flight-plans/candidates', {
        candidates: [routePlan([A, D], { departure: at(11) }), routePlan([A, D], { departure: at(11), altitude: 64 })],
      });
      expect(r.status).toBe(409);
      expect(r.body.state).toBe('Rejected');
      expect(r.body.refused).toHaveLength(2);
      expect(r.body.refused[0]!.rejection.alternatives.length).toBeGreaterThan(0);
      expect(r.body.message).toMatch(/none of the 2 candidates fits/);
    });

    it('names the candidate and the field of a bad one', async () => {
      const r = await as<ErrorBody>('op-fleet', 'POST', '/api/v1/flight-plans/candidates', {
        candidates: [routePlan([A, B], { departure: at(12) }), routePlan([A, B], { departure: at(-5) })],
      });
      expect(r.status).toBe(400);
      expect(r.body.issues).toEqual([{ path: 'candidates.1.route.departure', message: 'must not be in the past' }]);
      const many = await as<ErrorBody>('op-fleet', 'POST', '/api/v1/flight-plans/candidates', {
        candidates: Array.from({ length: 21 }, () => routePlan([A, B], { departure: at(12) })),
      });
      expect(many.status).toBe(400);
      expect(many.body.issues![0]!.path).toBe('candidates');
    });
  });

  it('finds the earliest slot for a route in one request, and that slot is accepted', async () => {
    const first = await as<FlightPlan>(
      'op-other',
      'POST',
      '/api/v1/flight-plans',
      routePlan([E, C], { departure: at(13) }),
    );
    expect(first.status).toBe(201);
    const wanted = routePlan([E, C], { departure: at(13), droneId: 'JUEARLY00001' });
    const slot = await as<EarliestSlot>('op-fleet', 'POST', '/api/v1/flight-plans/earliest', { plan: wanted });
    expect(slot.status).toBe(200);
    expect(Date.parse(slot.body.departure!)).toBeGreaterThan(Date.parse(at(13)));
    expect(slot.body.delaySeconds! % 60).toBe(0);
    expect((await as('op-fleet', 'POST', '/api/v1/flight-plans', slot.body.request)).status).toBe(201);

    const none = await as<EarliestSlot>('op-fleet', 'POST', '/api/v1/flight-plans/earliest', {
      plan: wanted,
      notAfter: at(13),
    });
    expect(none.body).toMatchObject({ departure: null, request: null });
  });

  it('counts reserved sky per coarse cell and 15-minute slot', async () => {
    const filed = await as<FlightPlan>(
      'op-other',
      'POST',
      '/api/v1/flight-plans',
      routePlan([A, B], { departure: at(20) }),
    );
    expect(filed.status).toBe(201);
    const from = at(19);
    const to = at(22);
    const r = await as<Capacity>('monitor', 'GET', `/api/v1/capacity?bbox=${BBOX}&from=${from}&to=${to}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ h3Resolution: 8, slotMinutes: 15 });
    expect(r.body.slots.length).toBeGreaterThan(0);
    for (const s of r.body.slots) {
      expect(s.reserved).toBeGreaterThan(0);
      expect(s.reserved).toBeLessThanOrEqual(1);
      expect(Date.parse(s.end) - Date.parse(s.start)).toBe(15 * MINUTE);
      expect(Date.parse(s.start) % (15 * MINUTE)).toBe(0);
    }
    const total = r.body.slots.reduce((n, s) => n + s.cellHours, 0);
    expect(total).toBeCloseTo(filed.body.cellHours, 1);
    const empty = await as<Capacity>('monitor', 'GET', `/api/v1/capacity?bbox=1,1,2,2&from=${from}&to=${to}`);
    expect(empty.body.slots).toEqual([]);
    const wide = await as<ErrorBody>('monitor', 'GET', `/api/v1/capacity?bbox=${BBOX}&from=${from}&to=${at(70)}`);
    expect(wide.status).toBe(400);
    expect(wide.body.issues![0]!.path).toBe('to');
  });

  describe('fairness', () => {
    it('refuses what would take an operator past its cap, inside the decision, and publishes the caps', async () => {
      const first = routePlan([D, B], { departure: at(30), droneId: 'JUCAPPED0001' });
      const one = await as<FlightPlan>('op-capped', 'POST', '/api/v1/flight-plans?hold=true', first);
      expect(one.status).toBe(201);
      const cap = await as<OperatorCap>('admin', 'PUT', '/api/v1/caps/op-capped', {
        cellHours: one.body.cellHours * 1.5,
      });
      expect(cap.status).toBe(200);
      expect(cap.body).toMatchObject({ operator: 'op-capped', setBy: 'city-admin' });
      expect(cap.body.heldCellHours).toBeCloseTo(one.body.cellHours, 2);

      const two = await as<Rejection>(
        'op-capped',
        'POST',
        '/api/v1/flight-plans',
        routePlan([D, B], { departure: at(31), droneId: 'JUCAPPED0001' }),
      );
      expect(two.status).toBe(409);
      expect(two.body).toMatchObject({ reason: 'cap_exceeded', conflicts: [] });
      expect(two.body.message).toMatch(/cap of/);
      // Others are not held back by it; confirming the held plan never is.
      expect(
        (await as('op-other', 'POST', '/api/v1/flight-plans', routePlan([D, B], { departure: at(31) }))).status,
      ).toBe(201);
      expect((await as('op-capped', 'POST', `/api/v1/flight-plans/${one.body.id}/confirm`)).status).toBe(200);

      const rules = await as<AllocationRules>('op-capped', 'GET', '/api/v1/rules');
      expect(rules.body.caps.yours).toBeCloseTo(one.body.cellHours * 1.5, 3);
      expect(rules.body.caps.operators).toBeUndefined();
      const seen = await as<AllocationRules>('monitor', 'GET', '/api/v1/rules');
      expect(seen.body.caps.operators).toContainEqual({ operator: 'op-capped', cellHours: cap.body.cellHours });
      expect(seen.body.holds.minutes).toBe(10);
      expect((await fetch(`${server.url}/api/v1/rules`)).status).toBe(200);

      expect((await as('op-capped', 'PUT', '/api/v1/caps/op-capped', { cellHours: 1e6 })).status).toBe(403);
      expect((await as('admin', 'DELETE', '/api/v1/caps/op-capped')).status).toBe(204);
      expect((await as('admin', 'DELETE', '/api/v1/caps/op-capped')).status).toBe(404);
      expect(
        (
          await as(
            'op-capped',
            'POST',
            '/api/v1/flight-plans',
            routePlan([D, B], { departure: at(32), droneId: 'JUCAPPED0001' }),
          )
        ).status,
      ).toBe(201);
      const audit = await server.api<Array<{ action: string; target: string }>>(
        'GET',
        '/api/v1/audit?actor=city-admin',
      );
      expect(audit.body.map((e) => `${e.action} ${e.target}`)).toContain('PUT /api/v1/caps/{id} op-capped');
    });

    it('reports decisions by operator and refusal reason over a period', async () => {
      const from = new Date(started - MINUTE).toISOString();
      const to = new Date(clock.now() + MINUTE).toISOString();
      const report = await as<DecisionsReport>('monitor', 'GET', `/api/v1/decisions?from=${from}&to=${to}`);
      expect(report.status).toBe(200);
      const byOperator = new Map(report.body.operators.map((o) => [o.operator, o]));
      expect(byOperator.get('op-capped')).toMatchObject({ accepted: 2, refused: 1, reasons: { cap_exceeded: 1 } });
      expect(byOperator.get('op-other')!.refused).toBeGreaterThanOrEqual(1);
      expect(byOperator.get('op-other')!.reasons.flight_conflict).toBeGreaterThanOrEqual(1);
      expect(byOperator.get('op-fleet')!.reasons.flight_conflict).toBeGreaterThanOrEqual(1);
      const shares = report.body.operators.reduce((n, o) => n + o.shareOfCellHours, 0);
      expect(shares).toBeCloseTo(1, 2);
      expect(report.body.totals.accepted).toBe(report.body.operators.reduce((n, o) => n + o.accepted, 0));
      const before = await as<DecisionsReport>('monitor', 'GET', `/api/v1/decisions?to=${from}`);
      expect(before.body.operators).toEqual([]);
      expect((await as('op-other', 'GET', '/api/v1/decisions')).status).toBe(403);
    });
  });

  describe('the DIPS 2.0 filing', () => {
    let plan: FlightPlan;
    beforeAll(async () => {
      const r = await as<FlightPlan>('op-dips', 'POST', '/api/v1/flight-plans', {
        ...routePlan([A, E], { departure: at(40), droneId: 'JU0123456789AB', speedMps: 10 }),
        purpose: 'medicine to the station clinic',
        contact: { name: '加賀 太郎', phone: '+81 761 00 0000' },
        pilot: { name: '空野 道子', licenceNumber: '1234567890AB' },
        filing: {
          purposeCategory: 'transport_delivery',
          aircraftKind: 'multicopter',
          category: 'IIB',
          airspaces: ['did'],
          methods: ['bvlos'],
          permitNumber: '東空運第12345号',
          entryControl: { present: true, detail: '補助者を配置' },
          insurance: { present: true, detail: '対人1億円' },
        },
      });
      expect(r.status).toBe(201);
      plan = r.body;
    });

    it('gives its operator the filing’s fields as JSON, pilot and contact included', async () => {
      const r = await as<DipsFlightPlan>('op-dips', 'GET', `/api/v1/flight-plans/${plan.id}/dips`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        planId: plan.id,
        registrationMark: 'JU0123456789AB',
        aircraftKind: 'multicopter',
        pilotName: '空野 道子',
        pilotLicenceNumber: '1234567890AB',
        purpose: 'transport_delivery',
        purposeLabel: '輸送・宅配',
        purposeDetail: 'medicine to the station clinic',
        category: 'IIB',
        restrictedAirspaces: ['did'],
        flightMethods: ['bvlos'],
        speedKmh: 36,
        route: { kind: 'route', coordinates: [A, E], radiusM: null },
        departurePoint: A,
        destination: E,
        contact: { name: '加賀 太郎', phone: '+81 761 00 0000' },
        entryControl: { present: true, detail: '補助者を配置' },
      });
      expect(r.body.maxAltitudeAglM).toBeCloseTo(60, 0);
      expect(r.body.maxAltitudeAmslM - r.body.maxAltitudeAglM).toBeCloseTo(0, 0);
      expect(r.body.flightStart).toBe(plan.departure);
      expect(r.body.flightEnd).toBe(plan.arrival);
      expect(r.body.timeEnRouteMinutes).toBeCloseTo(
        (Date.parse(plan.arrival!) - Date.parse(plan.departure!)) / MINUTE,
        1,
      );
    });

    it('gives it as CSV, a heading row and a row of values', async () => {
      const r = await as('op-dips', 'GET', `/api/v1/flight-plans/${plan.id}/dips?format=csv`);
      expect(r.status).toBe(200);
      expect(r.type).toMatch(/^text\/csv/);
      const [heading, values] = r.text
        .replace(/^\ufeff/, '')
        .trim()
        .split('\r\n');
      expect(heading).toContain('登録記号 (registrationMark)');
      expect(values).toContain('JU0123456789AB');
      expect(values).toContain('空野 道子');
      expect(values).toContain('輸送・宅配');
      expect(values).toContain('カテゴリーⅡB');
      expect(heading!.split(',').length).toBe(values!.split(',').length);
    });

    it('shows the pilot to its operator alone, and the filing to nobody else', async () => {
      expect((await as<FlightPlan>('op-dips', 'GET', `/api/v1/flight-plans/${plan.id}`)).body.request.pilot).toEqual({
        name: '空野 道子',
        licenceNumber: '1234567890AB',
      });
      const monitored = await as<FlightPlan>('monitor', 'GET', `/api/v1/flight-plans/${plan.id}`);
      expect(monitored.body.request.contact).toBeDefined();
      expect(JSON.stringify(monitored.body)).not.toContain('空野');
      for (const who of ['op-other', 'monitor', 'admin']) {
        expect((await as(who, 'GET', `/api/v1/flight-plans/${plan.id}/dips`)).status).toBe(403);
      }
      expect((await fetch(`${server.url}/api/v1/flight-plans/${plan.id}/dips`)).status).toBe(401);
      expect((await as('op-dips', 'GET', `/api/v1/flight-plans/${plan.id}/dips?format=xml`)).status).toBe(400);
      const stored = await server.db.query<{ request: unknown; pilot: Uint8Array }>(
        'SELECT request, pilot FROM flight_plans WHERE id = $1',
        [plan.id],
      );
      expect(JSON.stringify(stored[0]!.request)).not.toContain('空野');
      expect(Buffer.from(stored[0]!.pilot).toString('utf8')).not.toContain('空野');
    });
  });
});

import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { system } from '../../server/auth/principal.ts';
import type { DipsFlightPlan, FlightPlan } from '../../server/protocol/index.ts';
import { KAGA } from '../support/plans.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { clickMapAt, jumpTo, openBrowser, openPage, screenshot, type Browser } from './support/browser.ts';

/** City Hall to Kaga-Onsen Station: open country, no zone on the way. */
const ROUTE = [KAGA.cityHall, KAGA.station];
const CENTRE: [number, number] = [
  (KAGA.cityHall.lon + KAGA.station.lon) / 2,
  (KAGA.cityHall.lat + KAGA.station.lat) / 2,
];

/** A datetime-local value (the page's time zone is Asia/Tokyo) a whole number of minutes ahead. */
function inMinutesLocal(minutes: number): string {
  const at = Math.ceil((Date.now() + minutes * 60_000) / 60_000) * 60_000;
  return new Date(at + 9 * 3_600_000).toISOString().slice(0, 16);
}

describe("the operator's page /plan", () => {
  let server: TestServer;
  let browser: Browser;
  const departure = inMinutesLocal(15);

  const layers = () => browser.page.evaluate(() => window.__soramichi!.layers());
  const decisionState = () => browser.page.getByTestId('decision').getAttribute('data-state');

  async function fileRoute(droneId: string, at = departure, button = 'submit'): Promise<void> {
    const page = browser.page;
    await page.getByTestId('clear-waypoints').click();
    await jumpTo(page, { center: CENTRE, zoom: 13, pitch: 0 });
    for (const p of ROUTE) await clickMapAt(page, p.lon, p.lat);
    await expect.poll(() => page.evaluate(() => (window.__soramichi!.waypoints as () => unknown[])().length)).toBe(2);
    await page.getByTestId('drone-id').fill(droneId);
    await page.getByTestId('altitude').fill('60');
    await page.getByTestId('reference').selectOption('AGL');
    await page.getByTestId('speed').fill('10');
    await page.getByTestId('departure').fill(at);
    await page.getByTestId(button).click();
  }
  /** A drone's first filing is refused until its operator registers it, which the page offers in one click. */
  async function registerWhenAsked(droneId: string): Promise<void> {
    await expect.poll(decisionState).toBe('unregistered');
    expect(await browser.page.getByTestId('decision-error').textContent()).toContain(droneId);
    await browser.page.getByTestId('register-and-file').click();
  }
  const decisionPlanId = async () => (await browser.page.getByTestId('decision-plan-id').textContent())!;
  const stateOf = async (id: string) => (await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${id}`)).body.state;

  beforeAll(async () => {
    server = await startTestServer('pglite');
    const operator = await server.issuer.issue(
      { subject: 'op-e2e', role: 'operator', ttlSeconds: 3600 },
      system('test'),
    );
    browser = await openBrowser();
    await openPage(browser.page, `${server.url}/plan#token=${operator.token}`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('files a route clicked on the map for a drone it registers on the way: accepted, and its sky road drawn', async () => {
    await fileRoute('JUE2EPLAN001');
    await registerWhenAsked('JUE2EPLAN001');
    await expect.poll(decisionState).toBe('accepted');
    const registration = await server.api<{ operator: string; registrationMark: string }>(
      'GET',
      '/api/v1/drones/JUE2EPLAN001/registration',
    );
    expect(registration.body).toMatchObject({ operator: 'op-e2e', registrationMark: 'JUE2EPLAN001' });
    const id = (await browser.page.getByTestId('decision-plan-id').textContent())!;
    const stored = await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${id}`);
    expect(stored.body.state).toBe('Accepted');
    expect(stored.body.request.route!.waypoints[0]!.lat).toBeCloseTo(KAGA.cityHall.lat, 3);
    expect(stored.body.request.route!.waypoints[1]!.lon).toBeCloseTo(KAGA.station.lon, 3);
    expect((await layers())['accepted-sky-road']).toBe(
      (await server.api<{ features: unknown[] }>('GET', `/api/v1/flight-plans/${id}/sky-road`)).body.features.length,
    );
    await expect.poll(() => browser.page.locator(`[data-testid="my-plans"] [data-plan-id="${id}"]`).count()).toBe(1);
    await screenshot(browser.page, 'plan-accepted');
  });

  it('shows the conflicts of a plan that collides, with the server’s alternative, and takes it in one click', async () => {
    await fileRoute('JUE2EPLAN002');
    await registerWhenAsked('JUE2EPLAN002');
    await expect.poll(decisionState).toBe('rejected');
    const conflicts = browser.page.locator('[data-testid="conflicts"] li');
    expect(await conflicts.count()).toBeGreaterThan(0);
    expect(await conflicts.first().textContent()).toMatch(/他の飛行|another flight/);
    expect((await layers())['conflict-cells']).toBeGreaterThan(0);
    const alternatives = browser.page.locator('[data-testid="alternatives"] li');
    expect(await alternatives.count()).toBeGreaterThan(0);
    await screenshot(browser.page, 'plan-conflict');

    await browser.page.getByTestId('take-alternative-0').click();
    await expect.poll(decisionState).toBe('accepted');
    const id = (await browser.page.getByTestId('decision-plan-id').textContent())!;
    const stored = await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${id}`);
    expect(stored.body.droneId).toBe('JUE2EPLAN002');
    expect(stored.body.state).toBe('Accepted');
    expect((await layers())['conflict-cells']).toBe(0);
    expect((await layers())['accepted-sky-road']).toBeGreaterThan(0);
  });

  it('activates, ends and cancels the operator’s own plans', async () => {
    const mine = browser.page.locator('[data-testid="my-plans"] li');
    await expect.poll(() => mine.count()).toBe(2);
    const [second, first] = [mine.nth(0), mine.nth(1)];
    const firstId = (await first.getAttribute('data-plan-id'))!;
    const secondId = (await second.getAttribute('data-plan-id'))!;

    await first.getByTestId('activate').click();
    await expect
      .poll(async () => (await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${firstId}`)).body.state)
      .toBe('Activated');
    await browser.page.locator(`[data-testid="my-plans"] [data-plan-id="${firstId}"]`).getByTestId('end').click();
    await expect
      .poll(async () => (await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${firstId}`)).body.state)
      .toBe('Ended');
    await browser.page.locator(`[data-testid="my-plans"] [data-plan-id="${secondId}"]`).getByTestId('cancel').click();
    await expect
      .poll(async () => (await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${secondId}`)).body.state)
      .toBe('Cancelled');
    await expect
      .poll(() => browser.page.locator(`[data-plan-id="${secondId}"] .badge`).textContent())
      .toMatch(/取消|Cancelled/);
    expect(browser.errors).toEqual([]);
  });

  it('holds a plan first (仮押さえ) and confirms it', async () => {
    const page = browser.page;
    await page.getByTestId('hold').check();
    await fileRoute('JUE2EHOLD001', inMinutesLocal(120));
    await registerWhenAsked('JUE2EHOLD001');
    await expect.poll(decisionState).toBe('held');
    const id = await decisionPlanId();
    expect(await stateOf(id)).toBe('Held');
    await expect
      .poll(() => page.locator(`[data-testid="my-plans"] [data-plan-id="${id}"] [data-testid="confirm"]`).count())
      .toBe(1);
    await page.getByTestId('decision-confirm').click();
    await expect.poll(() => stateOf(id)).toBe('Accepted');
    await expect.poll(decisionState).toBe('accepted');
    await page.getByTestId('hold').uncheck();
  });

  it('finds the earliest free departure for a route that is taken, and files it in one click', async () => {
    const taken = inMinutesLocal(120);
    await fileRoute('JUE2EEARLY01', taken, 'earliest');
    await expect.poll(decisionState).toBe('earliest');
    expect(await browser.page.getByTestId('earliest-slot').textContent()).toMatch(/から空いています|Free from/);
    await browser.page.getByTestId('file-earliest').click();
    await registerWhenAsked('JUE2EEARLY01');
    await expect.poll(decisionState).toBe('accepted');
    const plan = (await server.api<FlightPlan>('GET', `/api/v1/flight-plans/${await decisionPlanId()}`)).body;
    expect(plan).toMatchObject({ state: 'Accepted', droneId: 'JUE2EEARLY01' });
    expect(Date.parse(plan.request.route!.departure)).toBeGreaterThan(Date.parse(`${taken}:00+09:00`));
  });

  it('exports a plan as its DIPS 2.0 filing, JSON and CSV', async () => {
    const page = browser.page;
    await page.locator('[data-testid="filing"] summary').click();
    await page.getByTestId('purpose-category').selectOption('transport_delivery');
    await page.getByTestId('category').selectOption('IIB');
    await page.getByTestId('pilot-name').fill('空野 道子');
    await fileRoute('JUE2EDIPS001', inMinutesLocal(240));
    await registerWhenAsked('JUE2EDIPS001');
    await expect.poll(decisionState).toBe('accepted');
    const row = page.locator(`[data-testid="my-plans"] [data-plan-id="${await decisionPlanId()}"]`);
    await expect.poll(() => row.count()).toBe(1);

    const [csv] = await Promise.all([page.waitForEvent('download'), row.getByTestId('export-csv').click()]);
    expect(csv.suggestedFilename()).toMatch(/^flight-plan-JUE2EDIPS001-.*\.csv$/);
    const text = await fs.readFile(await csv.path(), 'utf8');
    expect(text).toContain('登録記号 (registrationMark)');
    expect(text).toContain('空野 道子');
    expect(text).toContain('輸送・宅配');

    const [json] = await Promise.all([page.waitForEvent('download'), row.getByTestId('export-json').click()]);
    const filing = JSON.parse(await fs.readFile(await json.path(), 'utf8')) as DipsFlightPlan;
    expect(filing).toMatchObject({
      registrationMark: 'JUE2EDIPS001',
      pilotName: '空野 道子',
      purpose: 'transport_delivery',
      category: 'IIB',
    });
    expect(browser.errors).toEqual([]);
  });
});

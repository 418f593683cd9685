import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, FlightPlan } from '../../server/protocol/index.ts';
import { KAGA_SCENARIOS } from '../../scripts/demo/kaga.ts';
import { startWorld, type World } from '../../scripts/demo/world.ts';
import { until } from '../integration/gateway/support.ts';
import {
  clickMapAt,
  home,
  jumpTo,
  nextFrames,
  openBrowser,
  openPage,
  screenshot,
  type Browser,
} from './support/browser.ts';

type Shown = { id: string; lon: number; lat: number; heightM: number; state: string; planState: string | null };

const IDS = KAGA_SCENARIOS.map((s) => s.droneId).sort();
const RIVER = KAGA_SCENARIOS.find((s) => s.droneId === 'JUKAGARIVER1')!;

describe('the city monitoring screen, with Kaga’s simulated drones flying through the real gateway', () => {
  let world: World;
  let browser: Browser;
  const plans = new Map<string, FlightPlan>();

  const shown = () => browser.page.evaluate(() => window.__soramichi!.drones()) as Promise<Shown[]>;
  const layers = () => browser.page.evaluate(() => window.__soramichi!.layers());

  beforeAll(async () => {
    world = await startWorld({
      scenarios: KAGA_SCENARIOS,
      log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    });
    for (const s of KAGA_SCENARIOS) plans.set(s.droneId, await world.fly(s));
    browser = await openBrowser();
    await openPage(browser.page, `${world.server.url}/#token=${world.tokens.monitor}`);
  });

  afterAll(async () => {
    await browser?.close();
    await world?.stop();
  });

  it('shows every simulated drone, flying, with its trail and data block, over the sky roads of the activated plans', async () => {
    await until(
      'the four drones on the map',
      async () =>
        (await shown())
          .map((d) => d.id)
          .sort()
          .join() === IDS.join(),
    );
    const first = new Map((await shown()).map((d) => [d.id, d]));
    await until('the drones to move', async () =>
      (await shown()).some((d) => {
        const before = first.get(d.id)!;
        return Math.abs(d.lat - before.lat) + Math.abs(d.lon - before.lon) > 1e-4;
      }),
    );
    await until('the drones airborne on their plans', async () =>
      (await shown()).every((d) => d.state === 'live' && d.planState === 'Activated' && d.heightM > 5),
    );
    const l = await layers();
    expect(l['drones']).toBe(4);
    expect(l['drone-labels']).toBe(4);
    expect(l['drone-trails']).toBeGreaterThan(0);
    expect(l['sky-roads']).toBeGreaterThan(0);
    await expect.poll(() => browser.page.getByTestId('count-drones').textContent()).toContain('4');
    await expect.poll(() => browser.page.getByTestId('count-plans').textContent()).toContain('4');
    await screenshot(browser.page, 'monitoring');
  });

  it('opens the plan of a drone clicked on the map', async () => {
    const target = 'JUKAGABEAR01';
    let drone = (await shown()).find((d) => d.id === target)!;
    await jumpTo(browser.page, { center: [drone.lon, drone.lat], zoom: 16 });
    drone = (await shown()).find((d) => d.id === target)!;
    await clickMapAt(browser.page, drone.lon, drone.lat, drone.heightM);

    await expect.poll(() => browser.page.getByTestId('detail-drone-id').textContent()).toBe(target);
    await expect.poll(() => browser.page.getByTestId('detail-plan-id').textContent()).toBe(plans.get(target)!.id);
    await expect.poll(async () => (await layers())['selected-sky-road']).toBeGreaterThan(0);
    expect((await layers())['selected-route-path']).toBe(1);
    await expect.poll(() => browser.page.locator('[data-testid="detail-plan"] .history li').count()).toBe(2);
    await screenshot(browser.page, 'monitoring-detail');
  });

  it('marks a drone whose radio link is lost, lists the alert the server raises, and flies the map to it on a click', async () => {
    await home(browser.page);
    world.fleet.drone(RIVER.sysid).linkCut = true;
    await until(
      'the river drone marked lost',
      async () => (await shown()).find((d) => d.id === RIVER.droneId)?.state === 'lost',
    );
    expect((await layers())['drone-lost']).toBe(1);

    const lostLink = await until('the lost-link alert on the page', async () =>
      ((await browser.page.evaluate(() => window.__soramichi!.alerts!())) as Alert[]).find(
        (a) => a.kind === 'lost_link' && a.droneId === RIVER.droneId,
      ),
    );
    const item = browser.page.locator(`[data-alert-id="${lostLink.id}"]`);
    await item.waitFor();
    expect(await item.textContent()).toMatch(/通信途絶/);
    expect(await item.textContent()).toContain(RIVER.droneId);
    await expect
      .poll(async () => Number(/\d+/.exec((await browser.page.getByTestId('count-alerts').textContent())!)![0]))
      .toBeGreaterThan(0);

    await item.click();
    await expect.poll(() => browser.page.getByTestId('detail-drone-id').textContent()).toBe(RIVER.droneId);
    await expect
      .poll(() =>
        browser.page.evaluate(() => {
          const c = (window.__soramichi!.map as { getCenter(): { lng: number; lat: number } }).getCenter();
          return [c.lng, c.lat];
        }),
      )
      .toEqual([expect.closeTo(lostLink.lon!, 4), expect.closeTo(lostLink.lat!, 4)]);
    await screenshot(browser.page, 'monitoring-alert');

    world.fleet.drone(RIVER.sysid).linkCut = false;
    await until(
      'the river drone back',
      async () => (await shown()).find((d) => d.id === RIVER.droneId)?.state === 'live',
    );
    await item.waitFor({ state: 'detached' });
  });

  it('filters the flight list by state and by search', async () => {
    const list = browser.page.getByTestId('flights');
    await expect.poll(() => list.locator('li').count()).toBe(4);
    await browser.page.getByTestId('flight-search').fill('river');
    await expect.poll(() => list.locator('li').count()).toBe(1);
    await browser.page.getByTestId('flight-search').fill('');
    await browser.page.getByTestId('flight-state-filter').selectOption('Accepted');
    await expect.poll(() => list.locator('li').count()).toBe(0);
    await browser.page.getByTestId('flight-state-filter').selectOption('');
    await list.locator(`[data-plan-id="${plans.get('JUKAGAFARM01')!.id}"]`).click();
    await expect
      .poll(() => browser.page.getByTestId('detail-plan-id').textContent())
      .toBe(plans.get('JUKAGAFARM01')!.id);
  });

  it('switches between Japanese and English', async () => {
    const counter = browser.page.getByTestId('count-drones');
    expect(await counter.textContent()).toContain('ドローン');
    await browser.page.getByTestId('lang').click();
    await expect.poll(() => counter.textContent()).toContain('drones');
    expect(await browser.page.getByTestId('lang').textContent()).toBe('日本語');
    await browser.page.getByTestId('lang').click();
    await expect.poll(() => counter.textContent()).toContain('ドローン');
  });

  it('lays how much of the sky is reserved over the map as heat, per coarse cell', async () => {
    await browser.page.getByTestId('capacity-toggle').check();
    await expect.poll(async () => (await layers())['capacity'] ?? 0).toBeGreaterThan(0);
    await screenshot(browser.page, 'monitoring-capacity');
    await browser.page.getByTestId('capacity-toggle').uncheck();
    await expect.poll(async () => (await layers())['capacity']).toBeUndefined();
  });

  it('replays the last hour from the stored tracks, then returns to live', async () => {
    await browser.page.getByTestId('replay-1h').click();
    await expect.poll(() => browser.page.getByTestId('live-status').getAttribute('data-status')).toBe('replay');
    await browser.page.getByTestId('replay-time').evaluate(
      (el: HTMLInputElement, at) => {
        el.value = at;
        el.dispatchEvent(new Event('input', { bubbles: true }));
      },
      String(Date.now() - 5_000),
    );
    await nextFrames(browser.page);
    await expect.poll(async () => (await shown()).length).toBeGreaterThan(0);
    await browser.page.getByTestId('replay-live').click();
    await expect.poll(() => browser.page.getByTestId('live-status').getAttribute('data-status')).toBe('live');
    expect(browser.errors).toEqual([]);
  });

  it('shows a citizen without a token the drones live, but not the stored tracks to replay', async () => {
    const citizen = await openBrowser();
    try {
      await openPage(citizen.page, world.server.url);
      await until('the drones on the public map', async () => {
        const ids = (await citizen.page.evaluate(() => window.__soramichi!.drones())) as Shown[];
        return ids.length === IDS.length;
      });
      await expect.poll(() => citizen.page.getByTestId('replay').isHidden()).toBe(true);
      expect(await browser.page.getByTestId('replay').isVisible()).toBe(true);
      expect(citizen.errors).toEqual([]);
    } finally {
      await citizen.close();
    }
  });
});

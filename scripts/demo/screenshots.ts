import path from 'node:path';
import type { Logger } from 'pino';
import type { FlightPlan } from '../../server/protocol/index.ts';
import { launchChromium } from './chromium.ts';
import type { Scenario } from './kaga.ts';
import { clickMapAt, jumpTo, nextFrames, openPage } from './page.ts';

type Shown = { id: string; heightM: number; lon: number; lat: number };

/** A moment as the operator page's departure field takes it (local time in Asia/Tokyo, whole minutes). */
function tokyoMinute(ms: number): string {
  return new Date(Math.ceil(ms / 60_000) * 60_000 + 9 * 3_600_000).toISOString().slice(0, 16);
}

/**
 * The README's pictures: the monitoring screen once every drone is in the air (the medicine
 * delivery selected), and the operator page refusing a return trip that would meet the delivery
 * head-on, with the server's alternatives.
 */
export async function takeScreenshots(
  url: string,
  tokens: { monitor: string; operator: string },
  dir: string,
  scenarios: readonly Scenario[],
  log: Logger,
): Promise<string[]> {
  const browser = await launchChromium({ width: 1400, height: 860 });
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await openPage(page, `${url}/#token=${tokens.monitor}`);
    const ids = scenarios.map((s) => s.droneId);
    log.info('waiting for every drone to be airborne');
    const deadline = Date.now() + 180_000;
    for (;;) {
      const shown = (await page.evaluate(() => window.__soramichi!.drones())) as Shown[];
      if (ids.every((id) => (shown.find((d) => d.id === id)?.heightM ?? 0) > 30)) break;
      if (Date.now() > deadline) throw new Error('the drones did not all take off within three minutes');
      await page.waitForTimeout(1000);
    }
    // Long enough for a trail to show behind each drone.
    await page.waitForTimeout(20_000);
    // Every route in view, clear of the panels (flight list on the left, the drone's detail on the right).
    const points = scenarios.flatMap((s) => s.waypoints);
    const lons = points.map((p) => p.lon);
    const lats = points.map((p) => p.lat);
    const bounds = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
    await page.evaluate((b) => {
      const map = window.__soramichi!.map as { fitBounds(b: number[], o: object): void };
      map.fitBounds(b, { padding: { left: 340, right: 430, top: 40, bottom: 110 }, pitch: 45, duration: 0 });
    }, bounds);
    await nextFrames(page);
    const delivery = scenarios[0]!;
    const med = ((await page.evaluate(() => window.__soramichi!.drones())) as Shown[]).find(
      (d) => d.id === delivery.droneId,
    )!;
    await clickMapAt(page, med.lon, med.lat, med.heightM);
    await page.getByTestId('detail-plan-id').waitFor();
    await page.waitForTimeout(3000);
    const monitoring = path.join(dir, 'screenshot-monitoring.png');
    await page.screenshot({ path: monitoring });

    const plans = (await (
      await fetch(`${url}/api/v1/flight-plans?state=Activated`, {
        headers: { authorization: `Bearer ${tokens.operator}` },
      })
    ).json()) as FlightPlan[];
    const outbound = plans.find((p) => p.droneId === delivery.droneId)!;
    const there = delivery.waypoints.at(-1)!;
    const back = delivery.waypoints[0]!;
    await openPage(page, `${url}/plan#token=${tokens.operator}`);
    await jumpTo(page, {
      center: [(there.lon + back.lon) / 2 - 0.004, (there.lat + back.lat) / 2],
      zoom: 14,
      pitch: 40,
    });
    await clickMapAt(page, there.lon, there.lat);
    await clickMapAt(page, back.lon, back.lat);
    await page.getByTestId('drone-id').fill('JUKAGAMED002');
    await page.getByTestId('purpose').fill('医薬品配送 (帰路) return trip');
    await page.getByTestId('altitude').fill(String(delivery.altitudeAglM));
    await page.getByTestId('speed').fill(String(delivery.speedMps));
    await page.getByTestId('departure').fill(tokyoMinute(Date.parse(outbound.departure!)));
    await page.getByTestId('submit').click();
    await page.locator('[data-testid="decision"][data-state]').waitFor();
    await nextFrames(page);
    await page.waitForTimeout(2000);
    const operator = path.join(dir, 'screenshot-plan.png');
    await page.screenshot({ path: operator });
    return [monitoring, operator];
  } finally {
    await browser.close();
  }
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KAGA, inHours, routePlan } from '../support/plans.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { nextFrames, openBrowser, openPage, type Browser } from './support/browser.ts';

/** A 1×1 PNG: enough for MapLibre to draw a raster tile. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** What a page asked for from anywhere but `origin` (inline data and blobs never leave the page). */
function foreign(requests: string[], origin: string): string[] {
  const own = new URL(origin).host;
  return requests.filter((url) => {
    const u = new URL(url);
    if (u.protocol === 'data:' || u.protocol === 'blob:') return false;
    return u.host !== own;
  });
}

describe('the map without a tile URL asks nothing of any host but its own server', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer('pglite');
    const plan = await server.api(
      'POST',
      '/api/v1/flight-plans',
      routePlan([KAGA.medicalCenter, KAGA.station], { departure: inHours(0.2), droneId: 'JUOFFLINE001' }),
    );
    expect(plan.status).toBe(201);
    browser = await openBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('on the monitoring screen and on the operator page', async () => {
    for (const page of ['/', '/plan']) {
      await openPage(browser.page, `${server.url}${page}`);
      await expect.poll(() => browser.page.evaluate(() => window.__soramichi!.status)).toBe('live');
      await nextFrames(browser.page);
    }
    expect(browser.requests.length).toBeGreaterThan(5);
    expect(browser.requests.some((u) => u.startsWith('ws://'))).toBe(true);
    expect(foreign(browser.requests, server.url)).toEqual([]);
    expect(browser.errors).toEqual([]);
    // The pages live within the server's content security policy: nothing of theirs is refused.
    expect(browser.consoleErrors.filter((m) => /content security policy/i.test(m))).toEqual([]);
  });
});

describe('with a tile URL configured, the map draws those tiles and credits them', () => {
  let server: TestServer;
  let tiles: http.Server;
  let tilesUrl: string;
  let browser: Browser;
  const tileRequests: string[] = [];

  beforeAll(async () => {
    tiles = http.createServer((req, res) => {
      tileRequests.push(req.url!);
      res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' });
      res.end(PNG);
    });
    await new Promise<void>((resolve) => tiles.listen(0, '127.0.0.1', resolve));
    // Another port is another origin: the page must fetch from it only because it was told to.
    tilesUrl = `http://localhost:${(tiles.address() as AddressInfo).port}`;
    server = await startTestServer('pglite', {
      TILE_URL: `${tilesUrl}/xyz/std/{z}/{x}/{y}.png`,
      TILE_ATTRIBUTION: '地理院タイル',
    });
    browser = await openBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await new Promise((resolve) => tiles?.close(resolve));
  });

  it('fetches tiles from the configured URL and shows its attribution', async () => {
    await openPage(browser.page, `${server.url}/`);
    await expect.poll(() => tileRequests.length).toBeGreaterThan(0);
    expect(tileRequests[0]).toMatch(/^\/xyz\/std\/\d+\/\d+\/\d+\.png$/);
    expect(await browser.page.locator('.maplibregl-ctrl-attrib').textContent()).toContain('地理院タイル');
    expect(foreign(browser.requests, server.url).every((u) => u.startsWith(tilesUrl))).toBe(true);
    expect(browser.consoleErrors.filter((m) => /content security policy/i.test(m))).toEqual([]);
  });
});

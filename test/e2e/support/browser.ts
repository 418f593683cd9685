import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../artifacts');

export interface Browser {
  page: Page;
  /** Every URL the page asked for: documents, scripts, fetches, workers, websockets. */
  requests: string[];
  /** Uncaught errors in the page. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Debian's Chromium, headless, on a fresh profile. WebGL comes from SwiftShader: nothing here
 * may switch the software rasteriser or the GPU process off.
 */
export async function openBrowser(): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'soramichi-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1280, height: 800 },
    timezoneId: 'Asia/Tokyo',
    locale: 'ja-JP',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const requests: string[] = [];
  const errors: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (ws) => requests.push(ws.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  return {
    page,
    requests,
    errors,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens a page of the UI and waits until it has drawn its map and connected. */
export async function openPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => window.__soramichi?.ready === true, null, { timeout: 60_000 });
}

/** Writes a screenshot under test/artifacts/ (kept by CI, ignored by git). */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Clicks the map where a point at a height above the ground is drawn. */
export async function clickMapAt(page: Page, lon: number, lat: number, heightM = 0): Promise<void> {
  const [x, y] = await page.evaluate(
    ([lo, la, h]) => window.__soramichi!.screenPosition(lo!, la!, h!),
    [lon, lat, heightM],
  );
  const box = (await page.locator('#map').boundingBox())!;
  await page.mouse.click(box.x + x, box.y + y);
}

/** Moves the camera at once and lets the map draw the new view. */
export async function jumpTo(
  page: Page,
  view: { center: [number, number]; zoom: number; pitch?: number },
): Promise<void> {
  await page.evaluate((v) => {
    const map = window.__soramichi!.map as { jumpTo(o: object): void };
    map.jumpTo({ bearing: 0, pitch: 45, ...v });
  }, view);
  await nextFrames(page);
}

/** Back to the view the page opened on (the whole city). */
export async function home(page: Page): Promise<void> {
  await page.evaluate(() => window.__soramichi!.home());
  await nextFrames(page);
}

/** Resolves after the page has drawn twice more (the map draws on the frame after a change). */
export async function nextFrames(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
}

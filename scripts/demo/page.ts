import type { Page } from 'playwright-core';

/** Driving the UI's pages through their test hooks (window.__soramichi) and real mouse clicks. */

/** Opens a page of the UI and waits until it has drawn its map and connected. */
export async function openPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => window.__soramichi?.ready === true);
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
  view: { center: [number, number]; zoom: number; pitch?: number; bearing?: number },
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

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../../scripts/demo/chromium.ts';

export { clickMapAt, home, jumpTo, nextFrames, openPage } from '../../../scripts/demo/page.ts';
const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../artifacts');

export interface Browser {
  page: Page;
  /** Every URL the page asked for: documents, scripts, fetches, workers, websockets. */
  requests: string[];
  /** Uncaught errors in the page. */
  errors: string[];
  /** What the page's console reported as errors (a content security policy violation lands here). */
  consoleErrors: string[];
  close(): Promise<void>;
}

/** A fresh headless Chromium with one page, recording what the page asks for and what goes wrong in it. */
export async function openBrowser(): Promise<Browser> {
  const { context, close } = await launchChromium({ width: 1280, height: 800 });
  // No deadline of Playwright's own on waits and clicks: the test runner's limit guards against a hang.
  context.setDefaultTimeout(0);
  const page = context.pages()[0] ?? (await context.newPage());
  const requests: string[] = [];
  const errors: string[] = [];
  const consoleErrors: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('websocket', (ws) => requests.push(ws.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  return {
    page,
    requests,
    errors,
    consoleErrors,
    close,
  };
}

/** Writes a screenshot under test/artifacts/ (kept by CI, ignored by git). */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

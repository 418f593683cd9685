import fs from 'node:fs';
import { ensureUiBuilt } from '../../scripts/build-ui.ts';
import { CHROMIUM } from './support/browser.ts';

/** The browser tests need Debian's Chromium and the built pages (built here when the sources changed). */
export default async function setup(): Promise<void> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`the end-to-end tests drive ${CHROMIUM}: apt-get install -y chromium (.ci/run does it)`);
  }
  await ensureUiBuilt();
}

import { ensureUiBuilt } from '../../scripts/build-ui.ts';
import { findChromium } from '../../scripts/demo/chromium.ts';

/**
 * The browser tests need a Chromium (Debian's, `CHROMIUM_PATH`, or the one `@sparticuz/chromium`
 * carries, unpacked here once so that no test pays for it) and the built pages (built here when
 * the sources changed).
 */
export default async function setup(): Promise<void> {
  await findChromium();
  await ensureUiBuilt();
}

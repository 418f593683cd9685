import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.ts';
import type { Authenticator } from './authenticator.ts';
import { system } from './principal.ts';
import type { TokenIssuer } from './issuer.ts';

const ONE_YEAR_S = 365 * 86_400;

/**
 * The embedded server's administrator on a laptop: without ADMIN_TOKEN, an admin token is issued
 * on first start, printed once and kept under DATA_DIR/secrets (owner-readable only). A kept
 * token that no longer verifies (expired, revoked, another JWT_SECRET) is replaced and printed.
 */
export async function ensureAdminToken(deps: {
  dataDir: string;
  issuer: TokenIssuer;
  authenticator: Authenticator;
  log: Logger;
  url: () => string;
}): Promise<void> {
  const inMemory = deps.dataDir.startsWith('memory://');
  const file = path.join(deps.dataDir, 'secrets', 'admin-token');
  if (!inMemory) {
    const kept = await fs.readFile(file, 'utf8').then(
      (s) => s.trim(),
      () => null,
    );
    if (kept) {
      const valid = await deps.authenticator.fromToken(kept).then(
        () => true,
        () => false,
      );
      if (valid) {
        deps.log.info({ file }, 'administrator token kept in this file');
        return;
      }
      deps.log.warn({ file }, 'the kept administrator token no longer verifies; issuing a new one');
    }
  }
  const issued = await deps.issuer.issue(
    { subject: 'admin', role: 'admin', ttlSeconds: ONE_YEAR_S },
    system('startup'),
  );
  if (!inMemory) {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await fs.writeFile(file, issued.token, { mode: 0o600 });
  }
  // Printed, not logged: it is a credential, and log pipelines keep lines for years.
  process.stdout.write(
    `\nAdministrator token (valid until ${issued.expiresAt}${inMemory ? '' : `, kept in ${file}`}):\n  ${issued.token}\n` +
      `Open ${deps.url()}/#token=${issued.token} to sign the pages in with it; npm run token issues others.\n\n`,
  );
}

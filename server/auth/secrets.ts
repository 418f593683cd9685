import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * A value no one should trust as a secret: short, of few distinct characters, or one of the
 * placeholders configuration examples carry ("change-me", "example", "secret"…).
 */
function weakSecret(s: string): boolean {
  return s.length < 32 || new Set(s).size < 10 || /change.?me|example|secret|password|default|soramichi|test/i.test(s);
}

export class SecretError extends Error {}

export interface Secrets {
  /** Signs and verifies the tokens this server issues. */
  jwtSecret: Uint8Array;
  /** Encrypts personal data at rest (AES-256-GCM). */
  dataKey: Buffer;
}

/**
 * The server's secrets: from the environment (JWT_SECRET, DATA_KEY) or, on a laptop, generated on
 * first start and kept under DATA_DIR so they survive restarts (and are shared by instances that
 * share the directory). In production a missing or well-known secret stops the start.
 */
export async function loadSecrets(options: {
  jwtSecret: string | undefined;
  dataKey: string | undefined;
  adminToken: string | undefined;
  dataDir: string;
  production: boolean;
}): Promise<Secrets> {
  if (options.production) {
    const admin = options.adminToken;
    if (admin !== undefined && weakSecret(admin)) {
      throw new SecretError(
        'NODE_ENV=production refuses a weak ADMIN_TOKEN: at least 32 random characters, not a placeholder',
      );
    }
    if (!options.jwtSecret || weakSecret(options.jwtSecret)) {
      throw new SecretError('NODE_ENV=production needs JWT_SECRET: at least 32 random characters, not a placeholder');
    }
    if (!options.dataKey) throw new SecretError('NODE_ENV=production needs DATA_KEY: 32 bytes, base64');
  }
  const jwtSecret = options.jwtSecret
    ? Buffer.from(options.jwtSecret, 'utf8')
    : await kept(options.dataDir, 'jwt-secret', () => randomBytes(48));
  const dataKey = options.dataKey
    ? Buffer.from(options.dataKey, 'base64')
    : await kept(options.dataDir, 'data-key', () => randomBytes(32));
  if (jwtSecret.length < 32) throw new SecretError('JWT_SECRET must be at least 32 characters');
  if (dataKey.length !== 32) throw new SecretError('DATA_KEY must be 32 bytes, base64-encoded');
  return { jwtSecret, dataKey };
}

/** A secret kept in DATA_DIR/secrets/<name> (created once, owner-readable only); in memory for memory://. */
async function kept(dataDir: string, name: string, make: () => Buffer): Promise<Buffer> {
  if (dataDir.startsWith('memory://')) return make();
  const dir = path.join(dataDir, 'secrets');
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, name);
  try {
    await fs.writeFile(file, make().toString('base64'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'base64');
}

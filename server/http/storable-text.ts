import type { RequestHandler } from 'express';
import { BadRequest } from '../errors.ts';
import { UNSTORABLE } from '../protocol/unstorable.ts';

function firstUnstorable(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : null;
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  for (const [k, v] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k;
    if (UNSTORABLE.test(k)) return at;
    const found = firstUnstorable(v, at, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * Refuses, before any route sees it, a request whose path, query or body carries text that
 * cannot be stored: the answer names where, and no query ever reaches the database with it.
 */
export const refuseUnstorableText: RequestHandler = (req, _res, next) => {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    return next(BadRequest.field('path', 'malformed percent-encoding'));
  }
  const where = UNSTORABLE.test(path) ? 'path' : (firstUnstorable(req.query, 'query') ?? firstUnstorable(req.body, ''));
  if (where !== null) {
    return next(
      BadRequest.field(where || 'body', 'contains a NUL character or an unpaired surrogate, which cannot be stored'),
    );
  }
  next();
};

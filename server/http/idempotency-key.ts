import type { Request } from 'express';
import { BadRequest } from '../errors.ts';

/** 1–255 visible ASCII characters; openapi.json documents the header with this pattern. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The request's Idempotency-Key header, checked; null without one. */
export function idempotencyKey(req: Request): string | null {
  const key = req.get('idempotency-key');
  if (key === undefined) return null;
  if (!IDEMPOTENCY_KEY.test(key)) throw BadRequest.field('headers.idempotency-key', '1–255 visible ASCII characters');
  return key;
}

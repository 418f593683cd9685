import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { ErrorBody } from '../protocol/index.ts';
import { principalOf } from './auth.ts';

/**
 * Requests per minute and token (the public's per address), answered 429 with Retry-After
 * beyond it. Counted by each instance on its own: behind a load balancer of n instances a token
 * gets up to n times the limit, which bounds the harm of one token without a shared counter.
 */
export function perTokenRateLimit(perMinute: number): RequestHandler {
  if (perMinute <= 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const p = principalOf(req);
      return p.role === 'public' ? `ip:${ipKeyGenerator(req.ip ?? 'unknown')}` : `token:${p.tokenId ?? p.subject}`;
    },
    handler: (req, res, _next, options) => {
      const p = principalOf(req);
      const body: ErrorBody = {
        error: 'too_many_requests',
        message: `more than ${options.limit} requests a minute from ${p.role === 'public' ? 'this address' : `"${p.subject}"`}; retry after the Retry-After header's seconds`,
      };
      res.status(429).json(body);
    },
  });
}

import type { Request, RequestHandler } from 'express';
import { InvalidToken, type Authenticator } from '../auth/authenticator.ts';
import { PUBLIC, type Principal } from '../auth/principal.ts';
import { Unauthorized } from '../errors.ts';

const principals = new WeakMap<Request, Principal>();

/** Whether `authenticate` has resolved this request's token. */
export function isAuthenticated(req: Request): boolean {
  return principals.has(req);
}

/** Who sent this request (the public until `authenticate` has run). */
export function principalOf(req: Request): Principal {
  return principals.get(req) ?? PUBLIC;
}

/**
 * Resolves the bearer token of every request once. A request without one is the public's; a
 * request with a token that does not verify is refused (401) rather than treated as the public,
 * so a client never mistakes an expired token for a quiet sky.
 */
export function authenticate(authenticator: Authenticator): RequestHandler {
  return (req, _res, next) => {
    authenticator.fromHeader(req.get('authorization')).then(
      (p) => {
        principals.set(req, p);
        next();
      },
      (err: unknown) => next(err instanceof InvalidToken ? new Unauthorized(err.message) : err),
    );
  };
}

import type { Request, RequestHandler } from 'express';
import { InvalidToken, type Authenticator } from '../auth/authenticator.ts';
import type { AuthFailures } from '../auth/failures.ts';
import { PUBLIC, type Principal } from '../auth/principal.ts';
import { TooManyRequests, Unauthorized } from '../errors.ts';

const principals = new WeakMap<Request, Principal>();
const unauthenticated = new WeakSet<Request>();

/** Whether the request's token failed (or was not tried, its address being over the limit): audited per address, not per request. */
export function authenticationFailed(req: Request): boolean {
  return unauthenticated.has(req);
}

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
export function authenticate(authenticator: Authenticator, failures: AuthFailures): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization');
    const address = req.ip ?? 'unknown';
    const what = `${req.method} ${req.path}`;
    const wait = header ? failures.blocked(address, what) : null;
    if (wait !== null) {
      unauthenticated.add(req);
      return next(
        new TooManyRequests(
          `more than ${failures.limitPerMinute} failed authentications a minute from this address; retry after ${wait} s`,
          wait,
        ),
      );
    }
    authenticator.fromHeader(header).then(
      (p) => {
        principals.set(req, p);
        next();
      },
      (err: unknown) => {
        if (!(err instanceof InvalidToken)) return next(err);
        failures.failed(address, what);
        unauthenticated.add(req);
        next(new Unauthorized(err.message));
      },
    );
  };
}

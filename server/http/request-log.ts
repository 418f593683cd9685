import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../log.ts';

const loggers = new WeakMap<Request, Logger>();
/** A caller's own request id is kept when it is short and plain; otherwise the server names it. */
const CALLER_ID = /^[\w.:-]{1,64}$/;

/**
 * Gives every request an id (the caller's X-Request-Id when usable), answers with it, and a
 * logger that carries it: what a request caused can be found in the logs by the id its client saw.
 */
export function requestIds(log: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    const id = given && CALLER_ID.test(given) ? given : randomUUID();
    res.set('x-request-id', id);
    loggers.set(req, log.child({ requestId: id }));
    next();
  };
}

/** The request's logger (the given one before `requestIds` has run). */
export function requestLog(req: Request, fallback: Logger): Logger {
  return loggers.get(req) ?? fallback;
}

import type { ErrorRequestHandler, RequestHandler } from 'express';
import {
  BadRequest,
  Forbidden,
  NotFound,
  StateConflict,
  TooManyRequests,
  Unauthorized,
  Unavailable,
  Unprocessable,
} from '../errors.ts';
import type { Logger } from '../log.ts';
import { requestLog } from './request-log.ts';
import type { ErrorBody } from '../protocol/index.ts';
import { noteAudit } from './audit.ts';

/** Turns refusals into their status and body; logs faults with their context and answers 500. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const send = (status: number, body: ErrorBody) => {
      noteAudit(res, { refusal: body.message });
      return res.status(status).json(body);
    };
    if (err instanceof BadRequest) return send(400, { error: 'bad_request', message: err.message, issues: err.issues });
    if (err instanceof Unauthorized) {
      res.set('www-authenticate', 'Bearer realm="soramichi"');
      return send(401, { error: 'unauthorized', message: err.message });
    }
    if (err instanceof NotFound) return send(404, { error: 'not_found', message: err.message });
    if (err instanceof Forbidden) return send(403, { error: err.kind, message: err.message, ...issuesOf(err) });
    if (err instanceof StateConflict) return send(409, { error: 'conflict', message: err.message, ...issuesOf(err) });
    if (err instanceof Unprocessable) return send(422, { error: 'unprocessable', message: err.message });
    if (err instanceof TooManyRequests) {
      res.set('retry-after', String(err.retryAfterS));
      return send(429, { error: 'too_many_requests', message: err.message });
    }
    if (err instanceof Unavailable) {
      requestLog(req, log).warn({ err: err.message, method: req.method, url: req.originalUrl }, 'answered unavailable');
      return send(503, { error: 'unavailable', message: err.message });
    }
    const e = err as { type?: string; status?: number; message?: string; expose?: boolean };
    // body-parser's own refusals: broken JSON, too large, wrong charset.
    if (e.type === 'entity.parse.failed') {
      return send(400, {
        error: 'bad_request',
        message: `body is not valid JSON: ${e.message}`,
        issues: [{ path: 'body', message: 'not valid JSON' }],
      });
    }
    // Express's and body-parser's own refusals (an undecodable path parameter, a body too large).
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return send(e.status, { error: e.type ?? 'bad_request', message: e.message ?? 'bad request' });
    }
    requestLog(req, log).error({ err: faultSummary(err), method: req.method, url: req.originalUrl }, 'request failed');
    return send(500, { error: 'internal', message: 'internal error; it has been logged' });
  };
}

/** A refusal names its fields when it is about some. */
const issuesOf = (err: Forbidden | StateConflict) => (err.issues.length ? { issues: err.issues } : {});

export const notFound: RequestHandler = (req, res) => {
  const body: ErrorBody = { error: 'not_found', message: `no route ${req.method} ${req.path}` };
  res.status(404).json(body);
};

/** What a fault log needs: driver errors carry the whole query and its parameters, which can be megabytes. */
function faultSummary(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const e = err as Error & { code?: string; detail?: string; table?: string; constraint?: string };
  return {
    message: e.message,
    code: e.code,
    detail: e.detail,
    table: e.table,
    constraint: e.constraint,
    stack: e.stack,
  };
}

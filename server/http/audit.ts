import type { Request, RequestHandler, Response } from 'express';
import type { AuditTrail } from '../audit/trail.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import { PUBLIC, type Principal } from '../auth/principal.ts';
import type { ErrorBody } from '../protocol/index.ts';
import { authenticationFailed, isAuthenticated, principalOf } from './auth.ts';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The APIs that change the sky or what it shows: soramichi's own, InterUSS flight_planning/v1, Remote ID test injection, F3548 peers' notifications. */
const AUDITED = ['/api/', '/flight_planning/', '/ridsp/', '/uss/'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Collections whose members are named by something other than a UUID: a drone id, an operator. */
const NAMED = new Set(['drones', 'caps']);

interface Note {
  target?: string | null;
  refusal?: string;
  detail?: Record<string, unknown>;
}
const notes = new WeakMap<Response, Note>();

/** What a route or the error handler adds to the entry of this request: what it acted on, why it refused. */
export function noteAudit(res: Response, note: Note): void {
  notes.set(res, { ...notes.get(res), ...note });
}

/** The route's shape and the id it names: ids are targets, not actions. */
function describe(req: Request): { action: string; target: string | null } {
  const segments = req.originalUrl.split('?')[0]!.split('/');
  let target: string | null = null;
  const shape = segments.map((s, i) => {
    const decoded = safeDecode(s);
    if (UUID.test(decoded) || (NAMED.has(segments[i - 1]!) && decoded)) {
      target ??= decoded;
      return '{id}';
    }
    return s;
  });
  return { action: `${req.method} ${shape.join('/')}`.slice(0, 200), target };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A request the trail could not record is not answered as done: the client learns it is unrecorded. */
const UNRECORDED: ErrorBody = {
  error: 'audit_unavailable',
  message:
    'the audit trail could not record this request, so it is not confirmed; it may have taken effect: read before retrying',
};

/**
 * Who sent a request, for its entry: refused before its token was checked (a body too large,
 * broken JSON), the token is checked now so the entry still names its holder.
 */
async function actorOf(req: Request, authenticator: Pick<Authenticator, 'fromHeader'>): Promise<Principal> {
  if (isAuthenticated(req)) return principalOf(req);
  const header = req.get('authorization');
  if (!header) return principalOf(req);
  return authenticator.fromHeader(header).catch(() => UNVERIFIED);
}

const UNVERIFIED: Principal = { ...PUBLIC, subject: 'unverified token' };

/**
 * Every write request — plans, zones, commands, acknowledgements, tokens — appends who, what,
 * when, from where and the outcome to the audit trail, refusals included. The answer is held
 * until its entry is stored: a client never sees an outcome the trail does not hold, and an
 * entry that cannot be stored turns the answer into a 503.
 */
export function auditWrites(trail: AuditTrail, authenticator: Pick<Authenticator, 'fromHeader'>): RequestHandler {
  return (req, res, next) => {
    if (!WRITES.has(req.method) || !AUDITED.some((prefix) => req.originalUrl.startsWith(prefix))) return next();
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    let held = false;
    res.end = ((...args: unknown[]) => {
      if (held) return end(...args);
      held = true;
      // Counted per address and window instead (auth/failures.ts): guesses cannot flood the trail.
      if (authenticationFailed(req)) return end(...args);
      const note = notes.get(res) ?? {};
      const { action, target } = describe(req);
      const location = res.get('location');
      actorOf(req, authenticator)
        .then((who) =>
          trail.record({
            who,
            action,
            target: note.target ?? target ?? location?.split('/').pop() ?? null,
            outcome: `${res.statusCode}${note.refusal ? ` ${note.refusal.slice(0, 500)}` : ''}`,
            remote: req.ip ?? null,
            detail: note.detail ?? null,
          }),
        )
        .then(
          () => end(...args),
          // The trail has logged the entry it could not store.
          () => {
            if (res.headersSent) return end(...args);
            for (const h of ['location', 'content-length', 'etag', 'idempotent-replayed']) res.removeHeader(h);
            res.status(503).type('application/json');
            return end(JSON.stringify(UNRECORDED));
          },
        );
      return res;
    }) as Response['end'];
    next();
  };
}

import type { Request, RequestHandler, Response } from 'express';
import type { AuditTrail } from '../audit/trail.ts';
import { principalOf } from './auth.ts';

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

/**
 * Every write request — plans, zones, commands, acknowledgements, tokens — appends who, what,
 * when, from where and the outcome to the audit trail, refusals included. The answer is held
 * until its entry is stored: a client never sees an outcome the trail does not hold.
 */
export function auditWrites(trail: AuditTrail): RequestHandler {
  return (req, res, next) => {
    if (!WRITES.has(req.method) || !AUDITED.some((prefix) => req.originalUrl.startsWith(prefix))) return next();
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    let held = false;
    res.end = ((...args: unknown[]) => {
      if (held) return end(...args);
      held = true;
      const note = notes.get(res) ?? {};
      const { action, target } = describe(req);
      const location = res.get('location');
      trail
        .record({
          who: principalOf(req),
          action,
          target: note.target ?? target ?? location?.split('/').pop() ?? null,
          outcome: `${res.statusCode}${note.refusal ? ` ${note.refusal.slice(0, 500)}` : ''}`,
          remote: req.ip ?? null,
          detail: note.detail ?? null,
        })
        // A failure is logged by the trail with the whole entry; the client still gets its answer.
        .catch(() => undefined)
        .finally(() => end(...args));
      return res;
    }) as Response['end'];
    next();
  };
}

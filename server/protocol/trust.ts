import { z } from 'zod';
import { Timestamp } from './common.ts';
import { wire } from './registry.ts';
import { GATEWAY_ID, GATEWAY_ID_RULE } from './telemetry.ts';

/**
 * Who may do what (ISSUE 7): an administrator manages zones and tokens; an operator files and
 * runs its own plans; a gateway relays telemetry for the drones bound to it; a monitor watches
 * everything and acknowledges alerts; the public sees the sky without anyone's identity.
 */
export const Role = z.enum(['admin', 'operator', 'gateway', 'monitor', 'public']);

export const Subject = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\p{Cc}\p{Cs}\s]+$/u, 'letters, digits and punctuation, no spaces or control characters');

/** The drones a gateway may report and command: a list, or "*" for any. */
export const BoundDrones = z.union([z.literal('*'), z.array(z.string().min(1).max(64)).max(10_000)]);

/** `POST /api/v1/tokens` (administrator): a bearer token for a person, a gateway or a screen. */
export const TokenRequest = z
  .object({
    subject: Subject.describe('who the token identifies: an operator id, a gateway id, a person'),
    role: Role.exclude(['public']),
    drones: BoundDrones.optional().describe('gateways only: the drones it may report and command'),
    ttlSeconds: z
      .number()
      .int()
      .min(60)
      .max(366 * 86_400)
      .default(30 * 86_400)
      .describe('lifetime, 1 minute to a year; default 30 days'),
  })
  .superRefine((t, ctx) => {
    if (t.drones !== undefined && t.role !== 'gateway') {
      ctx.addIssue({ code: 'custom', path: ['drones'], message: 'only a gateway is bound to drones' });
    }
    if (t.role === 'gateway' && !GATEWAY_ID.test(t.subject)) {
      ctx.addIssue({ code: 'custom', path: ['subject'], message: `a gateway's id: ${GATEWAY_ID_RULE}` });
    }
  })
  .register(wire, { id: 'TokenRequest' });

/** `DELETE /api/v1/tokens/{id}` (administrator). */
export const TokenIdParam = z.object({ id: z.uuid({ error: 'must be a token id (UUID)' }) });

/** `GET /api/v1/tokens` (administrator). */
export const TokenListQuery = z.object({
  subject: z.string().max(200).optional().describe('one subject’s tokens'),
  expired: z
    .enum(['true', 'false'])
    .transform((s) => s === 'true')
    .default(false)
    .describe('true: expired ones too'),
});

export const TokenInfo = z
  .object({
    id: z.string().describe('the token’s jti: what revoking names'),
    subject: z.string(),
    role: Role,
    drones: BoundDrones.nullable(),
    issuedAt: Timestamp,
    expiresAt: Timestamp,
    issuedBy: z.string(),
    revokedAt: Timestamp.nullable(),
  })
  .register(wire, { id: 'TokenInfo', description: 'A token this server issued, without the token itself.' });

export const IssuedToken = TokenInfo.extend({
  token: z.string().describe('the bearer token; shown once, never stored'),
}).register(wire, { id: 'IssuedToken' });

/** `GET /api/v1/whoami`: what the server makes of the caller's token. */
export const WhoAmI = z
  .object({
    subject: z.string(),
    role: Role,
    drones: BoundDrones,
    tokenId: z.string().nullable(),
    expiresAt: Timestamp.nullable().describe('when the token stops being valid; null: it does not expire'),
  })
  .register(wire, { id: 'WhoAmI' });

/** What the server makes of a caller without a token. */
export const PUBLIC_WHOAMI: WhoAmI = { subject: 'public', role: 'public', drones: [], tokenId: null, expiresAt: null };

/** `GET /api/v1/audit` (administrator). */
export const AuditQuery = z.object({
  from: Timestamp.optional(),
  to: Timestamp.optional(),
  actor: z.string().max(200).optional().describe('one token subject'),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

export const AuditEntry = z
  .object({
    id: z.string(),
    at: Timestamp,
    actor: z.string().describe('the token’s subject, "public" without one, "system:…" for the server’s own acts'),
    role: z.string(),
    action: z.string().describe('e.g. "POST /api/v1/flight-plans", "command rtl"'),
    target: z.string().nullable().describe('the plan, zone, drone, alert or token acted on'),
    outcome: z.string().describe('the HTTP status with its reason, or a command’s result'),
    remote: z.string().nullable().describe('the client’s address'),
    detail: z.record(z.string(), z.unknown()).nullable(),
  })
  .register(wire, { id: 'AuditEntry', description: 'One write, as the append-only audit trail keeps it.' });

/** `GET /api/v1/transparency`: what the city collects, why, who sees it and for how long. */
export const Transparency = z
  .object({
    service: z.string(),
    controller: z.string().describe('who answers for the data'),
    data: z.array(
      z.object({
        what: z.string(),
        purpose: z.string(),
        recipients: z.array(z.string()),
        retention: z.string(),
        personal: z.boolean(),
        protection: z.string(),
      }),
    ),
    publicView: z.string().describe('what anyone can see without a token'),
    rights: z.string(),
  })
  .register(wire, { id: 'Transparency' });

export type Role = z.infer<typeof Role>;
export type TokenRequest = z.infer<typeof TokenRequest>;
export type TokenInfo = z.infer<typeof TokenInfo>;
export type IssuedToken = z.infer<typeof IssuedToken>;
export type WhoAmI = z.infer<typeof WhoAmI>;
export type AuditQuery = z.infer<typeof AuditQuery>;
export type AuditEntry = z.infer<typeof AuditEntry>;
export type Transparency = z.infer<typeof Transparency>;

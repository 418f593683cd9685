import type { Role } from '../protocol/trust.ts';

export type { Role };

/** Who is calling, as every layer sees it. */
export interface Principal {
  /** The token's subject: an operator id, a gateway id, a person; "public" without a token. */
  subject: string;
  role: Role;
  /** For gateways: the drones they may report and command ('*' for any). */
  drones: readonly string[] | '*';
  /** The token's id when this server issued it (what revoking names). */
  tokenId: string | null;
  /** OAuth scopes of a token from an outside authority (InterUSS); what each allows is in policy.ts. */
  scopes?: readonly string[];
  /** When the token stops being valid (epoch ms); null for tokens that do not expire. */
  expiresAt: number | null;
}

export const PUBLIC: Principal = { subject: 'public', role: 'public', drones: [], tokenId: null, expiresAt: null };

/** The server's own acts (safe actions, expiry, start-up imports), as the audit trail names them. */
export const system = (what: string): Principal => ({
  subject: `system:${what}`,
  role: 'admin',
  drones: '*',
  tokenId: null,
  expiresAt: null,
});

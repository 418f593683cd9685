import type { Request } from 'express';
import type { Actor } from '../flights/service.ts';

/**
 * Who is calling. Until token authentication lands, the configured ADMIN_TOKEN identifies the
 * administrator and every other caller acts as "anonymous".
 */
export function actorOf(req: Request, adminToken: string | undefined): Actor {
  const header = req.get('authorization') ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : null;
  return { subject: adminToken && token === adminToken ? 'admin' : 'anonymous' };
}

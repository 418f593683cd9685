import { SignJWT } from 'jose';
import type { Socket } from 'socket.io-client';
import type { Clock } from '../../../server/clock.ts';
import type { TelemetryAck, TelemetrySample } from '../../../server/protocol/index.ts';
import { SHARED_SECRETS } from '../../support/server.ts';

/**
 * A token as this server issues them (HS256 with JWT_SECRET, a role), with the OAuth `scope`
 * claim the standards' tools send. The test server must run with SHARED_SECRETS.
 */
export async function scopedToken(clock: Clock, role: string, subject: string, scope?: string): Promise<string> {
  const iat = Math.floor(clock.now() / 1000);
  return new SignJWT({ role, ...(scope !== undefined ? { scope } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuer('soramichi')
    .setAudience('soramichi')
    .setIssuedAt(iat)
    .setExpirationTime(iat + 3600)
    .sign(new TextEncoder().encode(SHARED_SECRETS.JWT_SECRET));
}

/** fetch with a bearer token (or none), JSON in and out. */
export async function call<T = unknown>(
  base: string,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; body: T; text: string }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, text };
}

export const sendSamples = (socket: Socket, samples: TelemetrySample[]) =>
  socket.emitWithAck('telemetry', { samples }) as Promise<TelemetryAck>;

/** A view of about 1.1 km × 0.9 km around Kaga's Medical Center, as `lat1,lng1,lat2,lng2`. */
export const KAGA_VIEW = '36.312,136.338,36.322,136.350';

import type { Socket } from 'socket.io';
import type { Authenticator } from '../auth/authenticator.ts';
import type { Principal } from '../auth/principal.ts';

export type SocketAuthenticator = Pick<Authenticator, 'fromHeader' | 'fromToken'>;

/**
 * The principal of a socket.io handshake: its Authorization header, or the `token` in its auth
 * payload (browsers cannot set headers on a websocket); the public without either. An invalid
 * token is an error the connection is refused with, never the public.
 */
export async function socketPrincipal(auth: SocketAuthenticator, socket: Socket): Promise<Principal | Error> {
  const payload: unknown = socket.handshake.auth?.token;
  try {
    if (typeof payload === 'string' && payload) return await auth.fromToken(payload);
    if (payload !== undefined && payload !== null && payload !== '')
      return new Error('unauthorized: auth.token must be a string');
    return await auth.fromHeader(socket.handshake.headers.authorization);
  } catch (err) {
    return new Error(`unauthorized: ${(err as Error).message}`);
  }
}

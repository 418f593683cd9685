import type { Socket } from 'socket.io';
import type { Authenticator } from '../auth/authenticator.ts';
import type { AuthFailures } from '../auth/failures.ts';
import type { Principal } from '../auth/principal.ts';

export type SocketAuthenticator = Pick<Authenticator, 'fromHeader' | 'fromToken'> & {
  /** Failed handshakes count against the address as failed requests do. */
  failures: Pick<AuthFailures, 'blocked' | 'failed' | 'limitPerMinute'>;
  /** The client's address (through the trusted proxies). */
  address: (socket: Socket) => string;
};

/**
 * The principal of a socket.io handshake: its Authorization header, or the `token` in its auth
 * payload (browsers cannot set headers on a websocket); the public without either. An invalid
 * token is an error the connection is refused with, never the public; an address past its limit
 * of failed authentications is refused without its token being tried.
 */
export async function socketPrincipal(auth: SocketAuthenticator, socket: Socket): Promise<Principal | Error> {
  const payload: unknown = socket.handshake.auth?.token;
  const header = socket.handshake.headers.authorization;
  const address = auth.address(socket);
  const what = `socket ${socket.nsp.name}`;
  const presented = (payload !== undefined && payload !== null && payload !== '') || Boolean(header);
  const wait = presented ? auth.failures.blocked(address, what) : null;
  if (wait !== null) {
    return new Error(
      `too many requests: more than ${auth.failures.limitPerMinute} failed authentications a minute from this address; retry after ${wait} s`,
    );
  }
  try {
    if (typeof payload === 'string' && payload) return await auth.fromToken(payload);
    if (presented && !header) throw new Error('auth.token must be a string');
    return await auth.fromHeader(header);
  } catch (err) {
    auth.failures.failed(address, what);
    return new Error(`unauthorized: ${(err as Error).message}`);
  }
}

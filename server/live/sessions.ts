import type { Namespace, Socket } from 'socket.io';
import type { Principal } from '../auth/principal.ts';
import type { Clock, Timer } from '../clock.ts';
import type { Logger } from '../log.ts';

export interface SessionDeps {
  /** Subscribes to revocations on every instance (each instance closes its own sockets). */
  onRevoked: (listener: (tokenId: string) => void) => () => void;
  clock: Clock;
  log: Logger;
}

/**
 * A socket lives no longer than the token it was opened with: revoked, it is closed at once on
 * whichever instance holds it; expired, it is closed when the token's time runs out. Without
 * this a token revoked after a leak would go on reporting telemetry, receiving commands or
 * watching identities for as long as its connection stayed up.
 */
export function endSessionsWithTheirTokens(namespaces: readonly Namespace[], deps: SessionDeps): () => void {
  const end = (socket: Socket, reason: string) => {
    deps.log.warn({ namespace: socket.nsp.name, subject: principal(socket)?.subject, reason }, 'socket closed');
    socket.emit('session-ended', { reason });
    socket.disconnect(true);
  };
  const stopListening = deps.onRevoked((tokenId) => {
    for (const nsp of namespaces) {
      for (const socket of nsp.sockets.values()) {
        if (principal(socket)?.tokenId === tokenId) end(socket, 'its token was revoked');
      }
    }
  });
  for (const nsp of namespaces) {
    nsp.on('connection', (socket) => {
      const expiresAt = principal(socket)?.expiresAt;
      if (expiresAt === null || expiresAt === undefined) return;
      const timer: Timer = deps.clock.setTimeout(
        () => end(socket, 'its token expired'),
        Math.max(0, expiresAt - deps.clock.now()),
      );
      socket.once('disconnect', () => deps.clock.clear(timer));
    });
  }
  return stopListening;
}

const principal = (socket: Socket) => socket.data.principal as Principal | undefined;

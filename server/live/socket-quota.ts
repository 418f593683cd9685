import type { Namespace, Socket } from 'socket.io';
import type { Principal } from '../auth/principal.ts';

/**
 * At most `perHolder` sockets at once per token subject (per address for the public, who has
 * none), counted over the namespaces it guards on this instance: one token cannot hold thousands
 * of connections, each costing memory and a share of every frame.
 */
export class SocketQuota {
  private readonly held = new Map<string, number>();

  constructor(
    readonly perHolder: number,
    private readonly address: (socket: Socket) => string,
  ) {}

  /**
   * Adds the quota to a namespace, after its own middleware has named the socket's principal
   * (socket.data.principal); a socket beyond it is refused with an error that says so.
   */
  guard(nsp: Namespace): void {
    nsp.use((socket, next) => {
      const who = socket.data.principal as Principal;
      const address = this.address(socket);
      const holder = who.role === 'public' ? `address ${address}` : `"${who.subject}"`;
      const key = who.role === 'public' ? `address:${address}` : `subject:${who.subject}`;
      const n = this.held.get(key) ?? 0;
      if (n >= this.perHolder) {
        return next(
          new Error(
            `too many sockets: ${holder} already holds ${this.perHolder} on this server (the limit per token); close one first`,
          ),
        );
      }
      this.held.set(key, n + 1);
      this.releaseOnClose(socket, key);
      next();
    });
  }

  /** Whichever comes first: the socket leaves, or its connection closes before it ever connected. */
  private releaseOnClose(socket: Socket, key: string): void {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const n = (this.held.get(key) ?? 1) - 1;
      if (n > 0) this.held.set(key, n);
      else this.held.delete(key);
    };
    socket.once('disconnect', release);
    socket.conn.once('close', release);
  }
}

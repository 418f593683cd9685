import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { Socket } from 'socket.io';

/**
 * A socket's client address as express reads a request's (`trust proxy`): behind the proxies
 * TRUST_PROXY names, the address they forwarded, so that per-address limits count clients and
 * not the proxy in front of them all.
 */
export function socketAddress(trustProxy: number | string | false): (socket: Socket) => string {
  const trust =
    typeof trustProxy === 'number'
      ? (_addr: string, hop: number) => hop < trustProxy
      : trustProxy === false
        ? () => false
        : proxyaddr.compile(trustProxy.split(',').map((s) => s.trim()));
  return (socket) => proxyaddr(socket.request as IncomingMessage, trust);
}

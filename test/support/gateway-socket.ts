import { io, type Socket } from 'socket.io-client';
import { ADMIN_TOKEN } from './server.ts';

/** A gateway's socket, as a real gateway connects (administrator's token: it may carry any drone). */
export function gatewaySocket(url: string, gatewayId: string): Promise<Socket> {
  const socket = io(`${url}/gateway`, {
    auth: { token: ADMIN_TOKEN, gatewayId },
    transports: ['websocket'],
    reconnection: false,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

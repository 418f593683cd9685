import { createHmac } from 'node:crypto';

/**
 * The F3411 flight id of a real drone: a keyed hash of its drone id, the same on every instance
 * that shares the key. A display provider's users see it; it must not be the drone's serial or
 * registration (those are details, for authorised providers only), and it must not reveal them.
 */
export function flightIdMaker(key: Uint8Array): (droneId: string) => string {
  return (droneId) =>
    `sm-${createHmac('sha256', key).update(`rid-flight:${droneId}`).digest('base64url').slice(0, 22)}`;
}

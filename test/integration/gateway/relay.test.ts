import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../../gateway/gateway.ts';
import { MavlinkFramer, type Frame } from '../../../gateway/mavlink/framer.ts';
import { capture } from '../../unit/gateway/captures.ts';
import { gatewayFor, udpListener, until } from './support.ts';

/** A UDP socket of the test's own, standing for a drone or a ground control station. */
async function endpoint() {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const frames: Frame[] = [];
  const datagrams: Array<{ bytes: Buffer; port: number }> = [];
  const framer = new MavlinkFramer();
  socket.on('message', (msg, rinfo) => {
    datagrams.push({ bytes: msg, port: rinfo.port });
    framer.push(msg, (f) => frames.push({ ...f, bytes: Buffer.from(f.bytes) }));
    framer.flush((f) => frames.push({ ...f, bytes: Buffer.from(f.bytes) }));
  });
  const send = (bytes: Buffer, port: number) =>
    new Promise<void>((resolve) => socket.send(bytes, port, '127.0.0.1', () => resolve()));
  return { socket, frames, datagrams, send, port: socket.address().port };
}

describe('the gateway as a MAVLink router between a UDP listener and a UDP client link', () => {
  let gateway: RunningGateway & { spoolDir: string };
  let drone: Awaited<ReturnType<typeof endpoint>>;
  let gcs: Awaited<ReturnType<typeof endpoint>>;

  beforeAll(async () => {
    drone = await endpoint();
    gcs = await endpoint();
    gateway = await gatewayFor(null, {
      links: [
        udpListener('drones'),
        { kind: 'udp-out', name: 'qgc', host: '127.0.0.1', port: gcs.port, signing: null, relay: true },
      ],
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    drone?.socket.close();
    gcs?.socket.close();
  });

  it('relays a real PX4 stream unchanged to the ground station, unknown message ids included', async () => {
    const frames: Frame[] = [];
    new MavlinkFramer().push(capture('raw-v2-3412-packets.bin'), (f) =>
      frames.push({ ...f, bytes: Buffer.from(f.bytes) }),
    );
    const relayed = () => gcs.frames.filter((f) => !(f.sysid === 255 && f.compid === 190));
    // In bursts a socket's receive buffer can hold, as a radio's rate would allow: UDP drops the rest.
    for (let i = 0; i < frames.length; i += 100) {
      for (const f of frames.slice(i, i + 100)) await drone.send(f.bytes, gateway.udpPorts.drones!);
      await until('the burst relayed', () => relayed().length >= Math.min(i + 100, frames.length));
    }
    expect(relayed().map((f) => f.bytes.toString('hex'))).toEqual(frames.map((f) => f.bytes.toString('hex')));
    expect(relayed().filter((f) => !f.known).length).toBe(14);
    const stats = gateway.stats().links.find((l) => l.link === 'drones')!;
    expect(stats).toMatchObject({ frames: 3412, unknownIds: 14, crcErrors: 0, drops: 0 });
  });

  it('carries the ground station’s frames back to the drone, and beats as a GCS on both links', async () => {
    const gatewaySocketPort = gcs.datagrams[0]!.port;
    const fromGcs = capture('raw-v1v2-mixed-gh5.bin').subarray(5, 5 + 200);
    const expected: Frame[] = [];
    new MavlinkFramer().push(fromGcs, (f) => expected.push({ ...f, bytes: Buffer.from(f.bytes) }));
    for (const f of expected) await gcs.send(f.bytes, gatewaySocketPort);
    const relayed = () => drone.frames.filter((f) => !(f.sysid === 255 && f.compid === 190));
    await until('the frames at the drone', () => relayed().length === expected.length);
    expect(relayed().map((f) => f.bytes.toString('hex'))).toEqual(expected.map((f) => f.bytes.toString('hex')));
    await until('GCS heartbeats on both links', () =>
      [drone, gcs].every((e) => e.frames.some((f) => f.sysid === 255 && f.compid === 190 && f.msgid === 0)),
    );
  });
});

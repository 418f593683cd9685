import type { Namespace } from 'socket.io';
import type { Clock, Timer } from '../../clock.ts';
import type { DroneState } from '../../protocol/index.ts';
import type { DroneEvents } from '../../telemetry/events.ts';
import type { RidSample } from './from-telemetry.ts';
import type { LiveTracks } from './live-tracks.ts';

/** How long this instance gathers its gateways' samples before telling the others: five messages a second. */
const SHARE_EVERY_MS = 200;

interface PeerEvents {
  samples: (samples: RidSample[]) => void;
}

const ridSample = (s: DroneState): RidSample => ({
  droneId: s.droneId,
  time: s.time,
  lat: s.lat,
  lon: s.lon,
  altW84: s.altW84,
  altRelative: s.altRelative,
  groundSpeedMps: s.groundSpeedMps,
  verticalSpeedMps: s.verticalSpeedMps,
  headingDeg: s.headingDeg,
  armed: s.armed,
  remoteId: s.remoteId,
});

/**
 * Instances behind one load balancer serve the same flights: each tells the others, through the
 * cluster adapter (server-side events on a namespace no client may join), the samples its own
 * gateways reported, and adds theirs to its own last minute. Returns the stop function.
 */
export function shareWithPeers(nsp: Namespace, live: LiveTracks, events: DroneEvents, clock: Clock): () => void {
  const peers = nsp as unknown as Namespace<Record<string, never>, Record<string, never>, PeerEvents>;
  peers.use((_socket, next) => next(new Error('this namespace is for server instances only')));
  let gathered: RidSample[] = [];
  let timer: Timer | null = null;
  const flush = () => {
    timer = null;
    const samples = gathered;
    gathered = [];
    peers.serverSideEmit('samples', samples);
  };
  const onState = (s: DroneState) => {
    gathered.push(ridSample(s));
    timer ??= clock.setTimeout(flush, SHARE_EVERY_MS);
  };
  events.on('state', onState);
  peers.on('samples', (samples) => {
    if (Array.isArray(samples)) for (const s of samples) live.add(s);
  });
  return () => {
    events.off('state', onState);
    clock.clear(timer);
  };
}

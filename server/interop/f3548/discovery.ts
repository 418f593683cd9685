import { bandRangeM } from '../../airspace/altitude.ts';
import type { CompiledPlan } from '../../airspace/plan.ts';
import { BadRequest, Unavailable } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { F3548Volume4D } from '../../protocol/index.ts';
import type { UssIdentity } from './our-intents.ts';
import type { PeerIntents } from './peer-intents.ts';
import type { UtmClient } from './utm-client.ts';

export interface DiscoveryDeps {
  client: UtmClient;
  peers: PeerIntents;
  identity: () => UssIdentity;
  bandHeightM: number;
  log: Logger;
}

/** One box over everything the plans would hold: what the DSS is asked about. */
export function areaOf(plans: readonly CompiledPlan[], bandHeightM: number): F3548Volume4D {
  let [minLon, minLat, maxLon, maxLat] = [Infinity, Infinity, -Infinity, -Infinity];
  let [bandLo, bandHi, t0, t1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const p of plans) {
    minLon = Math.min(minLon, p.bbox[0]);
    minLat = Math.min(minLat, p.bbox[1]);
    maxLon = Math.max(maxLon, p.bbox[2]);
    maxLat = Math.max(maxLat, p.bbox[3]);
    t0 = Math.min(t0, p.timeStart);
    t1 = Math.max(t1, p.timeEnd);
    for (const k of p.keys) {
      bandLo = Math.min(bandLo, k.bandLo);
      bandHi = Math.max(bandHi, k.bandHi);
    }
  }
  const { floorM, ceilingM } = bandRangeM(bandLo, bandHi, bandHeightM);
  const corner = (lat: number, lng: number) => ({ lat, lng });
  return {
    volume: {
      outline_polygon: {
        vertices: [corner(minLat, minLon), corner(minLat, maxLon), corner(maxLat, maxLon), corner(maxLat, minLon)],
      },
      altitude_lower: { value: floorM, reference: 'W84', units: 'M' },
      altitude_upper: { value: ceilingM, reference: 'W84', units: 'M' },
    },
    time_start: { value: new Date(t0).toISOString(), format: 'RFC3339' },
    time_end: { value: new Date(t1).toISOString(), format: 'RFC3339' },
  };
}

/**
 * Before a decision: the DSS is asked which operational intents lie where and when the plans
 * would fly, and each peer's intent not held here at its version is fetched from its USS and
 * held — so the arbiter then decides against them like against any plan. When the DSS or a peer
 * cannot say, nothing is decided (503): the sky there is not known.
 */
export class Discovery {
  constructor(private readonly deps: DiscoveryDeps) {}

  async learnAround(plans: readonly CompiledPlan[]): Promise<void> {
    const { client, peers, identity, log } = this.deps;
    if (plans.length === 0) return;
    const us = identity();
    const refs = await client.queryIntents(areaOf(plans, this.deps.bandHeightM)).catch((err: Error) => {
      throw new Unavailable(`the DSS could not say what other USSs hold there: ${err.message}`);
    });
    const theirs = refs.filter((r) => r.manager !== us.id && r.uss_base_url !== us.baseUrl);
    await Promise.all(
      theirs.map(async (ref) => {
        const held = await peers.held(ref.id);
        if (held && held.version >= ref.version) return;
        try {
          await peers.hold(await client.intentDetails(ref.uss_base_url, ref.id), 'operational_intent');
        } catch (err) {
          const why = (err as Error).message;
          if (err instanceof BadRequest)
            log.error({ intent: ref.id, manager: ref.manager, why }, 'a peer’s intent cannot be held');
          throw new Unavailable(`the intent ${ref.id} of ${ref.manager} could not be learnt: ${why}`);
        }
      }),
    );
  }
}

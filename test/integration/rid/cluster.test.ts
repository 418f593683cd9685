import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RidGetFlightDetailsResponse, RidGetFlightsResponse } from '../../../server/protocol/index.ts';
import { systemClock } from '../../../server/clock.ts';
import { POSTGRES_URL } from '../../support/databases.ts';
import { startTwoInstances, type TestServer } from '../../support/server.ts';
import { until } from '../gateway/support.ts';
import { gatewaySocket } from '../../support/gateway-socket.ts';
import { call, KAGA_VIEW, scopedToken, sendSamples } from './support.ts';

/** Behind one load balancer, a display provider sees the same flights whichever instance it polls. */
describe.skipIf(!POSTGRES_URL)('Remote ID flights on two instances', () => {
  let cluster: Awaited<ReturnType<typeof startTwoInstances>>;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    cluster = await startTwoInstances();
    ({ a, b } = cluster);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('serves through one instance the drone whose gateway reports to the other, under the same id', async () => {
    const token = await scopedToken(systemClock, 'operator', 'dp.example', 'rid.display_provider');
    const gateway = await gatewaySocket(a.url, 'gw-on-a');
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) {
      const ack = await sendSamples(gateway, [
        {
          seq: i,
          time: new Date(t0 + i * 200).toISOString(),
          droneId: 'JUCLUSTERRID01',
          lat: 36.317 + i * 1e-4,
          lon: 136.345,
          altW84: 97,
          altAmsl: 60,
          altRelative: 50,
          groundSpeedMps: 10,
          verticalSpeedMps: 0,
          headingDeg: 0,
          batteryPercent: 80,
          batteryVoltage: 15.8,
          mode: 'AUTO',
          armed: true,
          gpsFix: 3,
          remoteId: { uasId: 'JUCLUSTERRID01' },
        },
      ]);
      expect(ack.accepted).toBe(1);
    }
    gateway.close();
    const flights = (s: TestServer) =>
      call<RidGetFlightsResponse>(
        s.url,
        'GET',
        `/rid/v2/uss/flights?view=${KAGA_VIEW}&recent_positions_duration=60`,
        token,
      );
    const onB = await until('the flight on B, with its newest position', async () => {
      const f = (await flights(b)).body.flights[0];
      return f?.current_state?.position.lat === 36.317 + 2e-4 ? f : null;
    });
    const onA = (await flights(a)).body.flights[0]!;
    expect(onB).toEqual(onA);
    const details = await call<RidGetFlightDetailsResponse>(
      b.url,
      'GET',
      `/rid/v2/uss/flights/${onB.id}/details`,
      token,
    );
    expect(details.body.details.uas_id).toEqual({ registration_id: 'JUCLUSTERRID01' });
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_ALERT_POLICY, loadConfig } from '../../../server/config.ts';
import { outcomeOf } from '../../../server/telemetry/policy.ts';
import type { CommandOutcome } from '../../../server/protocol/index.ts';

describe('the alert policy', () => {
  it('brings a drone in a forbidden zone home and leaves the rest to the operator by default', () => {
    expect(loadConfig({}).conformance.policy).toEqual(DEFAULT_ALERT_POLICY);
    expect(DEFAULT_ALERT_POLICY.geofence_breach).toBe('rtl');
    expect(DEFAULT_ALERT_POLICY.lost_link).toBe('notify');
  });

  it('ALERT_POLICY sets actions per kind over the defaults', () => {
    const { policy } = loadConfig({
      ALERT_POLICY: 'low_battery:land, proximity:loiter,geofence_breach:notify',
    }).conformance;
    expect(policy).toMatchObject({
      low_battery: 'land',
      proximity: 'loiter',
      geofence_breach: 'notify',
      contingent: 'notify',
    });
  });

  it('an unknown kind or action stops the start, naming the variable and the choices', () => {
    expect(() => loadConfig({ ALERT_POLICY: 'smoke:rtl' })).toThrow(ConfigError);
    expect(() => loadConfig({ ALERT_POLICY: 'lost_link:explode' })).toThrow(
      /ALERT_POLICY: "lost_link:explode" must be kind:action/,
    );
    expect(() => loadConfig({ ALERT_POLICY: 'lost_link' })).toThrow(/one of notify, loiter, rtl, land/);
  });

  it('records the drone’s answer: accepted, refused or never given', () => {
    const answer = (ok: boolean, result: string) => ({ ok, result }) as CommandOutcome;
    expect(outcomeOf(answer(true, 'ACCEPTED'))).toBe('accepted');
    expect(outcomeOf(answer(false, 'DENIED'))).toBe('rejected');
    expect(outcomeOf(answer(false, 'TIMEOUT'))).toBe('timeout');
    expect(outcomeOf(answer(false, 'GATEWAY_TIMEOUT'))).toBe('timeout');
  });
});

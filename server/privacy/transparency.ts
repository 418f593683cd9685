import type { Transparency } from '../protocol/index.ts';

const days = (ms: number) => {
  const n = Math.round(ms / 86_400_000);
  return `${n} day${n === 1 ? '' : 's'}`;
};

/**
 * What the service tells citizens about the data it handles: built from the running
 * configuration, so the retention periods stated are the ones in force.
 */
export function transparencyStatement(c: {
  controller: string;
  telemetryRetentionMs: number;
  auditRetentionMs: number;
  idempotencyKeepMs: number;
}): Transparency {
  return {
    service: 'soramichi (空の道): drone airspace management for the city',
    controller: c.controller,
    data: [
      {
        what: 'Flight plans: route, altitudes, times, drone registration, purpose, and the operator account that filed them',
        purpose: 'Deconflict flights from each other and from restricted airspace; know who answers for a flight',
        recipients: ['the operator who filed it', 'city monitoring staff', 'administrators'],
        retention: 'kept while the service runs; the reserved airspace is public without identities',
        personal: true,
        protection:
          'readable in full only by the operator, monitors and administrators; others see anonymous reserved airspace',
      },
      {
        what: 'Operator contact details given with a plan (name, phone, email)',
        purpose: 'Reach the operator during a flight in an emergency',
        recipients: ['the operator who filed it', 'city monitoring staff', 'administrators'],
        retention: 'as long as the plan',
        personal: true,
        protection: 'encrypted at rest (AES-256-GCM); never shown publicly, never logged',
      },
      {
        what: 'Pilot details given with a plan for the national flight-plan filing (name, licence number)',
        purpose: 'Fill in the flight-plan filing (飛行計画の通報, DIPS 2.0) the operator makes to the ministry',
        recipients: ['the operator who filed it'],
        retention: 'as long as the plan',
        personal: true,
        protection: 'encrypted at rest (AES-256-GCM); shown to the plan’s operator only, never logged',
      },
      {
        what: 'Decisions on flight plans: operator account, time, accepted, refused (and why) or pre-empted',
        purpose: 'Show that the sky is shared by the published rules and that no operator holds more than its share',
        recipients: ['city monitoring staff', 'administrators'],
        retention: 'kept while the service runs',
        personal: false,
        protection: 'counted by operator and reason; no route, drone or contact is kept with them',
      },
      {
        what: 'Drone telemetry: position, altitude, speed, heading, battery, flight mode, Remote ID fields the drone broadcasts',
        purpose: 'Live monitoring, conformance to the reserved sky road, alerts, and investigation of incidents',
        recipients: [
          'city monitoring staff',
          'administrators',
          'the operator of the drone',
          'the public: positions only',
        ],
        retention: days(c.telemetryRetentionMs),
        personal: false,
        protection: 'the public view omits the gateway and the Remote ID operator id and description',
      },
      {
        what: 'Alerts raised by conformance monitoring and the safe actions sent',
        purpose: 'Tell the city and the operator when a flight leaves its sky road or endangers others',
        recipients: ['city monitoring staff', 'administrators', 'the operator of the plan concerned'],
        retention: 'kept while the service runs',
        personal: false,
        protection: 'not shown publicly',
      },
      {
        what: 'Audit trail: who changed what, when, from which network address, with what outcome',
        purpose: 'Investigation of incidents and misuse',
        recipients: ['administrators'],
        retention: days(c.auditRetentionMs),
        personal: true,
        protection: 'append-only: the database refuses to change or delete entries before the retention period ends',
      },
      {
        what: 'Answers kept for retried requests (Idempotency-Key)',
        purpose: 'A retried plan request gets its first answer instead of filing twice',
        recipients: ['the operator who sent it'],
        retention: days(c.idempotencyKeepMs),
        personal: true,
        protection: 'encrypted at rest (AES-256-GCM)',
      },
    ],
    publicView:
      'Anyone can see, without an account: drones in the air with their position and height, the airspace reserved by flight plans with its state and times, and the zones closed to drones. Nobody’s identity, contact details, plan purpose or ground station is shown.',
    rights:
      'Ask the controller for the data held about you, its correction, or its deletion once no retention period requires it.',
  };
}

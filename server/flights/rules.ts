import type { Config } from '../config.ts';
import { CAPACITY_CEILING_M } from '../airspace/usage.ts';
import { MAX_CANDIDATES, type AllocationRules } from '../protocol/index.ts';

/**
 * The rules every decision follows, as the arbiter applies them (flights/service.ts,
 * airspace/priority.ts, airspace/alternatives.ts): published, so that an operator knows why it
 * was refused and the city can show that the sky is shared by rule.
 */
export function allocationRules(
  config: Pick<Config, 'airspace' | 'holdMs' | 'defaultCapCellHours' | 'planningHorizonMs' | 'departureGraceMs'>,
): AllocationRules {
  const a = config.airspace;
  return {
    priorities: {
      range: [0, 1000],
      rules: [
        'Plans are decided in the order they reach the arbiter; the first to hold a piece of sky keeps it.',
        'A plan of strictly higher priority pre-empts the lower-priority plans in its way: they lose their sky road and their operators are told to replan.',
        'Equal priorities never override each other: the later plan is refused.',
        'Prohibited zones refuse every plan; restricted zones refuse plans without the zone’s permission; advisory zones are reported and refuse nothing.',
        `Plans are filed at most ${Math.round(config.planningHorizonMs / 86_400_000)} days ahead and at most ${config.departureGraceMs / 1000} s in the past.`,
      ],
    },
    holds: {
      minutes: config.holdMs / 60_000,
      rules: [
        'A held plan (仮押さえ) is decided like any other and keeps its sky road and its share of the cap until it is confirmed or its hold expires.',
        'Confirming a held plan before its hold expires always succeeds.',
        'An expired hold is released at once: its sky road no longer counts in any decision.',
      ],
    },
    caps: {
      unit: 'cell-hours',
      definition:
        'For each key of a sky road, the hours its cell is held, summed; an operator’s held, accepted and flying plans together may not exceed its cap. A plan that would is refused with reason cap_exceeded.',
      default: config.defaultCapCellHours,
    },
    candidates: {
      max: MAX_CANDIDATES,
      ranks: {
        order: 'as given',
        delay: 'earliest start first',
        distance: 'shortest route first',
        height: 'lowest highest altitude first',
      },
    },
    alternatives: [
      'With a refusal the arbiter offers the earliest later departure at which the same sky road is clear (exact, from the holds that block it), within the planning horizon.',
      'And the nearest altitude, one band at a time up to three bands, up before down, that is clear at the requested time and at least 10 m above the ground.',
      'POST /api/v1/flight-plans/earliest finds the earliest whole-minute departure the same way, without filing.',
    ],
    deconfliction: {
      h3Resolution: a.h3Resolution,
      bandHeightM: a.bandHeightM,
      lateralBufferM: a.lateralBufferM,
      verticalBufferM: a.verticalBufferM,
      timeBeforeS: a.timeBeforeS,
      timeAfterS: a.timeAfterS,
      rules: [
        'Two plans conflict when they share an H3 cell with overlapping altitude bands and time intervals.',
        `Capacity is reported as the share of each coarse cell’s airspace below ${CAPACITY_CEILING_M} m above the ground held per 15-minute slot.`,
      ],
    },
  };
}

import { t } from '../i18n/index.ts';
import type { ReplayPlayer } from '../replay/player.ts';
import type { DroneStore } from '../state/drones.ts';
import type { PlanStore } from '../state/plans.ts';
import type { DroneMark } from './drones.ts';

/** The drones as the live stream has them, heights above the modelled ground, each with its plan's state. */
export function liveMarks(drones: DroneStore, plans: PlanStore, groundW84M: number): DroneMark[] {
  const now = drones.serverNow();
  const out: DroneMark[] = [];
  for (const d of drones.drones.values()) {
    const plan = plans.currentFor(d.id, now);
    out.push({
      id: d.id,
      position: [d.lon, d.lat, d.altW84 - groundW84M],
      heading: d.heading,
      heightM: d.altW84 - groundW84M,
      speed: d.speed,
      state: d.link === 2 ? 'lost' : drones.isStale(d) ? 'stale' : 'live',
      planLabel: plan ? t(`state.${plan.state}`) : t('state.none'),
      trail: d.trail.map(([lon, lat, alt]) => [lon, lat, alt - groundW84M]),
    });
  }
  return out;
}

/** The drones where the replay has them at its current time. */
export function replayMarks(player: ReplayPlayer, groundW84M: number): DroneMark[] {
  return player.drones().map((d) => ({
    id: d.droneId,
    position: [d.lon, d.lat, d.altW84 - groundW84M],
    heading: d.heading,
    heightM: d.altW84 - groundW84M,
    speed: d.speed,
    state: 'live',
    planLabel: t('live.replay'),
    trail: d.trail.map(([lon, lat, alt]) => [lon, lat, alt - groundW84M]),
  }));
}

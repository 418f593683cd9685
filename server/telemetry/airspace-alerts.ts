import type { AirspaceEvents } from '../events.ts';
import type { AlertKind, IdCollisionReport } from '../protocol/index.ts';
import type { ZoneRecord } from '../store/geofences.ts';
import type { PlanRecord } from '../store/plans.ts';
import { position, type AlertSync } from './alert-sync.ts';
import type { Fix } from './conformance.ts';
import type { DroneEvents } from './events.ts';

/**
 * Alerts that no sample decides: a zone declared over a plan in the air (closed when the zone is
 * lifted), a plan of higher priority accepted over one in the air, and vehicles that answer to one
 * MAVLink id on a gateway's link.
 */
export class AirspaceAlerts {
  /** An alert on a flight in the air, about something that now stands over its plan (`subjectId`). */
  private raiseOverPlan(kind: AlertKind, plan: PlanRecord, subjectId: string, message: string): void {
    this.deps.alerts.raise({
      kind,
      droneId: plan.droneId,
      planId: plan.id,
      subjectId,
      message,
      ...position(this.deps.fixOf(plan.droneId)),
    });
  }
  private readonly onZoneOverPlan = (e: { zone: ZoneRecord; plan: PlanRecord; message: string }) =>
    this.raiseOverPlan('zone_over_active_plan', e.plan, e.zone.id, e.message);
  private readonly onZone = (e: { id: string; zone: ZoneRecord | null }) => {
    if (e.zone !== null) return;
    this.deps.alerts.resolveWhere((t) => t.kind === 'zone_over_active_plan' && t.subjectId === e.id);
  };
  private readonly onPriorityOverPlan = (e: { plan: PlanRecord; by: PlanRecord; message: string }) =>
    this.raiseOverPlan('priority_over_active_plan', e.plan, e.by.id, e.message);
  private readonly onCollision = (e: { gatewayId: string; report: IdCollisionReport }) => {
    const r = e.report;
    const subjectId = `${e.gatewayId}/${r.link}/${r.sysid}/${r.compid}`;
    const same = (t: { kind: AlertKind; subjectId: string | null }) =>
      t.kind === 'id_collision' && t.subjectId === subjectId;
    if (r.state === 'closed') return this.deps.alerts.resolveWhere(same);
    if (this.deps.isRaised(same)) return;
    const droneId = r.vehicles.find((v) => v.droneId !== null)?.droneId ?? null;
    this.deps.alerts.raise({
      kind: 'id_collision',
      droneId,
      planId: null,
      subjectId,
      message: collisionMessage(e.gatewayId, r),
      ...position(droneId ? this.deps.fixOf(droneId) : null),
    });
  };

  constructor(
    private readonly deps: {
      airspaceEvents: AirspaceEvents;
      droneEvents: DroneEvents;
      alerts: AlertSync;
      /** Whether an alert that `match` picks is open. */
      isRaised: (match: (t: { kind: AlertKind; subjectId: string | null }) => boolean) => boolean;
      /** The drone's last fix, for where an alert stands. */
      fixOf: (droneId: string) => Fix | null;
    },
  ) {}

  start(): void {
    this.deps.droneEvents.on('collision', this.onCollision);
    this.deps.airspaceEvents.on('zone-over-active-plan', this.onZoneOverPlan);
    this.deps.airspaceEvents.on('priority-over-active-plan', this.onPriorityOverPlan);
    this.deps.airspaceEvents.on('zone', this.onZone);
  }

  stop(): void {
    this.deps.droneEvents.off('collision', this.onCollision);
    this.deps.airspaceEvents.off('zone-over-active-plan', this.onZoneOverPlan);
    this.deps.airspaceEvents.off('priority-over-active-plan', this.onPriorityOverPlan);
    this.deps.airspaceEvents.off('zone', this.onZone);
  }
}

function collisionMessage(gatewayId: string, r: IdCollisionReport): string {
  const who = r.vehicles.map((v) => {
    const name = v.droneId ?? 'an unidentified vehicle';
    const where = v.address ? ` at ${v.address}` : '';
    const rid = v.remoteId && v.remoteId !== v.droneId ? ` (Remote ID ${v.remoteId})` : '';
    return `${name}${where}${rid}`;
  });
  return (
    `${r.vehicles.length} vehicles answer to MAVLink system ${r.sysid}, component ${r.compid} on link ${r.link} ` +
    `of gateway ${gatewayId}: ${who.join('; ')}. A command to this id may reach any of them; give each its own system id.`
  );
}

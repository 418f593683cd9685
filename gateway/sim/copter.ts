import type { MissionItem } from '../../server/protocol/index.ts';
import { bearingDeg, distanceM, insidePolygon, moveBy, offsetOf, type LatLon } from './geo.ts';

/** MAV_CMD values the simulated copter understands in a mission or a fence. */
export const CMD = {
  NAV_WAYPOINT: 16,
  NAV_LOITER_UNLIM: 17,
  NAV_LOITER_TIME: 19,
  NAV_RETURN_TO_LAUNCH: 20,
  NAV_LAND: 21,
  NAV_TAKEOFF: 22,
  DO_CHANGE_SPEED: 178,
  FENCE_RETURN_POINT: 5000,
  FENCE_POLYGON_VERTEX_INCLUSION: 5001,
  FENCE_POLYGON_VERTEX_EXCLUSION: 5002,
  FENCE_CIRCLE_INCLUSION: 5003,
  FENCE_CIRCLE_EXCLUSION: 5004,
} as const;

/** MAV_FRAME values whose altitude is above mean sea level; the others are taken relative to home. */
const AMSL_FRAMES = new Set([0, 5]);

export type CopterMode = 'STABILIZE' | 'AUTO' | 'GUIDED' | 'LOITER' | 'RTL' | 'LAND';

export interface CopterOptions {
  start: LatLon;
  /** Ground elevation at the pad, metres AMSL: home's altitude. */
  groundAmsl: number;
  /** WPNAV_SPEED: horizontal speed in AUTO and RTL until a DO_CHANGE_SPEED. */
  cruiseMps: number;
  climbMps: number;
  descentMps: number;
  /** RTL_ALT: the height RTL climbs to before flying home. */
  rtlAltM: number;
  /**
   * A lateral drift the autopilot does not know of (a drifting position estimate, a bad compass),
   * metres per second: it flies its pattern as planned, displaced by the drift so far.
   */
  drift: { north: number; east: number };
  /** Start hovering at this height (armed, LOITER) instead of on the pad. */
  airborneAtM: number | null;
}

export type CopterEvent = { kind: 'reached'; seq: number } | { kind: 'text'; severity: number; text: string };

/**
 * The flight of an ArduCopter, simplified: straight lines at set speeds, instant turns. Flies a
 * mission (item 0 is home, as ArduPilot keeps it), RTL (climb to RTL_ALT, fly home, land),
 * LAND, LOITER, and breaches of an inclusion fence trigger RTL (FENCE_ACTION = RTL). No I/O: it
 * advances when told and reports what happened.
 */
export class Copter {
  altRel = 0;
  vn = 0;
  ve = 0;
  vd = 0;
  headingDeg = 0;
  armed = false;
  mode: CopterMode = 'STABILIZE';
  mission: MissionItem[] = [];
  fence: MissionItem[] = [];
  /** The mission item being flown. */
  current = 0;
  batteryPercent = 100;
  readonly home: LatLon;
  private speed: number;
  /** Where the autopilot believes it is and navigates from; the true position adds the drift. */
  private nominal: LatLon;
  private offset = { north: 0, east: 0 };
  private hold: LatLon & { alt: number };
  private rtlPhase: 'climb' | 'return' | 'land' = 'climb';
  private waitUntil: number | null = null;
  private elapsed = 0;
  private breached = false;
  private readonly events: CopterEvent[] = [];

  constructor(readonly options: CopterOptions) {
    this.nominal = { ...options.start };
    this.home = { ...options.start };
    this.speed = options.cruiseMps;
    this.hold = { ...this.nominal, alt: 0 };
    if (options.airborneAtM !== null) {
      this.altRel = options.airborneAtM;
      this.armed = true;
      this.setMode('LOITER');
    }
  }

  get position(): LatLon {
    return moveBy(this.nominal, this.offset.north, this.offset.east);
  }

  get airborne(): boolean {
    return this.armed && this.altRel > 0.05;
  }

  get altAmsl(): number {
    return this.options.groundAmsl + this.altRel;
  }

  get batteryVoltage(): number {
    return 14 + (2.8 * this.batteryPercent) / 100;
  }

  /** What happened since the last call. */
  drainEvents(): CopterEvent[] {
    return this.events.splice(0);
  }

  arm(): boolean {
    if (this.armed) return true;
    this.armed = true;
    this.text(6, 'Arming motors');
    return true;
  }

  disarm(): boolean {
    if (this.airborne) return false;
    this.armed = false;
    this.text(6, 'Disarming motors');
    return true;
  }

  setMode(mode: CopterMode): boolean {
    if ((mode === 'RTL' || mode === 'LAND') && !this.airborne) return false;
    if (mode === 'AUTO' && this.mission.length < 2) return false;
    this.mode = mode;
    this.hold = { ...this.nominal, alt: this.altRel };
    this.rtlPhase = 'climb';
    this.waitUntil = null;
    if (mode === 'AUTO' && this.current < 1) this.current = 1;
    return true;
  }

  /** MAV_CMD_MISSION_START: arms if needed (a pilot would have) and flies the mission from item 1. */
  startMission(): boolean {
    if (this.mission.length < 2) return false;
    this.arm();
    this.current = 1;
    this.breached = false;
    return this.setMode('AUTO');
  }

  setMission(items: MissionItem[]): void {
    this.mission = items;
    this.current = 0;
    if (this.mode === 'AUTO') this.setMode('LOITER');
  }

  setFence(items: MissionItem[]): void {
    this.fence = items;
    this.breached = false;
  }

  step(dt: number): void {
    this.elapsed += dt;
    const before = this.position;
    const altBefore = this.altRel;
    if (this.armed) {
      switch (this.mode) {
        case 'AUTO':
          this.flyMission(dt);
          break;
        case 'RTL':
          this.flyHome(dt);
          break;
        case 'LAND':
          this.descend(dt);
          break;
        default:
          if (this.altRel > 0) this.navigate(this.hold, this.hold.alt, dt);
      }
      if (this.airborne) {
        this.offset.north += this.options.drift.north * dt;
        this.offset.east += this.options.drift.east * dt;
        this.batteryPercent = Math.max(0, this.batteryPercent - 0.05 * dt);
        this.checkFence();
      }
    }
    const moved = offsetOf(before, this.position);
    this.vn = dt > 0 ? moved.north / dt : 0;
    this.ve = dt > 0 ? moved.east / dt : 0;
    this.vd = dt > 0 ? (altBefore - this.altRel) / dt : 0;
    if (Math.hypot(moved.north, moved.east) > 0.01) this.headingDeg = bearingDeg(moved.north, moved.east);
  }

  private text(severity: number, text: string): void {
    this.events.push({ kind: 'text', severity, text });
  }

  /**
   * Moves toward a point and height on a straight line, as ArduCopter's waypoint navigation does:
   * each axis at the pace of the slower one, so a leg that climbs climbs all along it (not at
   * full rate first, which would leave the altitudes its plan reserved). True once there.
   */
  private navigate(target: LatLon, alt: number, dt: number): boolean {
    const { north, east } = offsetOf(this.nominal, target);
    const dist = Math.hypot(north, east);
    const dz = alt - this.altRel;
    const duration = Math.max(
      dist / this.speed,
      Math.abs(dz) / (dz > 0 ? this.options.climbMps : this.options.descentMps),
    );
    const f = duration > 0 ? Math.min(1, dt / duration) : 1;
    if (dist > 0) this.nominal = moveBy(this.nominal, north * f, east * f);
    this.altRel += dz * f;
    return dist * (1 - f) < 1 && Math.abs(dz) * (1 - f) < 0.5;
  }

  private descend(dt: number): void {
    const rate = this.altRel > 10 ? this.options.descentMps : Math.min(0.5, this.options.descentMps);
    this.altRel = Math.max(0, this.altRel - rate * dt);
    if (this.altRel === 0) this.touchdown();
  }

  private touchdown(): void {
    this.altRel = 0;
    this.text(6, 'Land complete');
    this.disarm();
  }

  private flyHome(dt: number): void {
    const alt = Math.max(this.hold.alt, this.options.rtlAltM);
    if (this.rtlPhase === 'climb') {
      if (this.navigate(this.hold, alt, dt)) this.rtlPhase = 'return';
    } else if (this.rtlPhase === 'return') {
      if (this.navigate(this.home, alt, dt)) this.rtlPhase = 'land';
    } else {
      this.descend(dt);
    }
  }

  private itemAlt(item: MissionItem): number {
    return AMSL_FRAMES.has(item.frame) ? item.alt - this.options.groundAmsl : item.alt;
  }

  private itemPoint(item: MissionItem): LatLon {
    return item.lat === 0 && item.lon === 0 ? this.nominal : { lat: item.lat, lon: item.lon };
  }

  private advance(reached: boolean): void {
    if (reached) this.events.push({ kind: 'reached', seq: this.current });
    this.current++;
    this.waitUntil = null;
    this.hold = { ...this.nominal, alt: this.altRel };
    if (this.current >= this.mission.length) this.text(6, 'Mission complete');
  }

  private flyMission(dt: number): void {
    // Several DO_ items may follow each other; they take no time.
    for (let guard = 0; guard < 16; guard++) {
      const item = this.mission[this.current];
      if (!item) {
        if (this.altRel > 0) this.navigate(this.hold, this.hold.alt, dt);
        return;
      }
      switch (item.command) {
        case CMD.DO_CHANGE_SPEED:
          if (item.param2 > 0) this.speed = item.param2;
          this.advance(false);
          continue;
        case CMD.NAV_TAKEOFF:
          if (this.navigate(this.position, this.itemAlt(item), dt)) this.advance(true);
          return;
        case CMD.NAV_WAYPOINT:
        case CMD.NAV_LOITER_TIME:
          if (this.waitUntil === null) {
            if (this.navigate(this.itemPoint(item), this.itemAlt(item), dt))
              this.waitUntil = this.elapsed + item.param1;
          } else if (this.elapsed >= this.waitUntil) {
            this.advance(true);
          }
          return;
        case CMD.NAV_LOITER_UNLIM:
          this.navigate(this.itemPoint(item), this.itemAlt(item), dt);
          return;
        case CMD.NAV_LAND: {
          const p = this.itemPoint(item);
          if (distanceM(this.nominal, p) > 1) {
            this.navigate(p, this.altRel, dt);
          } else {
            this.descend(dt);
            if (!this.armed) this.advance(true);
          }
          return;
        }
        case CMD.NAV_RETURN_TO_LAUNCH:
          this.advance(false);
          this.setMode('RTL');
          return;
        default:
          this.advance(false);
      }
    }
  }

  private checkFence(): void {
    const inclusions: boolean[] = [];
    let excluded = false;
    for (let i = 0; i < this.fence.length;) {
      const item = this.fence[i]!;
      if (item.command === CMD.FENCE_POLYGON_VERTEX_INCLUSION || item.command === CMD.FENCE_POLYGON_VERTEX_EXCLUSION) {
        const n = Math.max(1, Math.round(item.param1));
        const ring = this.fence.slice(i, i + n).map((v) => ({ lat: v.lat, lon: v.lon }));
        const inside = insidePolygon(this.position, ring);
        if (item.command === CMD.FENCE_POLYGON_VERTEX_INCLUSION) inclusions.push(inside);
        else excluded ||= inside;
        i += n;
        continue;
      }
      if (item.command === CMD.FENCE_CIRCLE_INCLUSION || item.command === CMD.FENCE_CIRCLE_EXCLUSION) {
        const inside = distanceM(this.position, item) <= item.param1;
        if (item.command === CMD.FENCE_CIRCLE_INCLUSION) inclusions.push(inside);
        else excluded ||= inside;
      }
      i++;
    }
    const outside = excluded || (inclusions.length > 0 && !inclusions.some(Boolean));
    if (!outside) {
      this.breached = false;
      return;
    }
    if (this.breached || this.mode === 'RTL' || this.mode === 'LAND') return;
    this.breached = true;
    this.text(2, 'Fence breach: RTL');
    this.setMode('RTL');
  }
}

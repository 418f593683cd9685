import { common, type MavLinkData } from 'node-mavlink';
import type { MissionItem } from '../../server/protocol/index.ts';
import { message } from '../mavlink/codec.ts';
import { fromMissionItemInt } from '../mavlink/mission-items.ts';
import { QGC_TIMING, type MissionTiming } from '../mavlink/mission.ts';

const { MavMissionResult, MissionAck, MissionRequestInt } = common;

type MissionItemInt = InstanceType<typeof common.MissionItemInt>;

interface Peer {
  sysid: number;
  compid: number;
}

/**
 * The vehicle's side of a mission upload, as ArduPilot plays it: after MISSION_COUNT it asks
 * for each item in turn with MISSION_REQUEST_INT, asks again after 250 ms of silence (5 times,
 * then cancels), and ends with MISSION_ACK. A repeated last item after the end gets the ack
 * again, in case the first was lost.
 */
export class MissionReceiver {
  private upload: { type: number; count: number; items: MissionItem[]; from: Peer; tries: number } | null = null;
  private done: { type: number; count: number; result: number } | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly send: (msg: MavLinkData) => void,
    /** Validates and stores a complete upload; returns a MAV_MISSION_RESULT. */
    private readonly store: (missionType: number, items: MissionItem[]) => number,
    private readonly timing: MissionTiming = QGC_TIMING,
  ) {}

  count(count: number, missionType: number, from: Peer): void {
    this.clearTimer();
    this.done = null;
    if (count === 0) {
      this.finish(missionType, 0, [], from);
      return;
    }
    this.upload = { type: missionType, count, items: [], from, tries: 0 };
    this.request();
  }

  item(m: MissionItemInt, from: Peer): void {
    const u = this.upload;
    if (!u) {
      const d = this.done;
      if (d && m.missionType === d.type && m.seq === d.count - 1) this.ack(d.result, d.type, from);
      return;
    }
    if (m.missionType !== u.type || m.seq !== u.items.length) return;
    u.items.push(fromMissionItemInt(m));
    u.tries = 0;
    if (u.items.length === u.count) this.finish(u.type, u.count, u.items, from);
    else this.request();
  }

  stop(): void {
    this.clearTimer();
    this.upload = null;
  }

  private request(): void {
    const u = this.upload!;
    this.send(
      message(MissionRequestInt, {
        targetSystem: u.from.sysid,
        targetComponent: u.from.compid,
        seq: u.items.length,
        missionType: u.type,
      }),
    );
    this.clearTimer();
    this.timer = setTimeout(() => {
      if (u.tries >= this.timing.retries) {
        this.upload = null;
        this.ack(MavMissionResult.OPERATION_CANCELLED, u.type, u.from);
        return;
      }
      u.tries++;
      this.request();
    }, this.timing.retryTimeoutMs);
  }

  private finish(type: number, count: number, items: MissionItem[], from: Peer): void {
    this.clearTimer();
    this.upload = null;
    const result = this.store(type, items);
    this.done = { type, count, result };
    this.ack(result, type, from);
  }

  private ack(result: number, missionType: number, to: Peer): void {
    this.send(message(MissionAck, { targetSystem: to.sysid, targetComponent: to.compid, type: result, missionType }));
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

import { common } from 'node-mavlink';
import type { MissionItem } from '../../server/protocol/index.ts';
import { systemClock, type GatewayTimer } from '../clock.ts';
import { addressedToUs, type ExchangeContext, type VehicleChannel } from './channel.ts';
import { decodeAs, message } from './codec.ts';
import type { Frame } from './framer.ts';
import { fromMissionItemInt } from './mission-items.ts';
import type { MissionTiming } from './mission.ts';

const {
  MavMissionResult,
  MavMissionType,
  MissionAck,
  MissionCount,
  MissionItemInt,
  MissionRequestInt,
  MissionRequestList,
} = common;

export type DownloadResult = { ok: true; items: MissionItem[] } | { ok: false; result: string; message: string };

/**
 * Reads a mission, fence or rally list back from the vehicle (the mission protocol's download):
 * MISSION_REQUEST_LIST until MISSION_COUNT, then MISSION_REQUEST_INT for each item in turn until
 * its MISSION_ITEM_INT, then our MISSION_ACK. Silences are met by asking again (the protocol's
 * 1,500 ms for the count, 250 ms for an item), `retries` times in a row at most; an item out of
 * sequence is dropped and the expected one asked for again; a MISSION_ACK with an error ends it.
 */
export function downloadItems(
  ch: VehicleChannel,
  missionType: number,
  timing: MissionTiming,
  context: ExchangeContext = {},
): Promise<DownloadResult> {
  const { clock = systemClock, signal } = context;
  const kind = MavMissionType[missionType] ?? String(missionType);
  return new Promise((resolve) => {
    let count: number | null = null;
    const items: MissionItem[] = [];
    let retries = 0;
    let timer: GatewayTimer | null = null;

    const ask = () => {
      if (count === null) {
        ch.send(
          message(MissionRequestList, {
            targetSystem: ch.target.sysid,
            targetComponent: ch.target.compid,
            missionType,
          }),
        );
        arm(timing.ackTimeoutMs);
      } else {
        ch.send(
          message(MissionRequestInt, {
            targetSystem: ch.target.sysid,
            targetComponent: ch.target.compid,
            seq: items.length,
            missionType,
          }),
        );
        arm(timing.retryTimeoutMs);
      }
    };
    const arm = (ms: number) => {
      clock.clear(timer);
      timer = clock.setTimeout(onSilence, ms);
    };
    const finish = (result: DownloadResult) => {
      clock.clear(timer);
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const complete = () => {
      ch.send(
        message(MissionAck, {
          targetSystem: ch.target.sysid,
          targetComponent: ch.target.compid,
          type: MavMissionResult.ACCEPTED,
          missionType,
        }),
      );
      finish({ ok: true, items });
    };
    const onAbort = () =>
      finish({ ok: false, result: 'OPERATION_CANCELLED', message: `${kind} download: the gateway is stopping` });
    const onSilence = () => {
      if (retries >= timing.retries) {
        const what = count === null ? 'MISSION_COUNT' : `item ${items.length} of ${count}`;
        finish({ ok: false, result: 'TIMEOUT', message: `${kind} download: no ${what} (${retries} retries)` });
        return;
      }
      retries++;
      ask();
    };
    const onFrame = (frame: Frame) => {
      if (frame.compid !== ch.target.compid) return;
      if (frame.msgid === MissionCount.MSG_ID && count === null) {
        const m = decodeAs(frame, MissionCount);
        if (m.missionType !== missionType || !addressedToUs(ch, m.targetSystem, m.targetComponent)) return;
        count = m.count;
        retries = 0;
        if (count === 0) complete();
        else ask();
      } else if (frame.msgid === MissionItemInt.MSG_ID && count !== null) {
        const m = decodeAs(frame, MissionItemInt);
        if (m.missionType !== missionType || !addressedToUs(ch, m.targetSystem, m.targetComponent)) return;
        if (m.seq < items.length) return;
        if (m.seq > items.length) return ask();
        items.push(fromMissionItemInt(m));
        retries = 0;
        if (items.length === count) complete();
        else ask();
      } else if (frame.msgid === MissionAck.MSG_ID) {
        const ack = decodeAs(frame, MissionAck);
        // A MAVLink 1 acknowledgement cannot say which list it is about: it is about ours.
        if (frame.version === 2 && ack.missionType !== missionType) return;
        if (!addressedToUs(ch, ack.targetSystem, ack.targetComponent)) return;
        if (ack.type === MavMissionResult.ACCEPTED) return;
        const result = MavMissionResult[ack.type] ?? String(ack.type);
        finish({ ok: false, result, message: `${kind} download refused: ${result}` });
      }
    };
    const unsubscribe = ch.subscribe(onFrame);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    ask();
  });
}

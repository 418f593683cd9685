import { common } from 'node-mavlink';
import type { MissionItem } from '../../server/protocol/index.ts';
import type { VehicleChannel } from './channel.ts';
import { decodeAs, message } from './codec.ts';

const {
  MavFrame,
  MavMissionResult,
  MavMissionType,
  MissionAck,
  MissionCount,
  MissionItemInt,
  MissionRequest,
  MissionRequestInt,
} = common;

export { MavMissionType };

/**
 * QGroundControl's timing: 1,500 ms while waiting passively for the other side, 250 ms while
 * actively re-requesting items (the vehicle's side of an upload, simulator included), 5 retries.
 */
export interface MissionTiming {
  ackTimeoutMs: number;
  retryTimeoutMs: number;
  retries: number;
}

export const QGC_TIMING: MissionTiming = { ackTimeoutMs: 1500, retryTimeoutMs: 250, retries: 5 };

export interface UploadResult {
  ok: boolean;
  /** MAV_MISSION_RESULT name, or TIMEOUT. */
  result: string;
  message: string;
}

/** A wire mission item as MISSION_ITEM_INT: positions in 1e-7 degrees, except in MAV_FRAME_MISSION. */
export function toMissionItemInt(
  item: MissionItem,
  seq: number,
  missionType: number,
  target: { sysid: number; compid: number },
) {
  const scale = item.frame === MavFrame.MISSION ? 1 : 1e7;
  return message(MissionItemInt, {
    targetSystem: target.sysid,
    targetComponent: target.compid,
    seq,
    frame: item.frame,
    command: item.command,
    current: seq === 0 ? 1 : 0,
    autocontinue: item.autocontinue ? 1 : 0,
    param1: item.param1,
    param2: item.param2,
    param3: item.param3,
    param4: item.param4,
    x: Math.round(item.lat * scale),
    y: Math.round(item.lon * scale),
    z: item.alt,
    missionType,
  });
}

/**
 * Uploads a mission, fence or rally list (MAVLink mission protocol, `mission_type` set):
 * MISSION_COUNT, then the items the vehicle asks for (MISSION_REQUEST_INT, or the older
 * MISSION_REQUEST), until its MISSION_ACK. A silent vehicle gets MISSION_COUNT again; one that
 * falls silent mid-way gets the last item again, so a lost request or a lost final ack is
 * recovered too; after `retries` silences the upload fails.
 */
export function uploadItems(
  ch: VehicleChannel,
  items: readonly MissionItem[],
  missionType: number,
  timing: MissionTiming = QGC_TIMING,
  signal?: AbortSignal,
): Promise<UploadResult> {
  const kind = MavMissionType[missionType] ?? String(missionType);
  return new Promise((resolve) => {
    const requested = new Set<number>();
    let lastSent: number | null = null;
    let retries = 0;
    let timer: NodeJS.Timeout;

    const sendCount = () =>
      ch.send(
        message(MissionCount, {
          targetSystem: ch.target.sysid,
          targetComponent: ch.target.compid,
          count: items.length,
          missionType,
        }),
      );
    const sendItem = (seq: number) => {
      lastSent = seq;
      ch.send(toMissionItemInt(items[seq]!, seq, missionType, ch.target));
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(onSilence, timing.ackTimeoutMs);
    };
    const finish = (result: UploadResult) => {
      clearTimeout(timer);
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = () =>
      finish({ ok: false, result: 'OPERATION_CANCELLED', message: `${kind} upload: the gateway is stopping` });
    const onSilence = () => {
      if (retries >= timing.retries) {
        const where = lastSent === null ? 'did not answer MISSION_COUNT' : `fell silent after item ${lastSent}`;
        finish({ ok: false, result: 'TIMEOUT', message: `${kind} upload: the vehicle ${where} (${retries} retries)` });
        return;
      }
      retries++;
      if (lastSent === null) sendCount();
      else sendItem(lastSent);
      arm();
    };
    const onRequest = (seq: number, type: number) => {
      if (type !== missionType) return;
      if (seq >= items.length) {
        finish({
          ok: false,
          result: 'INVALID_SEQUENCE',
          message: `${kind} upload: the vehicle asked for item ${seq} of ${items.length}`,
        });
        return;
      }
      retries = 0;
      requested.add(seq);
      sendItem(seq);
      arm();
    };
    const unsubscribe = ch.subscribe((frame) => {
      if (frame.compid !== ch.target.compid) return;
      if (frame.msgid === MissionRequestInt.MSG_ID) {
        const r = decodeAs(frame, MissionRequestInt);
        onRequest(r.seq, r.missionType);
      } else if (frame.msgid === MissionRequest.MSG_ID) {
        const r = decodeAs(frame, MissionRequest);
        onRequest(r.seq, r.missionType);
      } else if (frame.msgid === MissionAck.MSG_ID) {
        const ack = decodeAs(frame, MissionAck);
        if (ack.missionType !== missionType) return;
        const result = MavMissionResult[ack.type] ?? String(ack.type);
        if (ack.type !== MavMissionResult.ACCEPTED) {
          finish({ ok: false, result, message: `${kind} upload refused: ${result}` });
        } else if (requested.size === items.length) {
          finish({ ok: true, result, message: `${kind}: ${items.length} items accepted` });
        }
        // An ACCEPTED before every item was asked for is a stale answer to an earlier upload.
      }
    });
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    sendCount();
    arm();
  });
}

import { common } from 'node-mavlink';
import type { MissionItem } from '../../server/protocol/index.ts';
import { systemClock, type GatewayTimer } from '../clock.ts';
import { addressedToUs, type ExchangeContext, type VehicleChannel } from './channel.ts';
import { decodeAs, message } from './codec.ts';
import type { Frame } from './framer.ts';
import { downloadItems } from './mission-download.ts';
import { holdsUpload, toMissionItemInt } from './mission-items.ts';

const { MavMissionResult, MavMissionType, MissionAck, MissionCount, MissionRequest, MissionRequestInt } = common;

export { MavMissionType, toMissionItemInt };

/**
 * The mission protocol's timing (QGroundControl's too): 1,500 ms while waiting for the other
 * side's next word, 250 ms while waiting for an item (the vehicle's side of an upload, ours of a
 * download), 5 retries in a row before giving up.
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

/**
 * Uploads a mission, fence or rally list (MAVLink mission protocol, `mission_type` set):
 * MISSION_COUNT, then the items the vehicle asks for (MISSION_REQUEST_INT, or the older
 * MISSION_REQUEST), until its MISSION_ACK. Only messages from the vehicle's component addressed
 * to us count. The protocol's recovery rules:
 * - a silent vehicle gets MISSION_COUNT again, or the last item again, `retries` times in a row;
 * - a request for any item, an earlier one included, is answered with that item;
 * - MAV_MISSION_INVALID_SEQUENCE (an item the vehicle did not expect, such as a resend that
 *   crossed a late request) is recoverable: the vehicle asks again for the item it wants;
 * - once every item has been asked for and sent, the vehicle's MISSION_ACK ends the transfer.
 *   If that acknowledgement is lost, the vehicle has gone idle and answers the resent last item
 *   with an error about that item, not about the transfer (ArduPilot: MAV_MISSION_ERROR), or
 *   stays silent: the list is then read back, and the upload stands if the vehicle holds it.
 * A MAVLink 1 acknowledgement carries no `mission_type`; it answers whatever is in progress.
 */
export function uploadItems(
  ch: VehicleChannel,
  items: readonly MissionItem[],
  missionType: number,
  timing: MissionTiming = QGC_TIMING,
  context: ExchangeContext = {},
): Promise<UploadResult> {
  const { clock = systemClock, signal } = context;
  const kind = MavMissionType[missionType] ?? String(missionType);
  return new Promise((resolve) => {
    const requested = new Set<number>();
    let lastSent: number | null = null;
    /** The last item was sent again after the vehicle fell silent: an error now may answer that resend. */
    let finalResent = false;
    let retries = 0;
    let timer: GatewayTimer | null = null;
    let done = false;

    const allSent = () => requested.size === items.length;
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
      clock.clear(timer);
      timer = clock.setTimeout(onSilence, timing.ackTimeoutMs);
    };
    const finish = (result: UploadResult) => {
      if (done) return;
      done = true;
      clock.clear(timer);
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = () =>
      finish({ ok: false, result: 'OPERATION_CANCELLED', message: `${kind} upload: the gateway is stopping` });

    /** The final acknowledgement went missing: what the vehicle holds decides. */
    const verify = (why: string) => {
      clock.clear(timer);
      unsubscribe();
      const readBack = downloadItems(ch, missionType, timing, { clock, signal });
      readBack.then(
        (held) => {
          if (!held.ok) {
            finish({
              ok: false,
              result: held.result,
              message: `${kind} upload: ${why}, and reading the list back failed: ${held.message}`,
            });
          } else if (holdsUpload(items, held.items, missionType)) {
            finish({
              ok: true,
              result: 'ACCEPTED',
              message: `${kind}: ${items.length} items accepted (${why}; the vehicle holds them, read back)`,
            });
          } else {
            finish({
              ok: false,
              result: 'ERROR',
              message: `${kind} upload: ${why}, and the vehicle holds ${held.items.length} other items`,
            });
          }
        },
        (err: unknown) =>
          finish({
            ok: false,
            result: 'ERROR',
            message: `${kind} upload: ${why}, and reading the list back failed: ${String(err)}`,
          }),
      );
    };
    const onSilence = () => {
      if (retries >= timing.retries) {
        if (allSent()) return verify(`no MISSION_ACK after the last item (${retries} retries)`);
        const where = lastSent === null ? 'did not answer MISSION_COUNT' : `fell silent after item ${lastSent}`;
        finish({ ok: false, result: 'TIMEOUT', message: `${kind} upload: the vehicle ${where} (${retries} retries)` });
        return;
      }
      retries++;
      if (lastSent === null) sendCount();
      else {
        if (allSent() && lastSent === items.length - 1) finalResent = true;
        sendItem(lastSent);
      }
      arm();
    };
    const onRequest = (seq: number, type: number) => {
      // A request beyond the list belongs to another transfer (a late frame of an earlier upload).
      if (type !== missionType || seq >= items.length) return;
      retries = 0;
      requested.add(seq);
      sendItem(seq);
      arm();
    };
    const onAck = (frame: Frame) => {
      const ack = decodeAs(frame, MissionAck);
      if (frame.version === 2 && ack.missionType !== missionType) return;
      if (!addressedToUs(ch, ack.targetSystem, ack.targetComponent)) return;
      const result = MavMissionResult[ack.type] ?? String(ack.type);
      if (ack.type === MavMissionResult.ACCEPTED) {
        // An ACCEPTED before every item was asked for is a stale answer to an earlier upload.
        if (allSent()) finish({ ok: true, result, message: `${kind}: ${items.length} items accepted` });
      } else if (ack.type === MavMissionResult.INVALID_SEQUENCE) {
        // Recoverable: the vehicle dropped an item it did not expect and asks for the one it wants.
      } else if (allSent() && finalResent) {
        verify(`the vehicle answered the resent last item with ${result}`);
      } else {
        const mavlink1 = frame.version === 1 && missionType !== MavMissionType.MISSION ? ' (over MAVLink 1)' : '';
        finish({ ok: false, result, message: `${kind} upload refused: ${result}${mavlink1}` });
      }
    };
    const unsubscribe = ch.subscribe((frame) => {
      if (done || frame.compid !== ch.target.compid) return;
      if (frame.msgid === MissionRequestInt.MSG_ID) {
        const r = decodeAs(frame, MissionRequestInt);
        if (addressedToUs(ch, r.targetSystem, r.targetComponent)) onRequest(r.seq, r.missionType);
      } else if (frame.msgid === MissionRequest.MSG_ID) {
        const r = decodeAs(frame, MissionRequest);
        if (addressedToUs(ch, r.targetSystem, r.targetComponent)) onRequest(r.seq, r.missionType);
      } else if (frame.msgid === MissionAck.MSG_ID) {
        onAck(frame);
      }
    });
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    sendCount();
    arm();
  });
}

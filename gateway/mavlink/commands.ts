import { common } from 'node-mavlink';
import type { VehicleChannel } from './channel.ts';
import { decodeAs, message } from './codec.ts';

const { CommandAck, CommandLong, MavCmd, MavResult } = common;

export interface CommandTiming {
  /** How long to wait for COMMAND_ACK before sending again. */
  ackTimeoutMs: number;
  retries: number;
}

export const COMMAND_TIMING: CommandTiming = { ackTimeoutMs: 1500, retries: 5 };

export interface CommandResult {
  ok: boolean;
  /** MAV_RESULT name, or TIMEOUT when no acknowledgement came after every retry. */
  result: string;
  message: string;
}

/** The flight actions the server may order, as the MAV_CMD that ArduPilot and PX4 both accept. */
export const ACTIONS = {
  rtl: MavCmd.NAV_RETURN_TO_LAUNCH,
  land: MavCmd.NAV_LAND,
  loiter: MavCmd.NAV_LOITER_UNLIM,
} as const;

/**
 * COMMAND_LONG until COMMAND_ACK: resent with a growing `confirmation` after each silent
 * timeout, as MAVLink's command protocol asks; IN_PROGRESS keeps waiting without resending.
 */
export function commandLong(
  ch: VehicleChannel,
  command: number,
  params: readonly number[] = [],
  timing: CommandTiming = COMMAND_TIMING,
  signal?: AbortSignal,
): Promise<CommandResult> {
  const name = MavCmd[command] ?? String(command);
  return new Promise((resolve) => {
    let confirmation = 0;
    let timer: NodeJS.Timeout;
    const send = () =>
      ch.send(
        message(CommandLong, {
          targetSystem: ch.target.sysid,
          targetComponent: ch.target.compid,
          command,
          confirmation,
          _param1: params[0] ?? 0,
          _param2: params[1] ?? 0,
          _param3: params[2] ?? 0,
          _param4: params[3] ?? 0,
          _param5: params[4] ?? 0,
          _param6: params[5] ?? 0,
          _param7: params[6] ?? 0,
        }),
      );
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(onTimeout, timing.ackTimeoutMs);
    };
    const finish = (result: CommandResult) => {
      clearTimeout(timer);
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = () => finish({ ok: false, result: 'CANCELLED', message: `${name}: the gateway is stopping` });
    const onTimeout = () => {
      if (confirmation >= timing.retries) {
        finish({ ok: false, result: 'TIMEOUT', message: `no COMMAND_ACK for ${name} after ${confirmation + 1} tries` });
        return;
      }
      confirmation++;
      send();
      arm();
    };
    const unsubscribe = ch.subscribe((frame) => {
      if (frame.msgid !== CommandAck.MSG_ID || frame.compid !== ch.target.compid) return;
      const ack = decodeAs(frame, CommandAck);
      if (ack.command !== command) return;
      if (ack.result === MavResult.IN_PROGRESS) return arm();
      const result = MavResult[ack.result] ?? String(ack.result);
      finish({ ok: ack.result === MavResult.ACCEPTED, result, message: `${name}: ${result}` });
    });
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    send();
    arm();
  });
}

/** Asks the vehicle to stream a message at a rate (MAV_CMD_SET_MESSAGE_INTERVAL). */
export function setMessageInterval(
  ch: VehicleChannel,
  msgid: number,
  hz: number,
  signal?: AbortSignal,
): Promise<CommandResult> {
  return commandLong(ch, MavCmd.SET_MESSAGE_INTERVAL, [msgid, Math.round(1e6 / hz)], COMMAND_TIMING, signal);
}

import { common } from 'node-mavlink';
import { systemClock, type GatewayTimer } from '../clock.ts';
import { addressedToUs, type ExchangeContext, type VehicleChannel } from './channel.ts';
import { decodeAs, message } from './codec.ts';

const { CommandAck, CommandLong, MavCmd, MavResult } = common;

export interface CommandTiming {
  /** How long to wait for COMMAND_ACK before sending again. */
  ackTimeoutMs: number;
  retries: number;
  /**
   * After IN_PROGRESS, how long to wait for the next word (another IN_PROGRESS or the final
   * result) without sending again: the command protocol asks for a much longer timeout there,
   * and a repeated command would restart the operation.
   */
  progressTimeoutMs: number;
}

export const COMMAND_TIMING: CommandTiming = { ackTimeoutMs: 1500, retries: 5, progressTimeoutMs: 30_000 };

export interface CommandResult {
  ok: boolean;
  /** MAV_RESULT name, or TIMEOUT when no acknowledgement came after every retry. */
  result: string;
  message: string;
}

/**
 * The flight actions the server may order, as the MAV_CMD that ArduPilot and PX4 both accept,
 * with their parameters: NaN where the command's definition says NaN means "as now" (yaw, and
 * the position to land at or hold), so the drone lands or holds where it is, facing as it does.
 */
export const ACTIONS = {
  rtl: { command: MavCmd.NAV_RETURN_TO_LAUNCH, params: [] },
  land: { command: MavCmd.NAV_LAND, params: [0, 0, 0, NaN, NaN, NaN, NaN] },
  loiter: { command: MavCmd.NAV_LOITER_UNLIM, params: [0, 0, 0, NaN, NaN, NaN, NaN] },
} as const satisfies Record<string, { command: number; params: readonly number[] }>;

/**
 * COMMAND_LONG until COMMAND_ACK: resent with a growing `confirmation` after each silent
 * timeout, as MAVLink's command protocol asks. Only an acknowledgement of this command, from the
 * vehicle's component and addressed to us, counts. After IN_PROGRESS the command is not sent
 * again; the final result is awaited.
 */
export function commandLong(
  ch: VehicleChannel,
  command: number,
  params: readonly number[] = [],
  timing: CommandTiming = COMMAND_TIMING,
  context: ExchangeContext = {},
): Promise<CommandResult> {
  const { clock = systemClock, signal } = context;
  const name = MavCmd[command] ?? String(command);
  return new Promise((resolve) => {
    let confirmation = 0;
    let inProgress = false;
    let timer: GatewayTimer | null = null;
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
    const arm = (ms: number) => {
      clock.clear(timer);
      timer = clock.setTimeout(onTimeout, ms);
    };
    const finish = (result: CommandResult) => {
      clock.clear(timer);
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = () => finish({ ok: false, result: 'CANCELLED', message: `${name}: the gateway is stopping` });
    const onTimeout = () => {
      if (inProgress) {
        finish({
          ok: false,
          result: 'TIMEOUT',
          message: `${name}: IN_PROGRESS, then no word for ${timing.progressTimeoutMs} ms`,
        });
        return;
      }
      if (confirmation >= timing.retries) {
        finish({ ok: false, result: 'TIMEOUT', message: `no COMMAND_ACK for ${name} after ${confirmation + 1} tries` });
        return;
      }
      confirmation++;
      send();
      arm(timing.ackTimeoutMs);
    };
    const unsubscribe = ch.subscribe((frame) => {
      if (frame.msgid !== CommandAck.MSG_ID || frame.compid !== ch.target.compid) return;
      const ack = decodeAs(frame, CommandAck);
      if (ack.command !== command || !addressedToUs(ch, ack.targetSystem, ack.targetComponent)) return;
      if (ack.result === MavResult.IN_PROGRESS) {
        inProgress = true;
        arm(timing.progressTimeoutMs);
        return;
      }
      const result = MavResult[ack.result] ?? String(ack.result);
      finish({ ok: ack.result === MavResult.ACCEPTED, result, message: `${name}: ${result}` });
    });
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    send();
    arm(timing.ackTimeoutMs);
  });
}

/** Asks the vehicle to stream a message at a rate (MAV_CMD_SET_MESSAGE_INTERVAL). */
export function setMessageInterval(
  ch: VehicleChannel,
  msgid: number,
  hz: number,
  context: ExchangeContext = {},
): Promise<CommandResult> {
  return commandLong(ch, MavCmd.SET_MESSAGE_INTERVAL, [msgid, Math.round(1e6 / hz)], COMMAND_TIMING, context);
}

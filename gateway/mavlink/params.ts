import { common } from 'node-mavlink';
import { systemClock, type GatewayTimer } from '../clock.ts';
import type { ExchangeContext, VehicleChannel } from './channel.ts';
import { decodeAs, message } from './codec.ts';
import type { CommandResult, CommandTiming } from './commands.ts';

const { MavParamType, ParamRequestRead, ParamSet, ParamValue } = common;

export { MavParamType };

export type ParamResult = CommandResult & { value: number | null; type: number | null };

/** float32 is what the wire carries: a value matches when it survives the round trip. */
const sameFloat = (a: number, b: number) => Math.fround(a) === Math.fround(b);

/**
 * One parameter exchange (MAVLink parameter protocol): PARAM_SET, or PARAM_REQUEST_READ when
 * `value` is null, sent again after each silent timeout until the vehicle's PARAM_VALUE for that
 * name comes back (a PARAM_VALUE is broadcast, so it carries no target to check). Setting counts
 * when the value read back is the value set; an autopilot that refuses a value answers with the
 * one it kept. Values are sent as floats (ArduPilot's encoding; PX4's floats read the same).
 */
function paramExchange(
  ch: VehicleChannel,
  name: string,
  value: number | null,
  type: number,
  timing: CommandTiming,
  context: ExchangeContext,
): Promise<ParamResult> {
  const { clock = systemClock, signal } = context;
  return new Promise((resolve) => {
    let tries = 0;
    let timer: GatewayTimer | null = null;
    const send = () => {
      tries++;
      const target = { targetSystem: ch.target.sysid, targetComponent: ch.target.compid };
      ch.send(
        value === null
          ? message(ParamRequestRead, { ...target, paramId: name, paramIndex: -1 })
          : message(ParamSet, { ...target, paramId: name, paramValue: value, paramType: type }),
      );
      clock.clear(timer);
      timer = clock.setTimeout(onTimeout, timing.ackTimeoutMs);
    };
    const finish = (result: ParamResult) => {
      clock.clear(timer);
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = () =>
      finish({ ok: false, result: 'CANCELLED', message: `${name}: the gateway is stopping`, value: null, type: null });
    const onTimeout = () => {
      if (tries > timing.retries) {
        finish({
          ok: false,
          result: 'TIMEOUT',
          message: `no PARAM_VALUE for ${name} after ${tries} tries`,
          value: null,
          type: null,
        });
        return;
      }
      send();
    };
    const unsubscribe = ch.subscribe((frame) => {
      if (frame.msgid !== ParamValue.MSG_ID || frame.compid !== ch.target.compid) return;
      const p = decodeAs(frame, ParamValue);
      if (p.paramId !== name) return;
      const shown = `${name} = ${p.paramValue}`;
      if (value === null || sameFloat(p.paramValue, value)) {
        finish({ ok: true, result: 'ACCEPTED', message: shown, value: p.paramValue, type: p.paramType });
      } else {
        finish({
          ok: false,
          result: 'DENIED',
          message: `${shown}, not ${value}`,
          value: p.paramValue,
          type: p.paramType,
        });
      }
    });
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    send();
  });
}

export function readParam(
  ch: VehicleChannel,
  name: string,
  timing: CommandTiming,
  context: ExchangeContext = {},
): Promise<ParamResult> {
  return paramExchange(ch, name, null, MavParamType.REAL32, timing, context);
}

export function setParam(
  ch: VehicleChannel,
  name: string,
  value: number,
  type: number,
  timing: CommandTiming,
  context: ExchangeContext = {},
): Promise<ParamResult> {
  return paramExchange(ch, name, value, type, timing, context);
}

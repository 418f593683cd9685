import { common } from 'node-mavlink';
import { decodeAs, message } from '../mavlink/codec.ts';
import type { Frame } from '../mavlink/framer.ts';

const { ParamRequestRead, ParamSet, ParamValue } = common;

/** An autopilot's parameters by name: value and MAV_PARAM_TYPE. */
export type Params = Map<string, { value: number; type: number }>;

/**
 * The simulated autopilots' side of the MAVLink parameter protocol, as ArduPilot answers it: a
 * PARAM_SET (stored as a float32, as the wire carries it) or a PARAM_REQUEST_READ for this system
 * is answered with the parameter's PARAM_VALUE; one for another system, or naming a parameter it
 * lacks, with nothing. `frame` is a PARAM_SET or a PARAM_REQUEST_READ.
 */
export function answerParam(params: Params, sysid: number, frame: Frame): InstanceType<typeof ParamValue> | null {
  const set = frame.msgid === ParamSet.MSG_ID ? decodeAs(frame, ParamSet) : null;
  const p = set ?? decodeAs(frame, ParamRequestRead);
  const param = params.get(p.paramId);
  if ((p.targetSystem !== sysid && p.targetSystem !== 0) || !param) return null;
  if (set) param.value = Math.fround(set.paramValue);
  const names = [...params.keys()];
  return message(ParamValue, {
    paramId: p.paramId,
    paramValue: param.value,
    paramType: param.type,
    paramCount: names.length,
    paramIndex: names.indexOf(p.paramId),
  });
}

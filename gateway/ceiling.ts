import type { CommandOutcome, FenceCeiling } from '../server/protocol/index.ts';
import type { ExchangeContext } from './mavlink/channel.ts';
import { COMMAND_TIMING } from './mavlink/commands.ts';
import { MavParamType, readParam, setParam } from './mavlink/params.ts';
import type { Vehicle } from './vehicles.ts';

type Step = CommandOutcome['steps'][number];

const MAV_AUTOPILOT_ARDUPILOTMEGA = 3;
const MAV_AUTOPILOT_PX4 = 12;
const MAV_FRAME_GLOBAL_INT = 5;
/** ArduPilot's FENCE_TYPE bit for the maximum altitude fence. */
const FENCE_TYPE_ALT_MAX = 1;

/**
 * The sky road's top as the autopilot's altitude fence, which mission-protocol fence items
 * cannot carry: ArduPilot's FENCE_ALT_MAX (with the altitude fence enabled in FENCE_TYPE) or
 * PX4's GF_MAX_VER_DIST, both metres above home. A ceiling given above mean sea level is made
 * relative to the home the vehicle's own position reports imply.
 */
export async function setCeiling(v: Vehicle, ceiling: FenceCeiling, context: ExchangeContext): Promise<Step> {
  const step = (ok: boolean, result: string, message: string): Step => ({ step: 'ceiling', ok, result, message });
  let above = ceiling.alt;
  if (ceiling.frame === MAV_FRAME_GLOBAL_INT) {
    const home = v.telemetry.homeAmsl;
    if (home === null) return step(false, 'NO_POSITION', 'ceiling: no position yet to place home by');
    above = ceiling.alt - home;
  }
  above = Math.round(above * 10) / 10;
  if (!(above > 0)) return step(false, 'INVALID_PARAM', `ceiling: ${above} m above home`);
  const timing = COMMAND_TIMING;
  if (v.autopilot === MAV_AUTOPILOT_ARDUPILOTMEGA) {
    const max = await setParam(v, 'FENCE_ALT_MAX', above, MavParamType.REAL32, timing, context);
    if (!max.ok) return step(false, max.result, `ceiling: ${max.message}`);
    const type = await readParam(v, 'FENCE_TYPE', timing, context);
    if (!type.ok || type.value === null) return step(false, type.result, `ceiling: ${type.message}`);
    if (!(type.value & FENCE_TYPE_ALT_MAX)) {
      const on = await setParam(v, 'FENCE_TYPE', type.value | FENCE_TYPE_ALT_MAX, type.type!, timing, context);
      if (!on.ok) return step(false, on.result, `ceiling: ${on.message}`);
    }
    return step(true, 'ACCEPTED', `ceiling: FENCE_ALT_MAX ${above} m above home`);
  }
  if (v.autopilot === MAV_AUTOPILOT_PX4) {
    const max = await setParam(v, 'GF_MAX_VER_DIST', above, MavParamType.REAL32, timing, context);
    if (!max.ok) return step(false, max.result, `ceiling: ${max.message}`);
    return step(true, 'ACCEPTED', `ceiling: GF_MAX_VER_DIST ${above} m above home`);
  }
  return step(false, 'UNSUPPORTED', `ceiling: no altitude fence known for autopilot ${v.autopilot}`);
}

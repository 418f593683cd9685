import type { CommandOutcome, GatewayCommand, MissionItem } from '../server/protocol/index.ts';
import { setCeiling } from './ceiling.ts';
import type { GatewayClock } from './clock.ts';
import { ACTIONS, COMMAND_TIMING, commandLong } from './mavlink/commands.ts';
import { MavMissionType, QGC_TIMING, uploadItems } from './mavlink/mission.ts';
import type { Vehicles } from './vehicles.ts';

const MAV_AUTOPILOT_ARDUPILOTMEGA = 3;
const MAV_CMD_NAV_WAYPOINT = 16;
const MAV_FRAME_GLOBAL = 0;

type Step = CommandOutcome['steps'][number];

/**
 * ArduPilot keeps home as mission item 0 and overwrites whatever is uploaded there; the server's
 * missions start at the first real item, so a placeholder goes first for it (PX4 has no such item).
 */
function forAutopilot(mission: MissionItem[], autopilot: number): MissionItem[] {
  if (autopilot !== MAV_AUTOPILOT_ARDUPILOTMEGA || !mission.length) return mission;
  const first = mission[0]!;
  const home: MissionItem = {
    command: MAV_CMD_NAV_WAYPOINT,
    frame: MAV_FRAME_GLOBAL,
    param1: 0,
    param2: 0,
    param3: 0,
    param4: 0,
    lat: first.lat,
    lon: first.lon,
    alt: 0,
    autocontinue: true,
  };
  return [home, ...mission];
}

/** A step the vehicle cannot take at all: the rest of the upload goes on without it. */
function unsupported(step: Step): boolean {
  return step.result === 'UNSUPPORTED';
}

/**
 * Carries out one of the server's commands on the drone it names: a mission and fence upload,
 * or RTL / LAND / LOITER. The fence goes first, then the ceiling, then the mission, so the drone
 * never flies a new mission inside an old fence: a refused fence or ceiling stops there. A
 * vehicle that cannot take a fence at all (one on MAVLink 1, which carries no mission type;
 * ArduPilot answers UNSUPPORTED, an older autopilot nothing) still gets its mission, and the
 * outcome says what it flies without. The outcome says what the drone answered at each step.
 */
export async function execute(
  vehicles: Vehicles,
  command: GatewayCommand,
  context: { gatewayId: string; clock: GatewayClock; signal?: AbortSignal },
): Promise<CommandOutcome> {
  const outcome = (ok: boolean, result: string, message: string, steps: Step[]): CommandOutcome => ({
    id: command.id,
    droneId: command.droneId,
    action: command.action,
    ok,
    result,
    message,
    steps,
    gatewayId: context.gatewayId,
    completedAt: new Date(context.clock.now()).toISOString(),
  });
  const v = vehicles.byDroneId(command.droneId);
  if (!v) return outcome(false, 'NO_VEHICLE', `drone ${command.droneId} is not on gateway ${context.gatewayId}`, []);
  const exchange = { clock: context.clock, signal: context.signal };

  if (command.action !== 'upload') {
    const { command: cmd, params } = ACTIONS[command.action];
    const r = await commandLong(v, cmd, params, COMMAND_TIMING, exchange);
    return outcome(r.ok, r.result, r.message, [{ step: 'command', ...r }]);
  }

  const steps: Step[] = [];
  const failed = (s: Step) => outcome(false, s.result, s.message, steps);
  if (command.fence !== null) {
    const r = await uploadItems(v, command.fence, MavMissionType.FENCE, QGC_TIMING, exchange);
    const mavlink1 = v.mavlink === 1 && !r.ok && (r.result === 'TIMEOUT' || r.result === 'UNSUPPORTED');
    const s: Step = mavlink1
      ? {
          step: 'fence',
          ok: false,
          result: 'UNSUPPORTED',
          message: `fence: the vehicle speaks MAVLink 1 (${r.message})`,
        }
      : { step: 'fence', ...r };
    steps.push(s);
    if (!s.ok && !unsupported(s)) return failed(s);
  }
  if (command.ceiling) {
    const s = await setCeiling(v, command.ceiling, exchange);
    steps.push(s);
    if (!s.ok && !unsupported(s)) return failed(s);
  }
  if (command.mission !== null) {
    const items = forAutopilot(command.mission, v.autopilot);
    const s: Step = { step: 'mission', ...(await uploadItems(v, items, MavMissionType.MISSION, QGC_TIMING, exchange)) };
    steps.push(s);
    if (!s.ok) return failed(s);
  }
  const without = steps.filter(unsupported).map((s) => s.step);
  const message =
    steps.map((s) => s.message).join('; ') +
    (without.length ? `; the vehicle flies without its ${without.join(' and ')}` : '');
  const decisive = steps.filter((s) => s.ok).at(-1);
  return outcome(true, decisive?.result ?? 'ACCEPTED', message || 'nothing to upload', steps);
}

import type { CommandOutcome, GatewayCommand, MissionItem } from '../server/protocol/index.ts';
import { ACTIONS, commandLong } from './mavlink/commands.ts';
import { MavMissionType, uploadItems } from './mavlink/mission.ts';
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

/**
 * Carries out one of the server's commands on the drone it names: a mission and fence upload
 * (fence first, so the drone never flies a new mission inside an old fence; a refused fence
 * stops there), or RTL / LAND / LOITER. The outcome says what the drone answered at each step.
 */
export async function execute(
  vehicles: Vehicles,
  command: GatewayCommand,
  context: { gatewayId: string; clock: () => number; signal?: AbortSignal },
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
    completedAt: new Date(context.clock()).toISOString(),
  });
  const v = vehicles.byDroneId(command.droneId);
  if (!v) return outcome(false, 'NO_VEHICLE', `drone ${command.droneId} is not on gateway ${context.gatewayId}`, []);

  if (command.action !== 'upload') {
    const r = await commandLong(v, ACTIONS[command.action], [], undefined, context.signal);
    return outcome(r.ok, r.result, r.message, [{ step: 'command', ...r }]);
  }

  const steps: Step[] = [];
  const plan: Array<['fence' | 'mission', MissionItem[] | null, number]> = [
    ['fence', command.fence, MavMissionType.FENCE],
    ['mission', command.mission && forAutopilot(command.mission, v.autopilot), MavMissionType.MISSION],
  ];
  for (const [step, items, type] of plan) {
    if (items === null) continue;
    const r = await uploadItems(v, items, type, undefined, context.signal);
    steps.push({ step, ...r });
    if (!r.ok) return outcome(false, r.result, r.message, steps);
  }
  const last = steps.at(-1);
  return outcome(
    true,
    last?.result ?? 'ACCEPTED',
    steps.map((s) => s.message).join('; ') || 'nothing to upload',
    steps,
  );
}

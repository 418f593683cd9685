/** MAV_AUTOPILOT values whose custom modes we can name. */
const ARDUPILOT = 3;
const PX4 = 12;
/** MAV_MODE_FLAG_CUSTOM_MODE_ENABLED */
const CUSTOM_MODE_ENABLED = 1;

const COPTER: Record<number, string> = {
  0: 'STABILIZE',
  1: 'ACRO',
  2: 'ALT_HOLD',
  3: 'AUTO',
  4: 'GUIDED',
  5: 'LOITER',
  6: 'RTL',
  7: 'CIRCLE',
  9: 'LAND',
  11: 'DRIFT',
  13: 'SPORT',
  14: 'FLIP',
  15: 'AUTOTUNE',
  16: 'POSHOLD',
  17: 'BRAKE',
  18: 'THROW',
  19: 'AVOID_ADSB',
  20: 'GUIDED_NOGPS',
  21: 'SMART_RTL',
  22: 'FLOWHOLD',
  23: 'FOLLOW',
  24: 'ZIGZAG',
  25: 'SYSTEMID',
  26: 'AUTOROTATE',
  27: 'AUTO_RTL',
  28: 'TURTLE',
};
const PLANE: Record<number, string> = {
  0: 'MANUAL',
  1: 'CIRCLE',
  2: 'STABILIZE',
  3: 'TRAINING',
  4: 'ACRO',
  5: 'FBWA',
  6: 'FBWB',
  7: 'CRUISE',
  8: 'AUTOTUNE',
  10: 'AUTO',
  11: 'RTL',
  12: 'LOITER',
  13: 'TAKEOFF',
  14: 'AVOID_ADSB',
  15: 'GUIDED',
  17: 'QSTABILIZE',
  18: 'QHOVER',
  19: 'QLOITER',
  20: 'QLAND',
  21: 'QRTL',
  22: 'QAUTOTUNE',
  23: 'QACRO',
  24: 'THERMAL',
  25: 'LOITER_ALT_QLAND',
};
const ROVER: Record<number, string> = {
  0: 'MANUAL',
  1: 'ACRO',
  3: 'STEERING',
  4: 'HOLD',
  5: 'LOITER',
  6: 'FOLLOW',
  7: 'SIMPLE',
  8: 'DOCK',
  9: 'CIRCLE',
  10: 'AUTO',
  11: 'RTL',
  12: 'SMART_RTL',
  15: 'GUIDED',
};
const SUB: Record<number, string> = {
  0: 'STABILIZE',
  1: 'ACRO',
  2: 'ALT_HOLD',
  3: 'AUTO',
  4: 'GUIDED',
  7: 'CIRCLE',
  9: 'SURFACE',
  16: 'POSHOLD',
  19: 'MANUAL',
  20: 'MOTOR_DETECT',
  21: 'SURFTRAK',
};
/** ArduPilot picks its mode table by vehicle: MAV_TYPE → table. */
const ARDUPILOT_TABLES: Record<number, Record<number, string>> = {
  1: PLANE,
  16: PLANE,
  19: PLANE,
  20: PLANE,
  21: PLANE,
  22: PLANE,
  23: PLANE,
  24: PLANE,
  25: PLANE,
  10: ROVER,
  11: ROVER,
  12: SUB,
};

const PX4_MAIN: Record<number, string> = {
  1: 'MANUAL',
  2: 'ALTCTL',
  3: 'POSCTL',
  4: 'AUTO',
  5: 'ACRO',
  6: 'OFFBOARD',
  7: 'STABILIZED',
  8: 'RATTITUDE',
};
const PX4_AUTO: Record<number, string> = {
  1: 'READY',
  2: 'TAKEOFF',
  3: 'LOITER',
  4: 'MISSION',
  5: 'RTL',
  6: 'LAND',
  8: 'FOLLOW_TARGET',
  9: 'PRECLAND',
};

/** The flight mode a HEARTBEAT announces, as the autopilot names it; null when it announces none. */
export function modeName(autopilot: number, type: number, baseMode: number, customMode: number): string | null {
  if (!(baseMode & CUSTOM_MODE_ENABLED)) return null;
  if (autopilot === ARDUPILOT) return (ARDUPILOT_TABLES[type] ?? COPTER)[customMode] ?? `MODE_${customMode}`;
  if (autopilot === PX4) {
    const main = PX4_MAIN[(customMode >>> 16) & 0xff];
    if (!main) return `MODE_${customMode}`;
    const sub = main === 'AUTO' ? PX4_AUTO[(customMode >>> 24) & 0xff] : undefined;
    return sub ? `AUTO.${sub}` : main;
  }
  return `MODE_${customMode}`;
}

/** ArduCopter's custom mode numbers, for the simulator and for commands that set a mode. */
export const COPTER_MODE = {
  STABILIZE: 0,
  AUTO: 3,
  GUIDED: 4,
  LOITER: 5,
  RTL: 6,
  LAND: 9,
} as const;

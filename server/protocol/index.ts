/** The wire contract: the one module server, gateway and ui import their shapes from. */
export * from './common.ts';
export * from './flight-plans.ts';
export * from './planning.ts';
export * from './dips.ts';
export * from './geofences.ts';
export * from './airspace.ts';
export { wire } from './registry.ts';
export * from './telemetry.ts';
export * from './alerts.ts';
export * from './replay.ts';
export * from './live.ts';
export * from './trust.ts';
export * from './rid.ts';
export * from './rid-injection.ts';
export * from './f3548.ts';
export * from './interuss-flight-planning.ts';
export * from './f3548-uss.ts';
export * from './f3548-dss.ts';

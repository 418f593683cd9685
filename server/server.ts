import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketServer } from 'socket.io';
import type { Config } from './config.ts';
import { AirspaceEvents } from './events.ts';
import { AirspaceMirror } from './flights/mirror.ts';
import { presentPlan } from './flights/present.ts';
import { startExpiry } from './flights/expiry.ts';
import { FlightPlans } from './flights/service.ts';
import { makeDatum } from './geofences/datum.ts';
import { loadDem } from './geofences/dem.ts';
import { loadGeofenceDirectory } from './geofences/directory.ts';
import { egm96Undulation } from './geofences/geoid.ts';
import { Geofences } from './geofences/service.ts';
import { createApp } from './http/app.ts';
import { ui } from './http/static.ts';
import { gatewayTokenCheck } from './live/auth.ts';
import { attachGatewayNamespace, type GatewayHub } from './live/gateway.ts';
import { attachViewerNamespace, type ViewerHub } from './live/viewers.ts';
import type { Logger } from './log.ts';
import { createMetrics } from './metrics.ts';
import { LIVE_STATES } from './protocol/index.ts';
import { openDb } from './store/db.ts';
import { migrate } from './store/migrate.ts';
import { listStates } from './store/telemetry.ts';
import { AlertEvents } from './telemetry/alert-events.ts';
import { AlertBook } from './telemetry/alerts.ts';
import { DroneCommands } from './telemetry/commands.ts';
import { DroneEvents } from './telemetry/events.ts';
import { TelemetryIngest } from './telemetry/ingest.ts';
import { ConformanceMonitor } from './telemetry/monitor.ts';
import { conformanceParams } from './telemetry/params.ts';
import { SafeActions } from './telemetry/policy.ts';
import { startRetention } from './telemetry/retention.ts';

export interface RunningServer {
  url: string;
  port: number;
  flights: FlightPlans;
  geofences: Geofences;
  mirror: AirspaceMirror;
  /** socket.io on the server's port: `/gateway` today; the live map adds its namespace here. */
  io: SocketServer;
  /** Each accepted telemetry sample and each link change, for conformance and the live map. */
  droneEvents: DroneEvents;
  telemetry: TelemetryIngest;
  commands: DroneCommands;
  gateways: GatewayHub;
  /** Alerts announced once stored: the live map streams them. */
  alertEvents: AlertEvents;
  /** Alerts stored, deduplicated, acknowledged. */
  alerts: AlertBook;
  /** Conformance monitoring of every sample the ingest accepts. */
  monitor: ConformanceMonitor;
  viewers: ViewerHub;
  close(): Promise<void>;
}

/** Wires config → store → services → HTTP, and starts listening. */
export async function startServer(config: Config, log: Logger, clock: () => number = Date.now): Promise<RunningServer> {
  const db = await openDb({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onError: (err, context) => log.error({ err, context }, 'database client error'),
  });
  const applied = await migrate(db);
  if (applied.length) log.info({ applied }, 'database migrated');

  const events = new AirspaceEvents();
  const dem = config.terrainDem ? await loadDem(config.terrainDem) : null;
  if (dem) log.info({ dem: config.terrainDem, bbox: dem.bbox, width: dem.width, height: dem.height }, 'terrain model loaded');
  const datum = makeDatum(config.groundElevationM, [], dem);
  const metrics = createMetrics();
  if (config.geofencesDir) {
    const deps = { db, datum, params: config.airspace, buildingMarginM: config.buildingMarginM, clock, actor: 'startup' };
    await loadGeofenceDirectory(config.geofencesDir, deps, log);
  }
  const horizonMs = config.planningHorizonMs;
  const mirror = new AirspaceMirror({ db, datum, params: config.airspace, log, events, clock, horizonMs });
  await mirror.start();
  const flights = new FlightPlans({ db, mirror, datum, config, clock, log, events });
  const stopExpiry = startExpiry({ flights, log, intervalMs: 60_000 });
  const { stripeResolution } = config;
  const geofences = new Geofences({ db, mirror, clock, events, datum, params: config.airspace, stripeResolution, horizonMs });

  const droneEvents = new DroneEvents();
  const telemetry = new TelemetryIngest({ db, events: droneEvents, staleAfterMs: config.telemetryStaleMs, clock, log });
  await telemetry.start();
  // Frames are small arrays sent several times a second: compressing them costs more CPU than it saves.
  const io = new SocketServer({ perMessageDeflate: false });
  const gateways = attachGatewayNamespace(io, {
    ingest: telemetry,
    authorised: gatewayTokenCheck(config.adminToken, config.gatewayTokens),
    clock,
    log,
  });
  const commands = new DroneCommands({
    channel: gateways,
    carrier: (droneId) => telemetry.state(droneId)?.gatewayId ?? null,
    plans: flights,
    undulation: egm96Undulation,
    lateralBufferM: config.airspace.lateralBufferM,
    timeoutMs: config.commandTimeoutMs,
    log,
  });
  const alertEvents = new AlertEvents();
  const alerts = new AlertBook({ db, events: alertEvents, clock, log });
  await alerts.start();
  const monitor = new ConformanceMonitor({
    db,
    droneEvents,
    airspaceEvents: events,
    mirror,
    book: alerts,
    actions: new SafeActions({ policy: config.conformance.policy, commands, book: alerts, log }),
    datum,
    params: conformanceParams(config),
    lostLinkMs: config.conformance.lostLinkMs,
    contingentAfterMs: config.conformance.contingentAfterMs,
    clock,
    log,
  });
  await monitor.start();
  const retention = { db, retentionMs: config.telemetryRetentionMs, intervalMs: 3_600_000, clock, log };
  const stopRetention = startRetention(retention);
  const viewers = attachViewerNamespace(io, {
    droneEvents,
    airspaceEvents: events,
    alertEvents,
    initialStates: await listStates(db),
    livePlans: async () => (await flights.list({ states: LIVE_STATES, limit: 1000 })).map((p) => presentPlan(p)),
    openAlerts: () => alerts.list({ open: true, limit: 1000 }),
    clock,
    log,
  });

  const app = createApp({
    db,
    flights,
    geofences,
    mirror,
    metrics,
    log,
    clock,
    adminToken: config.adminToken,
    bandHeightM: config.airspace.bandHeightM,
    commands,
    telemetryStaleMs: config.telemetryStaleMs,
    alerts,
    ui: ui({ ...config.ui, telemetryStaleMs: config.telemetryStaleMs }, datum, log).router,
  });
  const server = http.createServer(app);
  io.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  log.info(
    { url, database: db.kind, livePlans: mirror.index.planCount, zones: mirror.index.zoneCount },
    'soramichi listening',
  );

  return {
    url,
    port,
    flights,
    geofences,
    mirror,
    io,
    droneEvents,
    telemetry,
    commands,
    gateways,
    alertEvents,
    alerts,
    monitor,
    viewers,
    async close() {
      stopExpiry();
      viewers.stop();
      telemetry.stop();
      await io.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await monitor.stop();
      await alerts.stop();
      await stopRetention();
      await mirror.stop();
      await db.close();
    },
  };
}

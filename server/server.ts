import fs from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Server as SocketServer } from 'socket.io';
import type { Express } from 'express';
import { AuditTrail } from './audit/trail.ts';
import { getPublication } from './store/f3548.ts';
import { system } from './auth/principal.ts';
import { ensureAdminToken } from './auth/admin-token.ts';
import { Authenticator } from './auth/authenticator.ts';
import { AuthFailures } from './auth/failures.ts';
import { TokenIssuer } from './auth/issuer.ts';
import { loadSecrets, SecretError } from './auth/secrets.ts';
import { InterussTokens } from './auth/interuss-tokens.ts';
import { Tokens } from './auth/tokens.ts';
import type { Config } from './config.ts';
import { AirspaceEvents } from './events.ts';
import { AirspaceMirror } from './flights/mirror.ts';
import { endExpiredPlans } from './flights/expiry.ts';
import { Caps } from './flights/caps.ts';
import { ReservedAirspace } from './flights/reserved.ts';
import { TelemetryHistory } from './telemetry/history.ts';
import { DecisionLog } from './flights/decision-log.ts';
import { HoldExpiry } from './flights/holds.ts';
import { FlightPlans, type Rights } from './flights/service.ts';
import { makeDatum } from './geofences/datum.ts';
import { loadDem } from './geofences/dem.ts';
import { loadGeofenceDirectory } from './geofences/directory.ts';
import { egm96Undulation } from './protocol/geoid.ts';
import { Geofences } from './geofences/service.ts';
import { createApp } from './http/app.ts';
import { IdempotentAnswers } from './idempotency/answers.ts';
import { FlightPlanning } from './interop/flight-planning/service.ts';
import { accessTokens } from './interop/f3548/access-tokens.ts';
import { Constraints } from './interop/f3548/constraints.ts';
import { Discovery } from './interop/f3548/discovery.ts';
import { OperationalIntents } from './interop/f3548/operational-intents.ts';
import type { UssIdentity } from './interop/f3548/our-intents.ts';
import { PeerIntents } from './interop/f3548/peer-intents.ts';
import { Publisher } from './interop/f3548/publisher.ts';
import { UtmClient } from './interop/f3548/utm-client.ts';
import { ui } from './http/static.ts';
import { RemoteIdService } from './interop/rid/service.ts';
import { joinCluster } from './live/cluster.ts';
import { attachGatewayNamespace, type GatewayHub } from './live/gateway.ts';
import { endSessionsWithTheirTokens } from './live/sessions.ts';
import { attachViewerNamespace, type ViewerHub } from './live/viewers.ts';
import { SocketQuota } from './live/socket-quota.ts';
import { socketAddress } from './live/client-address.ts';
import type { Logger } from './log.ts';
import { createMetrics } from './metrics.ts';
import { backgroundOf } from './background.ts';
import { every } from './periodic.ts';
import { transparencyStatement } from './privacy/transparency.ts';
import { Vault } from './privacy/vault.ts';
import { LIVE_STATES } from './protocol/index.ts';
import { openDb, type Db } from './store/db.ts';
import { prepareDatabase } from './store/roles.ts';
import { planOwner } from './store/plans.ts';
import { getState, listStates } from './store/telemetry.ts';
import { AlertEvents } from './telemetry/alert-events.ts';
import { AlertBook } from './telemetry/alerts.ts';
import { DroneCommands } from './telemetry/commands.ts';
import { DroneEvents } from './telemetry/events.ts';
import { TelemetryIngest } from './telemetry/ingest.ts';
import { ConformanceMonitor } from './telemetry/monitor.ts';
import { conformanceParams } from './telemetry/params.ts';
import { SafeActions } from './telemetry/policy.ts';
import { purgeTelemetry } from './telemetry/retention.ts';
import { DroneRegistry } from './rights/drones.ts';
import { PriorityGrants } from './rights/priority.ts';
import { ZoneAuthorizations } from './rights/zones.ts';
import { systemClock, type Clock } from './clock.ts';
import { pooledCompilers } from './workers/compilers.ts';

/** How long an Idempotency-Key's answer is kept: long enough for any client's retries. */
const IDEMPOTENCY_KEEP_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface RunningServer {
  url: string;
  port: number;
  /** The HTTP routes as Express holds them, for tests that compare them with openapi.json. */
  app: Express;
  /** The store, for tools and tests that look beneath the API. */
  db: Db;
  flights: FlightPlans;
  /** Who flies which drone, and the priority and zone rights granted. */
  rights: Rights;
  geofences: Geofences;
  mirror: AirspaceMirror;
  /** socket.io on the server's port: `/gateway` today; the live map adds its namespace here. */
  io: SocketServer;
  /** Each change of a plan or zone, whichever instance made it. */
  airspaceEvents: AirspaceEvents;
  /** Each accepted telemetry sample and each link change, for conformance and the live map. */
  droneEvents: DroneEvents;
  telemetry: TelemetryIngest;
  /** ASTM F3548-21: peers' intents held here, and (with a DSS) the publication of this USS's plans. */
  f3548: { peers: PeerIntents; publisher: Publisher | null };
  /** ASTM F3411 network Remote ID: live drones and injected test flights as display providers see them. */
  rid: RemoteIdService;
  commands: DroneCommands;
  gateways: GatewayHub;
  /** Alerts announced once stored: the live map streams them. */
  alertEvents: AlertEvents;
  /** Alerts stored, deduplicated, acknowledged. */
  alerts: AlertBook;
  /** Conformance monitoring of every sample the ingest accepts. */
  monitor: ConformanceMonitor;
  viewers: ViewerHub;
  issuer: TokenIssuer;
  audit: AuditTrail;
  close(): Promise<void>;
}

/** Wires config → store → services → HTTP, and starts listening. */
export async function startServer(config: Config, log: Logger, clock: Clock = systemClock): Promise<RunningServer> {
  // Before anything is opened: a production server with a weak secret must not start at all.
  const secrets = await loadSecrets({
    jwtSecret: config.auth.jwtSecret,
    dataKey: config.auth.dataKey,
    adminToken: config.adminToken,
    dataDir: config.dataDir,
    production: config.production,
  });
  const tls = config.http.tls
    ? { cert: await fs.readFile(config.http.tls.certFile), key: await fs.readFile(config.http.tls.keyFile) }
    : null;
  const interussAuthority = config.auth.interuss;
  const interussTokens = interussAuthority
    ? await InterussTokens.fromPem(
        await fs.readFile(interussAuthority.publicKeyFile, 'utf8'),
        interussAuthority.audiences,
        clock,
        `INTERUSS_PUBLIC_KEY_FILE ${interussAuthority.publicKeyFile}`,
      )
    : null;
  const dss = config.uss.dss;
  // Before any database is opened, like the InterUSS key: a wrong key file stops the start with its name.
  const ussTokens = dss ? await accessTokens(dss.tokens, config.uss.id, clock) : null;
  const onDbError = (err: Error, context: string) => log.error({ err, context }, 'database client error');
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, onError: onDbError });
  const { applied, auditGuarded } = await prepareDatabase(db, config.migrationDatabaseUrl, onDbError);
  if (applied.length) log.info({ applied }, 'database migrated');
  if (auditGuarded === false) {
    const why =
      "the server's database role could disable the audit trail's triggers (it owns audit_log or is a superuser): give migrations the owner's MIGRATION_DATABASE_URL and DATABASE_URL a role of its own";
    if (config.production) {
      await db.close();
      throw new SecretError(why);
    }
    log.warn(why);
  }

  const vault = new Vault(secrets.dataKey);
  const metrics = createMetrics();
  const logOf = (component: string) => log.child({ component });
  const background = backgroundOf(logOf('background'), metrics.backgroundFailures);
  const tokens = new Tokens({ secret: secrets.jwtSecret, jwksUrl: config.auth.jwksUrl, clock });
  const issuer = new TokenIssuer({ db, tokens, clock, log: logOf('tokens') });
  await issuer.start();
  const authenticator = new Authenticator(tokens, (id) => issuer.isRevoked(id), config.adminToken, interussTokens);
  const audit = new AuditTrail({ db, clock, log: logOf('audit'), retentionMs: config.auditRetentionMs });
  const authFailures = new AuthFailures({
    clock,
    audit,
    log: logOf('auth'),
    background,
    perMinute: config.http.authFailuresPerMinute,
  });
  authFailures.start();
  const addressOf = socketAddress(config.http.trustProxy);
  const socketAuth = {
    fromHeader: (header: string | undefined | null) => authenticator.fromHeader(header),
    fromToken: (token: string) => authenticator.fromToken(token),
    failures: authFailures,
    address: addressOf,
  };
  const answers = new IdempotentAnswers({ db, vault, clock, log: logOf('idempotency'), keepMs: IDEMPOTENCY_KEEP_MS });

  const events = new AirspaceEvents();
  const dem = config.terrainDem ? await loadDem(config.terrainDem) : null;
  if (dem)
    log.info({ dem: config.terrainDem, bbox: dem.bbox, width: dem.width, height: dem.height }, 'terrain model loaded');
  const datum = makeDatum(config.groundElevationM, [], dem);
  if (config.geofencesDir) {
    const deps = {
      db,
      datum,
      params: config.airspace,
      buildingMarginM: config.buildingMarginM,
      clock,
      actor: system('startup').subject,
    };
    await loadGeofenceDirectory(config.geofencesDir, deps, logOf('zones'));
  }
  const horizonMs = config.planningHorizonMs;
  const compilers = pooledCompilers(
    { params: config.airspace, groundElevationM: config.groundElevationM, terrainDem: config.terrainDem },
    config.workerThreads,
  );
  const mirror = new AirspaceMirror({ db, compilers, log: logOf('mirror'), background, events, clock, horizonMs });
  await mirror.start();
  const rights: Rights = {
    drones: new DroneRegistry({ db, clock }),
    priorities: new PriorityGrants({ db, clock, normalPriority: config.normalPriority }),
    zones: new ZoneAuthorizations({ db, clock }),
  };
  const decisions = new DecisionLog({ db, log: logOf('decisions') });
  const caps = new Caps({ db, clock, defaultCellHours: config.defaultCapCellHours });
  // The base URL peers reach this USS at is the server's own until it listens, unless configured.
  const uss: UssIdentity = { id: config.uss.id, baseUrl: config.uss.baseUrl ?? '' };
  const identity = () => uss;
  const { bandHeightM } = config.airspace;
  const peers = new PeerIntents({ db, mirror, events, datum, config, clock });
  const utm = dss && ussTokens ? new UtmClient(dss.url, ussTokens) : null;
  const publisher = utm
    ? new Publisher({ db, client: utm, peers, identity, bandHeightM, events, clock, log: logOf('dss') })
    : null;
  const discovery = utm ? new Discovery({ client: utm, peers, identity, bandHeightM, log: logOf('dss') }) : null;
  const flights = new FlightPlans({
    db,
    mirror,
    datum,
    config,
    clock,
    log: logOf('flights'),
    events,
    vault,
    decisions,
    rights,
    audit,
    compilers,
    ...(discovery ? { shared: discovery } : {}),
  });
  const interuss = new FlightPlanning({
    db,
    flights,
    drones: rights.drones,
    datum,
    events,
    clock,
    log: logOf('interuss'),
  });
  interuss.start();
  const stopExpiry = every(
    clock,
    60_000,
    'ending expired plans',
    () => endExpiredPlans(flights, logOf('expiry')),
    background,
  );
  const holds = new HoldExpiry({ db, flights, events, clock, log: logOf('holds'), background });
  await holds.start();
  const { stripeResolution, lockBucketMs } = config;
  const geofences = new Geofences({
    db,
    mirror,
    clock,
    events,
    datum,
    params: config.airspace,
    stripeResolution,
    lockBucketMs,
    compilers,
  });

  const droneEvents = new DroneEvents();
  const telemetry = new TelemetryIngest({
    db,
    events: droneEvents,
    staleAfterMs: config.telemetryStaleMs,
    clock,
    log: logOf('ingest'),
    background,
  });
  await telemetry.start();
  // Frames are small arrays sent several times a second: compressing them costs more CPU than it saves.
  const io = new SocketServer({ perMessageDeflate: false });
  const leaveCluster = config.databaseUrl ? joinCluster(io, config.databaseUrl, logOf('cluster')) : null;
  const rid = new RemoteIdService({
    db,
    events: droneEvents,
    clock,
    flightIdKey: secrets.dataKey,
    peers: leaveCluster ? io.of('/rid-peers') : null,
  });
  await rid.start();
  const gateways = attachGatewayNamespace(io, {
    ingest: telemetry,
    authenticate: socketAuth,
    clock,
    log: logOf('gateway-socket'),
    background,
  });
  const commands = new DroneCommands({
    channel: gateways,
    carrier: async (droneId) => (await getState(db, droneId))?.gatewayId ?? null,
    plans: flights,
    requireOperator: (droneId, who) => rights.drones.requireOperator(db, droneId, who, 'id'),
    undulation: egm96Undulation,
    lateralBufferM: config.airspace.lateralBufferM,
    verticalBufferM: config.airspace.verticalBufferM,
    timeoutMs: config.commandTimeoutMs,
    log: logOf('commands'),
  });
  const alertEvents = new AlertEvents();
  const alerts = new AlertBook({ db, events: alertEvents, clock, log: logOf('alerts'), background });
  await alerts.start();
  const monitor = new ConformanceMonitor({
    background,
    flights,
    db,
    droneEvents,
    airspaceEvents: events,
    mirror,
    book: alerts,
    actions: new SafeActions({
      policy: config.conformance.policy,
      commands,
      book: alerts,
      audit,
      log: logOf('safe-actions'),
    }),
    datum,
    params: conformanceParams(config),
    lostLinkMs: config.conformance.lostLinkMs,
    contingentAfterMs: config.conformance.contingentAfterMs,
    clock,
    log: logOf('monitor'),
  });
  await monitor.start();
  const retention = { db, retentionMs: config.telemetryRetentionMs, clock, log };
  const housekeeping = [
    stopExpiry,
    every(clock, 60_000, 'ending peers’ expired intents', () => peers.expire(), background),
    ...(publisher ? [every(clock, 60_000, 'publishing plans to the DSS', () => publisher.sweep(), background)] : []),
    every(clock, HOUR_MS, 'telemetry purge', () => purgeTelemetry(retention), background),
    every(clock, HOUR_MS, 'audit purge', () => audit.purge(), background),
    every(clock, HOUR_MS, 'idempotency purge', () => answers.purge(), background),
  ];
  const viewers = attachViewerNamespace(io, {
    background,
    droneEvents,
    airspaceEvents: events,
    alertEvents,
    initialStates: await listStates(db),
    livePlans: () => flights.list({ states: LIVE_STATES, limit: 1000 }),
    openAlerts: (owner) => alerts.list({ open: true, owner, limit: 1000 }),
    planOwner: (id) => planOwner(db, id),
    authenticate: socketAuth,
    clustered: leaveCluster !== null,
    clock,
    log: logOf('live'),
  });
  const sockets = new SocketQuota(config.http.socketsPerToken, addressOf);
  sockets.guard(io.of('/live'));
  sockets.guard(io.of('/gateway'));

  const stopEndingSessions = endSessionsWithTheirTokens([io.of('/gateway'), io.of('/live')], {
    onRevoked: (listener) => issuer.onRevoked(listener),
    clock,
    log: logOf('sessions'),
  });

  const { version } = JSON.parse(await fs.readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  const app = createApp({
    database: {
      kind: db.kind,
      ping: async () => {
        await db.query('SELECT 1');
      },
    },
    flights,
    rights,
    interuss,
    versions: { soramichi: `v${version}` },
    geofences,
    mirror,
    metrics,
    log: logOf('http'),
    clock,
    authenticator,
    authFailures,
    issuer,
    audit,
    answers,
    vault,
    transparency: transparencyStatement({
      controller: config.dataController,
      telemetryRetentionMs: config.telemetryRetentionMs,
      auditRetentionMs: config.auditRetentionMs,
      idempotencyKeepMs: IDEMPOTENCY_KEEP_MS,
    }),
    http: {
      rateLimitPerMinute: config.http.rateLimitPerMinute,
      corsOrigins: config.http.corsOrigins,
      trustProxy: config.http.trustProxy,
      tls: tls !== null,
      tileUrl: config.ui.tiles?.url ?? null,
    },
    bandHeightM: config.airspace.bandHeightM,
    datum,
    commands,
    telemetryStaleMs: config.telemetryStaleMs,
    alerts,
    rid,
    decisions,
    caps,
    history: new TelemetryHistory({ db }),
    reserved: new ReservedAirspace({
      db,
      capacityResolution: config.capacityResolution,
      airspace: config.airspace,
    }),
    uss: {
      intents: new OperationalIntents({ db, peers, identity, dss: dss !== null, bandHeightM, clock }),
      constraints: new Constraints({ db, geofences, identity, datum, horizonMs, clock, log: logOf('f3548') }),
    },
    dssUrl: dss?.url ?? null,
    publication: (planId) => getPublication(db, planId),
    planning: config,
    ui: ui({ ...config.ui, telemetryStaleMs: config.telemetryStaleMs }, datum, logOf('ui')).router,
  });
  const server = tls ? https.createServer(tls, app) : http.createServer(app);
  io.attach(server, { cors: { origin: config.http.corsOrigins, credentials: false } });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${tls ? 'https' : 'http'}://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  uss.baseUrl ||= url;
  publisher?.start();
  log.info(
    { url, database: db.kind, livePlans: mirror.index.planCount, zones: mirror.index.zoneCount },
    'soramichi listening',
  );
  if (!config.adminToken && !config.databaseUrl) {
    await ensureAdminToken({
      dataDir: config.dataDir,
      issuer,
      authenticator,
      log: logOf('admin-token'),
      url: () => url,
    });
  } else if (!config.adminToken) {
    log.info('no ADMIN_TOKEN: issue tokens with npm run token (it signs with JWT_SECRET)');
  }

  return {
    url,
    port,
    app,
    db,
    flights,
    rights,
    geofences,
    mirror,
    io,
    airspaceEvents: events,
    droneEvents,
    telemetry,
    rid,
    f3548: { peers, publisher },
    commands,
    gateways,
    alertEvents,
    alerts,
    monitor,
    viewers,
    issuer,
    audit,
    async close() {
      stopEndingSessions();
      viewers.stop();
      rid.stop();
      interuss.stop();
      telemetry.stop();
      await io.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await monitor.stop();
      await alerts.stop();
      await Promise.all(housekeeping.map((stop) => stop()));
      await publisher?.stop();
      await holds.stop();
      await decisions.drain();
      await authFailures.stop();
      await issuer.stop();
      await leaveCluster?.();
      await mirror.stop();
      await compilers.close();
      await db.close();
    },
  };
}

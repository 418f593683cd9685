import express, { type Express, type Router } from 'express';
import type { Datum } from '../airspace/altitude.ts';
import type { AuditTrail } from '../audit/trail.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import type { Config } from '../config.ts';
import type { AuthFailures } from '../auth/failures.ts';
import type { TokenIssuer } from '../auth/issuer.ts';
import type { Caps } from '../flights/caps.ts';
import type { ReservedAirspace } from '../flights/reserved.ts';
import type { TelemetryHistory } from '../telemetry/history.ts';
import type { DecisionLog } from '../flights/decision-log.ts';
import type { FlightPlans, Rights } from '../flights/service.ts';
import { flightPlanningRouter } from '../interop/flight-planning/router.ts';
import type { FlightPlanning } from '../interop/flight-planning/service.ts';
import { versioningRouter } from '../interop/versioning/router.ts';
import type { Constraints } from '../interop/f3548/constraints.ts';
import type { OperationalIntents } from '../interop/f3548/operational-intents.ts';
import { publicationRouter, type PublicationLookup } from '../interop/f3548/publication-router.ts';
import { ussRouter } from '../interop/f3548/router.ts';
import type { AirspaceMirror } from '../flights/mirror.ts';
import type { Geofences } from '../geofences/service.ts';
import { ridFlightsRouter } from '../interop/rid/flights-router.ts';
import { ridInjectionRouter } from '../interop/rid/injection-router.ts';
import type { RemoteIdService } from '../interop/rid/service.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { Vault } from '../privacy/vault.ts';
import type { Transparency } from '../protocol/index.ts';
import type { AlertBook } from '../telemetry/alerts.ts';
import type { DroneCommands } from '../telemetry/commands.ts';
import { auditWrites } from './audit.ts';
import { authenticate } from './auth.ts';
import { errorHandler, notFound } from './errors.ts';
import { requestIds } from './request-log.ts';
import type { IdempotentAnswers } from '../idempotency/answers.ts';
import { refuseDeepJson } from './json-depth.ts';
import { openApiDocument } from './openapi.ts';
import { perTokenRateLimit } from './rate-limit.ts';
import { airspaceCheckRouter } from './routes/airspace-check.ts';
import { alertsRouter } from './routes/alerts.ts';
import { airspaceRouter } from './routes/airspace.ts';
import { auditRouter } from './routes/audit.ts';
import { capacityRouter } from './routes/capacity.ts';
import { capsRouter } from './routes/caps.ts';
import { decisionsRouter } from './routes/decisions.ts';
import { dronesRouter } from './routes/drones.ts';
import { flightPlansRouter } from './routes/flight-plans.ts';
import { geofencesRouter } from './routes/geofences.ts';
import { healthRouter, type DatabaseHealth } from './routes/health.ts';
import { replayRouter } from './routes/replay.ts';
import { rulesRouter } from './routes/rules.ts';
import { droneRegistrationsRouter, priorityGrantsRouter, zoneAuthorizationsRouter } from './routes/rights.ts';
import { tokensRouter } from './routes/tokens.ts';
import { aboutRouter } from './routes/about.ts';
import { corsPolicy, securityHeaders } from './security.ts';
import { refuseUnstorableText } from './storable-text.ts';
import { type Clock } from '../clock.ts';
import { LIMITS } from '../limits.ts';

export interface AppDeps {
  /** The database as the health check sees it. */
  database: DatabaseHealth;
  flights: FlightPlans;
  /** InterUSS flight_planning/v1 over the same flights. */
  interuss: FlightPlanning;
  /** System boundaries and their versions, for InterUSS's versioning interface. */
  versions: Readonly<Record<string, string>>;
  rights: Rights;
  geofences: Geofences;
  mirror: AirspaceMirror;
  metrics: Metrics;
  log: Logger;
  clock: Clock;
  authenticator: Authenticator;
  authFailures: AuthFailures;
  issuer: TokenIssuer;
  audit: AuditTrail;
  answers: IdempotentAnswers;
  vault: Vault;
  transparency: Transparency;
  bandHeightM: number;
  /** The geoid and terrain, for spatial IDs counted above mean sea level. */
  datum: Datum;
  commands: DroneCommands;
  telemetryStaleMs: number;
  alerts: AlertBook;
  rid: RemoteIdService;
  /** Refusals on their way to the decisions report. */
  decisions: DecisionLog;
  caps: Caps;
  /** Stored telemetry: states, tracks, replay. */
  history: TelemetryHistory;
  /** Live plans' keys by area and window. */
  reserved: ReservedAirspace;
  /** ASTM F3548-21 USS↔USS: this USS's operational intents and constraints, and peers' notifications. */
  uss: { intents: OperationalIntents; constraints: Constraints };
  /** The DSS plans are published to; null: none. */
  dssUrl: string | null;
  /** Where the DSS stands with one of this USS's plans. */
  publication: PublicationLookup;
  /** What the planning endpoints publish and count with: the rules, holds, caps and capacity. */
  planning: Pick<
    Config,
    'airspace' | 'holdMs' | 'defaultCapCellHours' | 'planningHorizonMs' | 'departureGraceMs' | 'capacityResolution'
  >;
  http: {
    /** Requests a minute per token (per address for the public); 0: no limit. */
    rateLimitPerMinute: number;
    corsOrigins: readonly string[];
    /** Express's `trust proxy`: which proxies' X-Forwarded-For to believe for client addresses. */
    trustProxy: number | string | false;
    tls: boolean;
    tileUrl: string | null;
  };
  /** The web UI's pages, assets and configuration. */
  ui: Router;
}

/**
 * Where the API lives: rate-limited per token, answered 404 in JSON rather than by the UI, and
 * documented route for route in openapi.json.
 */
export const API_PREFIXES: readonly string[] = ['/api', '/rid', '/ridsp', '/flight_planning', '/versioning', '/uss'];

/** The largest request the limits allow (a plan's 10,000 outline vertices) is about 500 kB of JSON. */
const BODY_LIMIT = '2mb';

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestIds(deps.log));
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.http.trustProxy);
  app.use(securityHeaders({ tileUrl: deps.http.tileUrl, tls: deps.http.tls }));
  app.use(corsPolicy(deps.http.corsOrigins));
  // Before the body is read: a refused body (too large, broken JSON) is a write attempt too.
  app.use(auditWrites(deps.audit, deps.authenticator));
  app.use(
    express.json({
      limit: BODY_LIMIT,
      type: ['application/json', 'application/geo+json', 'application/*+json'],
      verify: refuseDeepJson(LIMITS.maxJsonDepth),
    }),
  );
  app.use(refuseUnstorableText);
  app.use(authenticate(deps.authenticator, deps.authFailures));
  app.use([...API_PREFIXES], perTokenRateLimit(deps.http.rateLimitPerMinute));
  app.use((req, res, next) => {
    res.on('finish', () => {
      const route = (req.route?.path as string | undefined) ?? 'unmatched';
      deps.metrics.httpRequests.inc({ method: req.method, route: `${req.baseUrl}${route}`, status: res.statusCode });
    });
    next();
  });

  const document = openApiDocument();
  app.get('/openapi.json', (_req, res) => void res.json(document));
  app.use(healthRouter(deps));
  app.use('/api/v1/flight-plans', flightPlansRouter(deps));
  app.use('/api/v1/flight-plans', publicationRouter(deps));
  app.use('/api/v1/geofences', geofencesRouter(deps));
  app.use('/api/v1/airspace/check', airspaceCheckRouter(deps));
  app.use('/api/v1/airspace', airspaceRouter(deps));
  app.use('/api/v1/capacity', capacityRouter(deps));
  app.use('/api/v1/rules', rulesRouter({ caps: deps.caps, config: deps.planning }));
  app.use('/api/v1/caps', capsRouter(deps));
  app.use('/api/v1/decisions', decisionsRouter(deps));
  app.use('/api/v1/drones', dronesRouter({ ...deps, staleAfterMs: deps.telemetryStaleMs }));
  app.use('/api/v1/drone-registrations', droneRegistrationsRouter(deps));
  app.use('/api/v1/priority-grants', priorityGrantsRouter(deps));
  app.use('/api/v1/zone-authorizations', zoneAuthorizationsRouter(deps));
  app.use('/api/v1/alerts', alertsRouter(deps));
  app.use('/api/v1/replay', replayRouter(deps));
  app.use('/api/v1/tokens', tokensRouter(deps));
  app.use('/api/v1/audit', auditRouter(deps));
  app.use('/api/v1', aboutRouter(deps.transparency));
  app.use('/rid/v2', ridFlightsRouter(deps));
  app.use('/ridsp/injection', ridInjectionRouter({ injected: deps.rid.injected, clock: deps.clock }));
  app.use('/flight_planning/v1', flightPlanningRouter(deps));
  app.use('/versioning', versioningRouter(deps.versions));
  app.use('/uss/v1', ussRouter(deps.uss));
  app.use([...API_PREFIXES], notFound);
  app.use(deps.ui);
  app.use(errorHandler(deps.log));
  return app;
}

import express, { type Express, type Router } from 'express';
import type { FlightPlans } from '../flights/service.ts';
import type { AirspaceMirror } from '../flights/mirror.ts';
import type { Geofences } from '../geofences/service.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { Db } from '../store/db.ts';
import type { AlertBook } from '../telemetry/alerts.ts';
import type { DroneCommands } from '../telemetry/commands.ts';
import { errorHandler, notFound } from './errors.ts';
import { openApiDocument } from './openapi.ts';
import { airspaceCheckRouter } from './routes/airspace-check.ts';
import { alertsRouter } from './routes/alerts.ts';
import { airspaceRouter } from './routes/airspace.ts';
import { dronesRouter } from './routes/drones.ts';
import { flightPlansRouter } from './routes/flight-plans.ts';
import { geofencesRouter } from './routes/geofences.ts';
import { healthRouter } from './routes/health.ts';
import { replayRouter } from './routes/replay.ts';

export interface AppDeps {
  db: Db;
  flights: FlightPlans;
  geofences: Geofences;
  mirror: AirspaceMirror;
  metrics: Metrics;
  log: Logger;
  clock: () => number;
  adminToken: string | undefined;
  bandHeightM: number;
  commands: DroneCommands;
  telemetryStaleMs: number;
  alerts: AlertBook;
  /** The web UI's pages, assets and configuration. */
  ui: Router;
}

/** A plan of 10,000 waypoints is about 600 kB of JSON; nothing legitimate is larger. */
const BODY_LIMIT = '2mb';

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(
    express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/geo+json', 'application/*+json'] }),
  );
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
  app.use('/api/v1/geofences', geofencesRouter(deps));
  app.use('/api/v1/airspace/check', airspaceCheckRouter(deps));
  app.use('/api/v1/airspace', airspaceRouter(deps));
  app.use('/api/v1/drones', dronesRouter({ ...deps, staleAfterMs: deps.telemetryStaleMs }));
  app.use('/api/v1/alerts', alertsRouter(deps));
  app.use('/api/v1/replay', replayRouter(deps));
  app.use('/api', notFound);
  app.use(deps.ui);
  app.use(errorHandler(deps.log));
  return app;
}

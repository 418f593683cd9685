import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { AirspaceParams } from './airspace/types.ts';
import { MIN_AUDIT_RETENTION_DAYS } from './audit/trail.ts';
import { AlertKind, SafeAction } from './protocol/alerts.ts';

const int = (fallback: number) => z.coerce.number().int().default(fallback);

/**
 * What monitoring sends a drone for each kind of alert unless ALERT_POLICY says otherwise: a
 * drone in a zone it may not enter is brought home; the rest are the operator's to act on (a lost
 * link cannot carry a command, and the autopilot's own failsafe handles it).
 */
export const DEFAULT_ALERT_POLICY: Readonly<Record<AlertKind, SafeAction>> = {
  nonconforming: 'notify',
  contingent: 'notify',
  geofence_breach: 'rtl',
  lost_link: 'notify',
  proximity: 'notify',
  unplanned_flight: 'notify',
  low_battery: 'notify',
  zone_over_active_plan: 'notify',
  // A command to a shared id may reach either drone: only people can sort it out.
  id_collision: 'notify',
  priority_over_active_plan: 'notify',
};

/** `kind:action,kind:action` over the defaults. */
const AlertPolicyEnv = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const policy = { ...DEFAULT_ALERT_POLICY };
    for (const entry of text
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)) {
      const [kind, action, ...rest] = entry.split(':').map((p) => p.trim());
      const k = AlertKind.safeParse(kind);
      const a = SafeAction.safeParse(action);
      if (rest.length || !k.success || !a.success) {
        ctx.addIssue({
          code: 'custom',
          message: `"${entry}" must be kind:action with kind one of ${AlertKind.options.join(', ')} and action one of ${SafeAction.options.join(', ')}`,
        });
        return z.NEVER;
      }
      policy[k.data] = a.data;
    }
    return policy;
  });
const num = (fallback: number) => z.coerce.number().finite().default(fallback);
const list = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
  );

const EnvSchema = z.object({
  PORT: int(8080).pipe(z.number().min(0).max(65_535)),
  HOST: z.string().default('0.0.0.0'),
  /** A directory for the embedded database, or memory:// for one that lives and dies with the process. */
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  /** The tables' owner, for migrations; DATABASE_URL is then a role that may not alter them. */
  MIGRATION_DATABASE_URL: z.string().url().optional(),
  ADMIN_TOKEN: z.string().min(16).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  H3_RESOLUTION: int(11).pipe(z.number().min(7).max(13)),
  BAND_HEIGHT_M: num(16).pipe(z.number().positive()),
  LATERAL_BUFFER_M: num(25).pipe(z.number().min(0)),
  VERTICAL_BUFFER_M: num(8).pipe(z.number().min(0)),
  TIME_BEFORE_S: num(30).pipe(z.number().min(0)),
  TIME_AFTER_S: num(60).pipe(z.number().min(0)),
  CLIMB_RATE_MPS: num(3).pipe(z.number().positive()),
  STRIPE_RESOLUTION: int(8).pipe(z.number().min(0).max(10)),
  /** Length of the time buckets the arbiter locks a stripe in (server/store/sky-locks.ts). */
  LOCK_BUCKET_S: int(300).pipe(z.number().min(1, 'at least 1 second').max(86_400, 'at most a day')),
  PLANNING_HORIZON_DAYS: num(30).pipe(z.number().positive()),
  /** The highest priority an operator files with unless an administrator granted it more (F3548: higher pre-empts). */
  NORMAL_PRIORITY: num(0).pipe(z.number().int().min(0).max(1000)),
  DEPARTURE_GRACE_S: num(60).pipe(z.number().min(0)),
  /** How long a held plan keeps its sky road unconfirmed (仮押さえ). */
  HOLD_S: num(600).pipe(z.number().min(10, 'at least 10 seconds').max(86_400, 'at most a day')),
  /** Most cell-hours an operator without a cap of its own may hold at once; unset: no cap. */
  OPERATOR_CAP_CELL_HOURS: z.coerce.number().finite().positive().optional(),
  /** H3 resolution of the coarse cells capacity is counted in. */
  CAPACITY_RESOLUTION: int(8).pipe(z.number().min(5).max(10)),
  GROUND_ELEVATION_M: num(0),
  /** A DEM GeoTIFF (lat/lon grid, metres above mean sea level) for AGL; unset: flat ground. */
  TERRAIN_DEM: z.string().optional(),
  /** Zone files loaded at start (GeoJSON, ED-269, ED-318, PLATEAU CityGML); empty: none. */
  GEOFENCES_DIR: z.string().default('./geofences'),
  BUILDING_MARGIN_M: num(10).pipe(z.number().min(0)),
  /** Worker threads compiling plans (zones have one of their own): one per core but the event loop's. */
  WORKER_THREADS: int(Math.max(1, os.availableParallelism() - 1)).pipe(z.number().min(1).max(64)),

  NODE_ENV: z.string().default('development'),
  /** Signs and verifies the tokens this server issues (HS256); unset on a laptop: generated under DATA_DIR. */
  JWT_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /** An identity provider's JWKS, for people's tokens it signs (audience "soramichi", a `role` claim). */
  JWKS_URL: z.string().url().optional(),
  /** The InterUSS test authority's RS256 public key (PEM file): enables its scoped tokens on /flight_planning/v1. */
  INTERUSS_PUBLIC_KEY_FILE: z.string().optional(),
  /** Host names InterUSS tokens must name as `aud` (this server's, as the test driver calls it), comma-separated. */
  INTERUSS_AUDIENCE: list,
  /** An ASTM F3548-21 DSS (its base URL, before /dss/v1): plans are published there and peers' intents read from it; unset: none. */
  DSS_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** This USS's base URL as peers reach its /uss/v1 endpoints (no trailing /); default: the server's own URL. */
  USS_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .refine((u) => !u.endsWith('/'), 'must not end with /')
    .optional(),
  /** This USS's client id at the authority: the `sub` of its access tokens, the manager the DSS names. */
  USS_ID: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\w.:@-]+$/, 'letters, digits and . : @ - _')
    .default('soramichi'),
  /** An RSA private key (PEM, PKCS#8) this USS signs its own access tokens with, for an authority that trusts its public key. */
  USS_TOKEN_KEY_FILE: z.string().optional(),
  /** Or an OAuth 2.0 token endpoint that grants this USS access tokens (client credentials). */
  USS_TOKEN_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The client secret for USS_TOKEN_URL (sent with USS_ID as HTTP Basic); unset: none. */
  USS_CLIENT_SECRET: z.string().optional(),
  /** 32 bytes, base64: encrypts personal data at rest; unset on a laptop: generated under DATA_DIR. */
  DATA_KEY: z.string().optional(),
  TLS_CERT: z.string().optional(),
  TLS_KEY: z.string().optional(),
  /** Origins allowed to call the API from a browser page of theirs, comma-separated. */
  CORS_ORIGINS: list,
  RATE_LIMIT_PER_MINUTE: int(1200).pipe(z.number().min(0)),
  /** Failed authentications a minute per client address before its attempts are refused unverified; 0: no limit. */
  AUTH_FAILURES_PER_MINUTE: int(30).pipe(z.number().min(0)),
  /** Sockets one token subject may hold at once on /live and /gateway of one instance (the public: per address). */
  SOCKETS_PER_TOKEN: int(50).pipe(z.number().min(1)),
  /** Express's trust proxy: a hop count, or addresses/subnets, of the proxies in front; unset: none. */
  TRUST_PROXY: z.string().optional(),
  AUDIT_RETENTION_DAYS: num(365).pipe(
    z.number().min(MIN_AUDIT_RETENTION_DAYS, `at least ${MIN_AUDIT_RETENTION_DAYS} days`),
  ),
  /** Who answers for the data, as GET /api/v1/transparency names it. */
  DATA_CONTROLLER: z.string().default('the city that runs this service'),
  TELEMETRY_STALE_S: num(5).pipe(z.number().positive()),
  COMMAND_TIMEOUT_S: num(60).pipe(z.number().positive()),
  /** A flying drone silent this long raises lost_link. */
  LOST_LINK_S: num(5).pipe(z.number().positive()),
  /** A nonconforming plan back inside its sky road within this long is Activated again; otherwise Contingent (F3548). */
  CONTINGENT_AFTER_S: num(60).pipe(z.number().positive()),
  PROXIMITY_HORIZONTAL_M: num(50).pipe(z.number().positive().max(5000)),
  PROXIMITY_VERTICAL_M: num(20).pipe(z.number().positive()),
  LOW_BATTERY_PERCENT: num(30).pipe(z.number().min(0).max(100)),
  BATTERY_RESERVE_PERCENT: num(10).pipe(z.number().min(0).max(100)),
  /** Flight time of a full battery, until a flight has measured its own drain. */
  BATTERY_ENDURANCE_S: num(1200).pipe(z.number().positive()),
  /** Safe action per alert kind, e.g. geofence_breach:rtl,low_battery:land (notify, loiter, rtl, land). */
  ALERT_POLICY: AlertPolicyEnv,
  /** Telemetry history older than this is purged. */
  TELEMETRY_RETENTION_DAYS: num(30).pipe(z.number().positive()),

  /** The built web UI. */
  UI_DIR: z.string().default('./dist/ui'),
  /** Raster tiles under the map ({z}/{x}/{y}), e.g. GSI https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png; unset: offline map. */
  TILE_URL: z.string().url().optional(),
  TILE_ATTRIBUTION: z.string().default(''),
  /** The city's outline and water as GeoJSON for the offline map; empty: none. */
  BASEMAP_FILE: z.string().default('./ui/basemap/kaga.geojson'),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  migrationDatabaseUrl: string | undefined;
  adminToken: string | undefined;
  logLevel: string;
  airspace: AirspaceParams;
  /** H3 resolution of the stripes the arbiter locks (parents of the reservation cells). */
  stripeResolution: number;
  /** Length of the time buckets of a stripe the arbiter locks one by one. */
  lockBucketMs: number;
  planningHorizonMs: number;
  /** The highest priority filed without a grant. */
  normalPriority: number;
  /** How far in the past a departure may be and still be accepted (client clocks drift). */
  departureGraceMs: number;
  /** How long a held plan keeps its sky road before it is released unless confirmed. */
  holdMs: number;
  /** The cap of operators without one of their own, in cell-hours held at once; null: none. */
  defaultCapCellHours: number | null;
  /** H3 resolution of the coarse cells capacity is counted in (never finer than the plans'). */
  capacityResolution: number;
  groundElevationM: number;
  terrainDem: string | null;
  geofencesDir: string | null;
  /** Metres added above every building's top when it becomes an obstacle zone. */
  buildingMarginM: number;
  workerThreads: number;
  production: boolean;
  auth: {
    jwtSecret: string | undefined;
    jwksUrl: string | undefined;
    dataKey: string | undefined;
    /** The InterUSS authority whose scoped tokens the flight_planning/v1 interface accepts; null: none. */
    interuss: { publicKeyFile: string; audiences: string[] } | null;
  };
  /** ASTM F3548-21: who this USS is to its peers, and the DSS it shares plans through. */
  uss: {
    id: string;
    /** Null: the server's own URL once it listens. */
    baseUrl: string | null;
    /** Null: no DSS; the USS↔USS endpoints still answer. */
    dss: { url: string; tokens: UssTokenSource } | null;
  };
  http: {
    tls: { certFile: string; keyFile: string } | null;
    corsOrigins: string[];
    rateLimitPerMinute: number;
    authFailuresPerMinute: number;
    socketsPerToken: number;
    /** A hop count, or the proxies' addresses and subnets; false: believe no X-Forwarded-For. */
    trustProxy: number | string | false;
  };
  auditRetentionMs: number;
  dataController: string;
  /** A drone whose newest sample is older than this is shown stale. */
  telemetryStaleMs: number;
  /** How long a command may take, gateway and drone included (a mission upload with retries is slow). */
  commandTimeoutMs: number;
  conformance: {
    lostLinkMs: number;
    contingentAfterMs: number;
    proximityHorizontalM: number;
    proximityVerticalM: number;
    lowBatteryPercent: number;
    batteryReservePercent: number;
    batteryEnduranceS: number;
    policy: Readonly<Record<AlertKind, SafeAction>>;
  };
  telemetryRetentionMs: number;
  ui: {
    dir: string;
    tiles: { url: string; attribution: string } | null;
    basemapFile: string | null;
  };
}

/** Where this USS's access tokens for the DSS and its peers come from. */
export type UssTokenSource =
  | { kind: 'signing-key'; keyFile: string }
  | { kind: 'client-credentials'; tokenUrl: string; clientSecret: string | null };

export class ConfigError extends Error {}

/** The environment as one typed, validated object; an invalid variable stops the start with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  if (e.MIGRATION_DATABASE_URL && !e.DATABASE_URL) {
    throw new ConfigError('invalid configuration:\n  MIGRATION_DATABASE_URL: only with DATABASE_URL (PostgreSQL)');
  }
  if (!e.TLS_CERT !== !e.TLS_KEY) {
    throw new ConfigError('invalid configuration:\n  TLS_CERT, TLS_KEY: give both (PEM files) or neither');
  }
  if (e.INTERUSS_PUBLIC_KEY_FILE && e.INTERUSS_AUDIENCE.length === 0) {
    throw new ConfigError(
      'invalid configuration:\n  INTERUSS_AUDIENCE: required with INTERUSS_PUBLIC_KEY_FILE (the host names tokens are issued for)',
    );
  }
  if (e.DSS_URL && !e.USS_TOKEN_KEY_FILE === !e.USS_TOKEN_URL) {
    throw new ConfigError(
      'invalid configuration:\n  USS_TOKEN_KEY_FILE, USS_TOKEN_URL: give exactly one with DSS_URL (how this USS gets its access tokens)',
    );
  }
  if (e.TILE_URL && !e.TILE_ATTRIBUTION.trim()) {
    throw new ConfigError(
      'invalid configuration:\n  TILE_ATTRIBUTION: required with TILE_URL (tile providers require it)',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR.startsWith('memory://') ? e.DATA_DIR : path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    migrationDatabaseUrl: e.MIGRATION_DATABASE_URL,
    adminToken: e.ADMIN_TOKEN,
    logLevel: e.LOG_LEVEL,
    airspace: {
      h3Resolution: e.H3_RESOLUTION,
      bandHeightM: e.BAND_HEIGHT_M,
      lateralBufferM: e.LATERAL_BUFFER_M,
      verticalBufferM: e.VERTICAL_BUFFER_M,
      timeBeforeS: e.TIME_BEFORE_S,
      timeAfterS: e.TIME_AFTER_S,
      climbRateMps: e.CLIMB_RATE_MPS,
    },
    stripeResolution: Math.min(e.STRIPE_RESOLUTION, e.H3_RESOLUTION),
    lockBucketMs: e.LOCK_BUCKET_S * 1000,
    planningHorizonMs: e.PLANNING_HORIZON_DAYS * 86_400_000,
    normalPriority: e.NORMAL_PRIORITY,
    departureGraceMs: e.DEPARTURE_GRACE_S * 1000,
    holdMs: e.HOLD_S * 1000,
    defaultCapCellHours: e.OPERATOR_CAP_CELL_HOURS ?? null,
    capacityResolution: Math.min(e.CAPACITY_RESOLUTION, e.H3_RESOLUTION),
    groundElevationM: e.GROUND_ELEVATION_M,
    terrainDem: e.TERRAIN_DEM ? path.resolve(e.TERRAIN_DEM) : null,
    geofencesDir: e.GEOFENCES_DIR ? path.resolve(e.GEOFENCES_DIR) : null,
    buildingMarginM: e.BUILDING_MARGIN_M,
    workerThreads: e.WORKER_THREADS,
    production: e.NODE_ENV === 'production',
    auth: {
      jwtSecret: e.JWT_SECRET,
      jwksUrl: e.JWKS_URL,
      dataKey: e.DATA_KEY,
      interuss: e.INTERUSS_PUBLIC_KEY_FILE
        ? { publicKeyFile: path.resolve(e.INTERUSS_PUBLIC_KEY_FILE), audiences: e.INTERUSS_AUDIENCE }
        : null,
    },
    uss: {
      id: e.USS_ID,
      baseUrl: e.USS_BASE_URL ?? null,
      dss: e.DSS_URL
        ? {
            url: e.DSS_URL.replace(/\/+$/, ''),
            tokens: e.USS_TOKEN_KEY_FILE
              ? { kind: 'signing-key', keyFile: path.resolve(e.USS_TOKEN_KEY_FILE) }
              : { kind: 'client-credentials', tokenUrl: e.USS_TOKEN_URL!, clientSecret: e.USS_CLIENT_SECRET ?? null },
          }
        : null,
    },
    http: {
      tls: e.TLS_CERT && e.TLS_KEY ? { certFile: path.resolve(e.TLS_CERT), keyFile: path.resolve(e.TLS_KEY) } : null,
      corsOrigins: e.CORS_ORIGINS,
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
      authFailuresPerMinute: e.AUTH_FAILURES_PER_MINUTE,
      socketsPerToken: e.SOCKETS_PER_TOKEN,
      trustProxy:
        e.TRUST_PROXY === undefined ? false : /^\d+$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY,
    },
    auditRetentionMs: e.AUDIT_RETENTION_DAYS * 86_400_000,
    dataController: e.DATA_CONTROLLER,
    telemetryStaleMs: e.TELEMETRY_STALE_S * 1000,
    commandTimeoutMs: e.COMMAND_TIMEOUT_S * 1000,
    conformance: {
      lostLinkMs: e.LOST_LINK_S * 1000,
      contingentAfterMs: e.CONTINGENT_AFTER_S * 1000,
      proximityHorizontalM: e.PROXIMITY_HORIZONTAL_M,
      proximityVerticalM: e.PROXIMITY_VERTICAL_M,
      lowBatteryPercent: e.LOW_BATTERY_PERCENT,
      batteryReservePercent: e.BATTERY_RESERVE_PERCENT,
      batteryEnduranceS: e.BATTERY_ENDURANCE_S,
      policy: e.ALERT_POLICY,
    },
    telemetryRetentionMs: e.TELEMETRY_RETENTION_DAYS * 86_400_000,
    ui: {
      dir: path.resolve(e.UI_DIR),
      tiles: e.TILE_URL ? { url: e.TILE_URL, attribution: e.TILE_ATTRIBUTION } : null,
      basemapFile: e.BASEMAP_FILE ? path.resolve(e.BASEMAP_FILE) : null,
    },
  };
}

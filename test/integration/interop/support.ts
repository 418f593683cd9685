import $RefParser from '@apidevtools/json-schema-ref-parser';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { parse as parseYaml } from 'yaml';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/interuss');

export const SCOPES = {
  plan: 'interuss.flight_planning.plan',
  directTest: 'interuss.flight_planning.direct_automated_test',
  versions: 'interuss.versioning.read_system_versions',
} as const;

/** An InterUSS test authority of our own: its key pair, the public half in a PEM file for the server. */
export interface Authority {
  publicKeyFile: string;
  token(scopes: readonly string[], options?: { sub?: string; aud?: string; key?: KeyObject }): Promise<string>;
  cleanup(): Promise<void>;
}

export async function makeAuthority(audience: string): Promise<Authority> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'interuss-authority-'));
  const publicKeyFile = path.join(dir, 'public.pem');
  await fs.writeFile(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  return {
    publicKeyFile,
    token: (scopes, options = {}) =>
      new SignJWT({ scope: scopes.join(' ') })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
        .setSubject(options.sub ?? 'uss_qualifier')
        .setAudience(options.aud ?? audience)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(options.key ?? privateKey),
    cleanup: () => fs.rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Validates answers against InterUSS's own YAML (OpenAPI 3.0, whose schemas are draft-04 JSON
 * Schema): a status the operation does not list is an error, except 400 for a malformed request.
 */
export interface ResponseValidator {
  /** The schema's complaints about a body for an operation's status; empty when it conforms. */
  errors(
    file: 'flight_planning' | 'versioning',
    pathKey: string,
    method: string,
    status: number,
    body: unknown,
  ): string[];
}

export async function loadValidator(): Promise<ResponseValidator> {
  const documents = {
    flight_planning: (await $RefParser.dereference(
      path.join(FIXTURES, 'flight-planning-v1/flight_planning.yaml'),
    )) as Spec,
    versioning: (await $RefParser.dereference(
      path.join(FIXTURES, 'flight-planning-v1/versioning_versioning.yaml'),
    )) as Spec,
  };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const f of ['float', 'double', 'int32', 'url']) ajv.addFormat(f, true);
  return {
    errors(file, pathKey, method, status, body) {
      const response = documents[file].paths[pathKey]?.[method]?.responses[String(status)];
      // A malformed request is 400 wherever the YAML lists no answer for it, with soramichi's error body.
      if (!response && status === 400) {
        const b = body as { error?: unknown; message?: unknown } | null;
        return b?.error === 'bad_request' && typeof b.message === 'string' ? [] : ['400 without an error body'];
      }
      if (!response) return [`${method.toUpperCase()} ${pathKey} does not answer ${status}`];
      const schema = response.content?.['application/json']?.schema;
      if (!schema) return [];
      const validate = ajv.compile(schema);
      return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
    },
  };
}

interface Spec {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema?: object }> }> }>
  >;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface IntentFile {
  intents: Record<string, { full?: Json; delta?: { source: string; mutation: Json } }>;
}

/**
 * A mutation laid over its source as InterUSS's delta intents are: objects merge key by key,
 * lists element by element, `+key` replaces the whole value, an empty value removes the key.
 */
function overlay(base: Json | undefined, mutation: Json): Json {
  if (Array.isArray(mutation)) {
    const b = Array.isArray(base) ? base : [];
    return mutation.map((m, i) => overlay(b[i], m)).concat(b.slice(mutation.length));
  }
  if (mutation && typeof mutation === 'object') {
    const out: Record<string, Json> = base && typeof base === 'object' && !Array.isArray(base) ? { ...base } : {};
    for (const [k, v] of Object.entries(mutation)) {
      if (k.startsWith('+')) out[k.slice(1)] = v;
      else if (v === null) delete out[k];
      else out[k] = overlay(out[k], v);
    }
    return out;
  }
  return mutation;
}

const UNITS_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
function duration(text: string): number {
  const m = /^(-?\d+(?:\.\d+)?)([smhd])$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * UNITS_MS[m[2]!]!;
}

/** RFC 3339 in UTC (`Z`) or at a fixed offset such as `+09:00`, as the qualifier's clients send either. */
export function formatTime(ms: number, zone: string): string {
  if (zone === 'Z') return new Date(ms).toISOString();
  const sign = zone.startsWith('-') ? -1 : 1;
  const [h, m] = zone.slice(1).split(':').map(Number);
  const shifted = new Date(ms + sign * (h! * 60 + m!) * 60_000).toISOString();
  return `${shifted.slice(0, -1)}${zone}`;
}

export interface Placement {
  /** Where the intents' origin (latitude 0, longitude 0) goes. */
  lat: number;
  lng: number;
  /** The ground there, metres above the WGS84 ellipsoid (the intents assume 0). */
  groundW84: number;
  /** The moment of evaluation (TimeOfEvaluation). */
  now: number;
  zone: string;
}

export class FlightIntents {
  private constructor(private readonly file: IntentFile) {}

  static async load(): Promise<FlightIntents> {
    return new FlightIntents(parseYaml(await fs.readFile(path.join(FIXTURES, 'flight_intents.yaml'), 'utf8')));
  }

  private template(name: string): Json {
    const intent = this.file.intents[name];
    if (!intent) throw new Error(`no flight intent ${name}`);
    if (intent.full) return intent.full;
    return overlay(this.template(intent.delta!.source), intent.delta!.mutation);
  }

  /** The intent as a flight_planning/v1 FlightPlan, moved to its place and time. */
  flightPlan(name: string, at: Placement): Record<string, unknown> {
    const t = structuredClone(this.template(name)) as Record<string, any>;
    const move = (p: { lat: number; lng: number }) => ({ lat: p.lat + at.lat, lng: p.lng + at.lng });
    const altitude = (a: { value: number; reference: string; units: string }) => ({
      ...a,
      value: a.reference === 'W84' ? a.value + at.groundW84 : a.value,
    });
    const time = (spec: { offset_from: { offset: string } }) => at.now + duration(spec.offset_from.offset);
    t.basic_information.area = t.basic_information.area.map((v: Record<string, any>) => {
      const start = time(v.start_time);
      const end = v.end_time ? time(v.end_time) : start + duration(v.duration);
      return {
        volume: {
          ...(v.outline_polygon ? { outline_polygon: { vertices: v.outline_polygon.vertices.map(move) } } : {}),
          ...(v.outline_circle
            ? { outline_circle: { center: move(v.outline_circle.center), radius: v.outline_circle.radius } }
            : {}),
          altitude_lower: altitude(v.altitude_lower),
          altitude_upper: altitude(v.altitude_upper),
        },
        time_start: { value: formatTime(start, at.zone), format: 'RFC3339' },
        time_end: { value: formatTime(end, at.zone), format: 'RFC3339' },
      };
    });
    return t;
  }
}

/** A flight_plan_id as the qualifier makes them: a version-4 UUID. */
export const newFlightId = (): string => randomUUID();

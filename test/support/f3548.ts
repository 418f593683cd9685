import $RefParser from '@apidevtools/json-schema-ref-parser';
import Ajv, { type ValidateFunction } from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';

const YAML = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/specs/f3548/astm-f3548-21-utm.yaml');

export const UTM = {
  sc: 'utm.strategic_coordination',
  cmsa: 'utm.conformance_monitoring_sa',
  cp: 'utm.constraint_processing',
  cm: 'utm.constraint_management',
} as const;

interface Operation {
  requestBody?: { content?: Record<string, { schema?: object }> };
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
}

/**
 * Checks bodies against ASTM F3548-21's own utm.yaml (OpenAPI 3.0, draft-04 schemas): answers
 * for an operation's status, requests for an operation, or one named schema.
 */
export interface F3548Validator {
  /** The schema's complaints about an answer; a status the operation does not list is one. */
  response(pathKey: string, method: string, status: number, body: unknown): string[];
  request(pathKey: string, method: string, body: unknown): string[];
  schema(name: string, body: unknown): string[];
}

export async function loadF3548(): Promise<F3548Validator> {
  const spec = (await $RefParser.dereference(YAML)) as unknown as Spec;
  // The standard's UUID pattern escapes '-', which JavaScript allows only without the u flag.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  for (const f of ['float', 'double', 'int32', 'url']) ajv.addFormat(f, true);
  const compiled = new Map<object, ValidateFunction>();
  const check = (schema: object, body: unknown) => {
    let validate = compiled.get(schema);
    if (!validate) compiled.set(schema, (validate = ajv.compile(schema)));
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
  };
  const operation = (pathKey: string, method: string) => {
    const op = spec.paths[pathKey]?.[method.toLowerCase()];
    if (!op) throw new Error(`utm.yaml has no ${method} ${pathKey}`);
    return op;
  };
  return {
    response(pathKey, method, status, body) {
      const response = operation(pathKey, method).responses[String(status)];
      if (!response) return [`${method} ${pathKey} does not answer ${status}`];
      const schema = response.content?.['application/json']?.schema;
      if (!schema) return body === null || body === undefined || body === '' ? [] : ['a body where none is due'];
      return check(schema, body);
    },
    request(pathKey, method, body) {
      const schema = operation(pathKey, method).requestBody?.content?.['application/json']?.schema;
      return schema ? check(schema, body) : [];
    },
    schema(name, body) {
      const schema = spec.components.schemas[name];
      if (!schema) throw new Error(`utm.yaml has no schema ${name}`);
      return check(schema, body);
    },
  };
}

/**
 * The authority every party of a test trusts: one RSA key pair. Its public key is what servers
 * verify with; its private key, in a PKCS#8 file, is what soramichi signs its own tokens with
 * (USS_TOKEN_KEY_FILE), and what the fakes sign theirs with.
 */
export interface TestAuthority {
  publicKeyFile: string;
  privateKeyFile: string;
  publicKey: KeyObject;
  token(sub: string, scopes: readonly string[], aud?: string, key?: KeyObject): Promise<string>;
  cleanup(): Promise<void>;
}

export async function makeTestAuthority(defaultAudience = '127.0.0.1'): Promise<TestAuthority> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'utm-authority-'));
  const publicKeyFile = path.join(dir, 'public.pem');
  const privateKeyFile = path.join(dir, 'private.pem');
  await fs.writeFile(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  await fs.writeFile(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return {
    publicKeyFile,
    privateKeyFile,
    publicKey,
    token: (sub, scopes, aud = defaultAudience, key = privateKey) =>
      new SignJWT({ scope: scopes.join(' ') })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
        .setIssuer('https://auth.test')
        .setSubject(sub)
        .setAudience(aud)
        .setIssuedAt()
        .setExpirationTime('1h')
        .setJti(randomUUID())
        .sign(key),
    cleanup: () => fs.rm(dir, { recursive: true, force: true }),
  };
}

/** fetch with a bearer token, JSON in and out. */
export async function callJson<T = any>(
  url: string,
  method: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // kept as text
  }
  return { status: res.status, body: json as T };
}

/** A square Volume4D around a point (metres from centre to side), W84 limits, a window from now. */
export function squareVolume4D(
  center: { lat: number; lon: number },
  halfM: number,
  window: { fromH: number; toH: number },
  altitudes: [number, number] = [0, 300],
) {
  const dLat = halfM / 111_195;
  const dLng = dLat / Math.cos((center.lat * Math.PI) / 180);
  const v = (lat: number, lng: number) => ({ lat, lng });
  return {
    volume: {
      outline_polygon: {
        vertices: [
          v(center.lat - dLat, center.lon - dLng),
          v(center.lat - dLat, center.lon + dLng),
          v(center.lat + dLat, center.lon + dLng),
          v(center.lat + dLat, center.lon - dLng),
        ],
      },
      altitude_lower: { value: altitudes[0], reference: 'W84', units: 'M' },
      altitude_upper: { value: altitudes[1], reference: 'W84', units: 'M' },
    },
    time_start: { value: new Date(Date.now() + window.fromH * 3_600_000).toISOString(), format: 'RFC3339' },
    time_end: { value: new Date(Date.now() + window.toH * 3_600_000).toISOString(), format: 'RFC3339' },
  };
}

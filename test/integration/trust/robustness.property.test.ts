import { createHmac, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BboxQuery,
  Timestamp,
  type AuditEntry,
  type ErrorBody,
  type FlightPlan,
  type IssuedToken,
} from '../../../server/protocol/index.ts';
import { LIMITS } from '../../../server/limits.ts';
import { formatSpatialId, spatialIdOf } from '../../../server/airspace/spatial-id.ts';
import { sample } from '../live/support.ts';
import { freshDroneId, inHours, KAGA, routePlan, squareZone } from '../../support/plans.ts';
import { ManualClock } from '../../support/clock.ts';
import { spawnServer, type ServerProcess } from '../../support/process.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../../support/server.ts';

/**
 * Issue 7, robustness: malformed and hostile input at every endpoint of the REST API. Every
 * answer is a 4xx with `{error, message}` — never a 5xx, never a hang — and a refused write
 * leaves plans, sky roads, zones and tokens as they were (and is in the audit trail). The
 * administrator sends almost everything, so that no refusal is authorisation hiding a missing
 * validation. The endpoints come from the server's own OpenAPI document: one without hostile
 * inputs here fails the walk.
 */

const { medicalCenter: A, yamashiro: B, katayamazu: NORTH, station: STATION } = KAGA;

/** Has reported telemetry through a gateway that is gone: commands to it get past "no such drone". */
const DRONE = 'JUROBUSTNESS01';
const BODY_LIMIT = 2 * 1024 * 1024;
/**
 * A hang guard, not a speed check (bench:plans measures speed): a request unanswered this long has
 * sent the server into endless work.
 */
const DEADLINE_MS = 60_000;
/** Shrinking against a real server is slow; after this, the smallest counterexample so far is reported. */
const SHRINK_BUDGET_MS = 4_000;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const OPERATION_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

// ---------------------------------------------------------------------------------------------
// Requests and what is wrong with their answers

/** Text spliced into a JSON body as it is: 1e400, which JSON.parse makes Infinity. */
class Raw {
  constructor(readonly text: string) {}
}
const raw = (text: string) => new Raw(text);

function toJson(value: unknown): string {
  const spliced: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) =>
    v instanceof Raw ? `\u0001raw${spliced.push(v.text) - 1}\u0001` : v,
  );
  return (text ?? '').replace(/"\\u0001raw(\d+)\\u0001"/g, (_m, i: string) => spliced[Number(i)]!);
}

/** 'refused': must be a 4xx. 'tolerated': odd but arguably legal, so it may be accepted; still never a 5xx. */
type Expect = 'refused' | 'tolerated';

interface Case {
  /** `METHOD /path/{id}` as the OpenAPI document names the operation. */
  op: string;
  method: string;
  url: string;
  what: string;
  /** A body serialised with toJson. */
  json?: unknown;
  /** A body sent byte for byte. */
  text?: string | Uint8Array | ReadableStream<Uint8Array>;
  /** Absent: application/json when there is a body; null: no Content-Type at all. */
  contentType?: string | null;
  headers?: Record<string, string>;
  /** The Authorization header; null: none; absent: the administrator's. */
  auth?: string | null;
  expect: Expect;
  /** A 400 must name a field in `issues`. */
  namesField?: boolean;
  /** The one status the answer must have. */
  status?: number;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

function show(c: Case): string {
  const body =
    'json' in c ? toJson(c.json) : typeof c.text === 'string' ? c.text : c.text ? '<a byte stream>' : undefined;
  return [
    `${c.what}: ${c.method} ${clip(c.url, 300)}`,
    body === undefined ? '' : ` body ${JSON.stringify(clip(body, 400))}`,
    c.contentType === undefined ? '' : ` content-type ${JSON.stringify(c.contentType)}`,
    c.headers ? ` headers ${clip(JSON.stringify(c.headers), 300)}` : '',
    c.auth === undefined ? '' : ` authorization ${JSON.stringify(c.auth === null ? null : clip(c.auth, 120))}`,
  ].join('');
}

function hostile(op: string, url: string, what: string, more: Partial<Case> = {}): Case {
  const c: Case = { op, method: op.split(' ')[0]!, url, what, expect: 'refused', ...more };
  // fast-check prints a counterexample with this: a 10,001-waypoint body stays readable.
  return Object.defineProperty(c, fc.toStringMethod, { value: () => show(c) });
}

interface Answer {
  status: number;
  text: string;
  json: unknown;
  type: string | null;
  headers: Headers;
  ms: number;
}

async function send(base: string, c: Case, deadlineMs = DEADLINE_MS): Promise<Answer> {
  const headers: Record<string, string> = { ...c.headers };
  const auth = c.auth === undefined ? `Bearer ${ADMIN_TOKEN}` : c.auth;
  if (auth !== null) headers.authorization = auth;
  let body: string | Uint8Array | ReadableStream<Uint8Array> | undefined = 'json' in c ? toJson(c.json) : c.text;
  if (body !== undefined) {
    const type = c.contentType === undefined ? 'application/json' : c.contentType;
    if (type !== null) headers['content-type'] = type;
    // fetch labels a string text/plain of its own accord.
    else if (typeof body === 'string') body = new TextEncoder().encode(body);
  }
  const started = Date.now();
  let res: Response;
  try {
    res = await fetch(`${base}${c.url}`, {
      method: c.method,
      headers,
      body,
      signal: AbortSignal.timeout(deadlineMs),
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);
  } catch (err) {
    const e = err as Error & { cause?: Error };
    if (e.name === 'TimeoutError') throw new Error(`no answer within ${deadlineMs} ms to ${show(c)}`);
    throw new Error(`no answer (${e.message}${e.cause ? `: ${e.cause.message}` : ''}) to ${show(c)}`);
  }
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // judged by problemsOf
  }
  return {
    status: res.status,
    text,
    json,
    type: res.headers.get('content-type'),
    headers: res.headers,
    ms: Date.now() - started,
  };
}

function problemsOf(c: Case, a: Answer): string[] {
  const problems: string[] = [];
  const statusOk =
    c.status !== undefined
      ? a.status === c.status
      : c.expect === 'refused'
        ? a.status >= 400 && a.status < 500
        : a.status < 500;
  if (!statusOk) {
    const due = c.status ?? (c.expect === 'refused' ? 'a 4xx' : 'anything but a 5xx');
    problems.push(`answered ${a.status} where ${due} was due: ${clip(a.text, 300)}`);
  }
  if (a.status >= 400) {
    const body = a.json as Partial<ErrorBody> | null | undefined;
    if (!a.type?.includes('json') || body === null || typeof body !== 'object') {
      problems.push(`the refusal has no JSON body (${a.type}): ${clip(a.text, 200)}`);
    } else {
      if (typeof body.error !== 'string' || !body.error) problems.push('the refusal has no string `error`');
      if (typeof body.message !== 'string' || !body.message.trim()) problems.push('the refusal has no message');
      const named =
        Array.isArray(body.issues) && body.issues.some((i) => typeof i?.path === 'string' && i.path.length > 0);
      if (c.namesField && a.status === 400 && !named) problems.push('the 400 names no field in `issues`');
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Values

type Loose = Record<string, any>;
type Path = Array<string | number>;

/** A copy of `base` with the value at `path` replaced (removed when undefined). */
function at(base: unknown, path: Path, value: unknown): Loose {
  const copy = structuredClone(base) as Loose;
  let o: Loose = copy;
  for (const k of path.slice(0, -1)) o = o[k];
  const last = path[path.length - 1]!;
  if (value === undefined) delete o[last];
  else o[last] = value;
  return copy;
}

/** Percent-encodes a path or query value; a lone surrogate as the invalid UTF-8 that WTF-8 gives it. */
function segment(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0xd800 || c > 0xdfff) out += encodeURIComponent(ch);
    else
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16)}`).join('');
  }
  return out;
}

function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

type Query = Record<string, string | string[] | undefined>;
function qs(q: Query): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    for (const x of v === undefined ? [] : Array.isArray(v) ? v : [v]) parts.push(`${segment(k)}=${segment(x)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** `sep`-separated strings, for lists of odd ones. */
const words = (s: string, sep = ' ') => fc.constantFrom(...s.split(sep));
const of = (...values: unknown[]) => fc.constantFrom<unknown>(...values);
const long = (min: number, max: number, ch = 'a') => fc.integer({ min, max }).map((n) => ch.repeat(n));
const visibleAscii = fc.integer({ min: 0x21, max: 0x7e }).map((n) => String.fromCharCode(n));

const CONTROLS = ['\u0000', '\u0001', '\u0007', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u009f'];
const SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff'];
const control = fc.constantFrom(...CONTROLS, ...SURROGATES);
/** Characters that break naive code: controls, lone surrogates, bidi marks, emoji, separators. */
const nasty = fc.oneof(
  fc.constantFrom(
    ...CONTROLS,
    ...SURROGATES,
    ...'\u00a0 \u200b \u200f \u202e \u2028 \ufeff \uffff 🚁 👨‍👩‍👧 é ｱ 零'.split(' '),
  ),
  fc.constantFrom(...'/\\?#%&="\'<{ '),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const nastyText = (maxLength: number) => fc.string({ unit: nasty, minLength: 1, maxLength });

/** What JSON can carry in a number's place that is no finite number. */
const notANumber = of('NaN', 'Infinity', '-Infinity', null, true, '36.3', '', {}, [], raw('1e400'), raw('-1e400'));
/** |x| > limit. */
const beyond = (limit: number) =>
  fc.oneof(
    fc.double({ min: limit, max: 1e300, minExcluded: true, noNaN: true }),
    fc.double({ min: -1e300, max: -limit, maxExcluded: true, noNaN: true }),
  );

const isJson = (s: string) => {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
};

const badTimestamp: fc.Arbitrary<string> = fc.oneof(
  words(
    '|now|yesterday|NaN|Infinity|1e400|-1|2026-12-01|2026-12-01 10:00:00Z|2026-12-01T10:00:00|2026-12-01T10:00Z|' +
      '2026-13-01T00:00:00Z|2026-02-30T00:00:00Z|2026-12-01T24:00:00Z|2026-12-01T23:59:60Z|2026-12-01T10:00:00+99:99|' +
      '2026-12-01t10:00:00z|+275760-09-13T00:00:00Z|-000001-01-01T00:00:00Z|１９７０-01-01T00:00:00Z',
    '|',
  ),
  fc.integer({ min: -1e12, max: 1e13 }).map(String),
  fc.string({ maxLength: 40 }).filter((s) => !Timestamp.safeParse(s).success),
);
/** RFC 3339 and so valid, but at the ends of the calendar. */
const extremeTimestamp = fc.oneof(
  words('0000-01-01T00:00:00Z 0001-01-01T00:00:00Z 1970-01-01T00:00:00Z 9999-12-31T23:59:59.999+23:59'),
  fc
    .date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
    .map((d) => d.toISOString()),
);

const lon = fc.double({ min: -180, max: 180, noNaN: true });
const lat = fc.double({ min: -90, max: 90, noNaN: true });
const goodBox = fc
  .tuple(lon, lon, lat, lat)
  .map(([a, b, c, d]) => [Math.min(a, b), Math.min(c, d), Math.max(a, b), Math.max(c, d)]);
const KAGA_BBOX = '136.2,36.2,136.5,36.45';
const badBbox: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(goodBox, fc.nat({ max: 3 }), words('NaN Infinity -Infinity 1e400 abc 0x --1'))
    .map(([box, i, v]) => box.map((n, j) => (j === i ? v : n)).join(',')),
  fc
    .tuple(goodBox, fc.nat({ max: 3 }), beyond(180), beyond(90))
    .map(([box, i, far, high]) => box.map((n, j) => (j === i ? (j % 2 === 0 ? far : high) : n)).join(',')),
  goodBox.filter(([w, , e]) => w! < e!).map(([w, s, e, n]) => [e, s, w, n].join(',')),
  goodBox.filter(([, s, , n]) => s! < n!).map(([w, s, e, n]) => [w, n, e, s].join(',')),
  fc.tuple(goodBox, fc.array(lon, { minLength: 1, maxLength: 3 })).map(([box, more]) => [...box, ...more].join(',')),
  goodBox.map((box) => box.slice(0, 3).join(',')),
  words('|,|,,,,|NaN,NaN,NaN,NaN|136.2 36.2 136.5 36.45|[136.2,36.2,136.5,36.45]', '|'),
  fc.string({ maxLength: 40 }).filter((s) => !BboxQuery.safeParse(s).success),
);

/** Not an integer within [min, max] once coerced as the query parser does (Number()). */
const badInt = (min: number, max: number) =>
  fc
    .oneof(
      fc.integer({ min: -1e9, max: min - 1 }).map(String),
      fc.integer({ min: max + 1, max: max + 1e9 }).map(String),
      fc.double({ min, max, noNaN: true }).map(String),
      words('abc NaN Infinity -Infinity 1e400 1,2 ten --1 1_000 ½ ١٢'),
      fc.string({ maxLength: 12 }),
    )
    .filter((s) => {
      const n = Number(s);
      return !(Number.isInteger(n) && n >= min && n <= max);
    });

/** Path segments, already encoded, that are no UUID: encodings no decoder takes among them. */
const junkId: fc.Arbitrary<string> = fc.oneof(
  words(
    "not-a-uuid 0 -1 null undefined true %20 %2F ..%2F..%2Fetc%2Fpasswd %3Cscript%3E '%20OR%201%3D1-- %F0%9F%9A%81 " +
      '%E2%80%AE%E2%80%8F %01 %7F %C2%85 %EF%BF%BF %00 % %zz %E0%A4%A %ED%A0%80 %C0%AE %FF',
  ),
  fc.uuid().map((u) => `${u}0`),
  fc.uuid().map((u) => u.slice(1)),
  fc.uuid().map((u) => u.replaceAll('-', '')),
  fc.uuid().map((u) => `%7B${u}%7D`),
  fc.uuid().map((u) => `g${u.slice(1)}`),
  nastyText(40)
    .filter((s) => s !== '.' && s !== '..')
    .map(segment),
  long(37, 6000),
  fc
    .array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 12 })
    .map((bytes) => bytes.map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
);
/** Ids a UUID parameter must refuse (400) or not find (404). */
const badOrUnknownId = fc.oneof({ weight: 3, arbitrary: junkId }, { weight: 1, arbitrary: fc.uuid() });

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
function forgedJwt(claims: Record<string, unknown>, secret: string, alg: string): string {
  const head = `${b64url({ alg, typ: 'JWT' })}.${b64url(claims)}`;
  return `${head}.${alg === 'none' ? '' : createHmac('sha256', secret).update(head).digest('base64url')}`;
}

// ---------------------------------------------------------------------------------------------
// Fixtures, made in beforeAll and read by the generators when they run

const fx = {} as {
  /** An Accepted plan: bad replans must leave it as it is. */
  planId: string;
  zoneId: string;
  tokenId: string;
  /** A monitor's token whose payload was altered to say admin. */
  tampered: string;
  revoked: string;
  restrictedZoneId: string;
  authorizationId: string;
};

const departure = fc.integer({ min: 2 * 60, max: 20 * 24 * 60 }).map((m) => inHours(m / 60));
const plan = departure.map((d) => routePlan([A, B], { departure: d, droneId: 'JUROBUSTPLAN01' }));
/** Clear of every other plan here: the Idempotency-Key test files it for real. */
const validPlan = () => routePlan([NORTH, STATION], { departure: inHours(5 + Math.random() * 400) });
const later = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();
const squareAround = (c: { lat: number; lon: number }, d = 0.002) => [
  { lat: c.lat - d, lng: c.lon - d },
  { lat: c.lat - d, lng: c.lon + d },
  { lat: c.lat + d, lng: c.lon + d },
  { lat: c.lat + d, lng: c.lon - d },
];
const volume = (start: string, outline: Loose) => ({
  volume: {
    ...outline,
    altitude_lower: { value: 0, reference: 'AGL' },
    altitude_upper: { value: 120, reference: 'AGL' },
  },
  time_start: { value: start },
  time_end: { value: later(start, 10) },
});
const volumePlan = departure.map((d) => ({
  droneId: freshDroneId(),
  volumes: [volume(d, { outline_polygon: { vertices: squareAround(STATION) } })],
}));
const circlePlan = (d: string, center: { lat: number; lng: number }, radius: unknown) => ({
  droneId: freshDroneId(),
  volumes: [volume(d, { outline_circle: { center, radius: { value: radius } } })],
});

// ---------------------------------------------------------------------------------------------
// Bodies: a valid request with one thing wrong

interface Bad {
  what: string;
  body: unknown;
  expect: Expect;
}
const bad = (what: string, body: unknown, expect: Expect = 'refused'): Bad => ({ what, body, expect });

/** Each of `values` at `path` of a valid `base`. */
const mutate = (
  what: string,
  base: fc.Arbitrary<unknown>,
  path: Path,
  values: fc.Arbitrary<unknown>,
  expect: Expect = 'refused',
) =>
  fc
    .tuple(base, values)
    .map(([b, v]) => bad(`${what} ${v === undefined ? 'missing' : clip(toJson(v), 80)}`, at(b, path, v), expect));

const badDeparture = fc.oneof(
  fc.integer({ min: 1, max: 24 * 365 * 50 }).map((h) => inHours(-h)),
  fc.integer({ min: 30 * 24 + 1, max: 24 * 365 * 50 }).map((h) => inHours(h)),
  words('0000-01-01T00:00:00Z 9999-12-31T23:59:59Z 1970-01-01T00:00:00Z'),
  fc
    .integer({ min: 2, max: 48 })
    .map((h) => inHours(h))
    .chain((t) =>
      of(
        t.replace('Z', ''),
        t.replace('T', ' '),
        t.slice(0, 10),
        t.toLowerCase(),
        `${t.slice(0, 19)}+99:99`,
        Date.parse(t),
      ),
    ),
  of('tomorrow', '', '2026-13-01T00:00:00Z', '2026-02-30T10:00:00Z', '2026-12-01T25:00:00Z', null, raw('1e400')),
);

const V = ['volumes', 0, 'volume'];
const VERTICES = [...V, 'outline_polygon', 'vertices'];
const badVolumes: fc.Arbitrary<Bad> = fc.oneof(
  fc
    .tuple(
      departure,
      fc.oneof(
        fc.double({ max: 0, noNaN: true }),
        fc.double({ min: LIMITS.maxCircleRadiusM, max: 1e300, minExcluded: true, noNaN: true }),
        notANumber,
      ),
    )
    .map(([d, r]) => bad(`a circle of radius ${toJson(r)}`, circlePlan(d, { lat: 36.3, lng: 136.3 }, r))),
  mutate(
    'a radius in',
    departure.map((d) => circlePlan(d, { lat: 36.3, lng: 136.3 }, 100)),
    [...V, 'outline_circle', 'radius', 'units'],
    of('FT', 'KM', '', null),
  ),
  mutate(
    'a polygon of',
    volumePlan,
    VERTICES,
    fc.nat({ max: 2 }).map((n) => squareAround(STATION).slice(0, n)),
  ),
  mutate('a vertex at latitude', volumePlan, [...VERTICES, 1, 'lat'], fc.oneof(beyond(90), notANumber)),
  mutate('a vertex at longitude', volumePlan, [...VERTICES, 2, 'lng'], fc.oneof(beyond(180), notANumber)),
  mutate('a vertex given as', volumePlan, [...VERTICES, 0], of({ lat: 36.3, lon: 136.3 }, [136.3, 36.3], null)),
  mutate(
    'a polygon with a circle',
    volumePlan,
    [...V, 'outline_circle'],
    of({ center: { lat: 36.3, lng: 136.3 }, radius: { value: 50 } }),
  ),
  mutate('no outline', volumePlan, [...V, 'outline_polygon'], of(undefined)),
  mutate(
    'a floor above the ceiling at',
    volumePlan,
    [...V, 'altitude_lower', 'value'],
    fc.integer({ min: 121, max: 5000 }),
  ),
  mutate(
    'a floor referenced to',
    volumePlan,
    [...V, 'altitude_lower', 'reference'],
    of('QNH', 'MSL', 'agl', '', null, 7),
  ),
  mutate('a ceiling referenced to', volumePlan, [...V, 'altitude_upper', 'reference'], of('QNH', 'W84 ', null)),
  fc
    .tuple(volumePlan, fc.integer({ min: 0, max: 24 * 60 }))
    .map(([p, m]) =>
      bad(
        'an end not after the start',
        at(p, ['volumes', 0, 'time_end', 'value'], later(p.volumes[0]!.time_start.value, -m)),
      ),
    ),
  fc
    .tuple(volumePlan, fc.integer({ min: 2, max: 24 * 365 }))
    .map(([p, h]) =>
      bad(
        'a volume in the past',
        at(p, ['volumes', 0], { ...volume(inHours(-h), { outline_polygon: { vertices: squareAround(STATION) } }) }),
      ),
    ),
  mutate('a start at', volumePlan, ['volumes', 0, 'time_start', 'value'], badTimestamp),
  mutate('a time format', volumePlan, ['volumes', 0, 'time_start', 'format'], of('unix', 'ISO8601', '', null)),
  mutate('volumes', volumePlan, ['volumes'], of([], 'all', null, {}, [null], [42])),
  volumePlan.map((p) =>
    bad(
      '101 volumes',
      at(
        p,
        ['volumes'],
        Array.from({ length: 101 }, () => p.volumes[0]),
      ),
    ),
  ),
  volumePlan.map((p) => {
    const ring = Array.from({ length: 5001 }, (_, i) => ({
      lat: STATION.lat + 0.002 * Math.sin((2 * Math.PI * i) / 5001),
      lng: STATION.lon + 0.002 * Math.cos((2 * Math.PI * i) / 5001),
    }));
    const v = at(p.volumes[0], ['volume', 'outline_polygon', 'vertices'], ring);
    return bad('10,002 vertices in all', at(p, ['volumes'], [v, v]));
  }),
  fc
    .tuple(volumePlan, fc.integer({ min: LIMITS.maxVolumeVertices + 1, max: 3 * LIMITS.maxVolumeVertices }))
    .map(([p, n]) => {
      const ring = Array.from({ length: n }, (_, i) => ({
        lat: STATION.lat + 0.002 * Math.sin((2 * Math.PI * i) / n),
        lng: STATION.lon + 0.002 * Math.cos((2 * Math.PI * i) / n),
      }));
      return bad(`an outline of ${n} vertices`, at(p, VERTICES, ring));
    }),
  fc
    .tuple(volumePlan, fc.integer({ min: LIMITS.maxFlightDurationMs / 60_000 + 1, max: 29 * 24 * 60 }))
    .map(([p, m]) => {
      const first = p.volumes[0]!;
      const last = {
        ...first,
        time_start: { value: later(first.time_start.value, m - 10) },
        time_end: { value: later(first.time_start.value, m) },
      };
      return bad(`volumes spanning ${m} minutes`, at(p, ['volumes'], [first, last]));
    }),
);

const R = ['route'];
const badPlan: fc.Arbitrary<Bad> = fc.oneof(
  mutate('latitude', plan, [...R, 'waypoints', 0, 'lat'], fc.oneof(beyond(90), notANumber)),
  mutate('longitude', plan, [...R, 'waypoints', 1, 'lon'], fc.oneof(beyond(180), notANumber)),
  mutate(
    'a waypoint altitude of',
    plan,
    [...R, 'waypoints', 1, 'alt'],
    fc.oneof(beyond(20_000), of(-501, 'high', raw('1e400'))),
  ),
  mutate(
    'waypoints',
    plan,
    [...R, 'waypoints'],
    of(
      [A],
      [],
      'A→B',
      null,
      [1, 2],
      [
        [36.3, 136.3],
        [36.29, 136.36],
      ],
      {},
      [null, null],
    ),
  ),
  mutate(
    'waypoints',
    plan,
    [...R, 'waypoints'],
    fc
      .oneof(fc.integer({ min: LIMITS.maxRouteWaypoints + 1, max: 2 * LIMITS.maxRouteWaypoints }), of(10_001))
      .map((n) => Array.from({ length: n as number }, (_, i) => ({ lat: A.lat + i * 1e-6, lon: A.lon }))),
  ),
  mutate(
    'a route of',
    plan,
    [...R, 'waypoints'],
    fc.double({ min: 2.3, max: 40, noNaN: true }).map((deg) => [A, { lat: A.lat, lon: A.lon + deg }]),
  ),
  fc
    .tuple(plan, fc.double({ min: LIMITS.minSpeedMps, max: 0.69, noNaN: true }))
    .map(([p, speed]) =>
      bad(
        `a cruise of 30 km at ${speed} m/s`,
        at(at(p, [...R, 'waypoints'], [A, { lat: A.lat + 0.27, lon: A.lon }]), [...R, 'speedMps'], speed),
      ),
    ),
  mutate(
    'speed',
    plan,
    [...R, 'speedMps'],
    fc.oneof(
      fc.double({ max: LIMITS.minSpeedMps, maxExcluded: true, noNaN: true }),
      fc.double({ min: LIMITS.maxSpeedMps, minExcluded: true, noNaN: true }),
      of(1e-9, Number.MIN_VALUE),
      notANumber,
    ),
  ),
  mutate(
    'altitude reference',
    plan,
    [...R, 'altitude', 'reference'],
    fc.oneof(
      of('QNH', 'MSL', 'agl', 'WGS84', 'AGL ', '', null, 0, ['AGL']),
      fc.string().filter((s) => !['W84', 'AMSL', 'AGL'].includes(s)),
    ),
  ),
  mutate(
    'altitude',
    plan,
    [...R, 'altitude', 'value'],
    fc.oneof(beyond(20_000), fc.double({ min: -20_000, max: -500, maxExcluded: true, noNaN: true }), notANumber),
  ),
  mutate('altitude units', plan, [...R, 'altitude', 'units'], of('FT', 'm', null)),
  mutate('departure', plan, [...R, 'departure'], badDeparture),
  mutate('takeoffAndLanding', plan, [...R, 'takeoffAndLanding'], of('yes', 1, null)),
  mutate(
    'droneId',
    plan,
    ['droneId'],
    fc.oneof(
      of('', null, 42, true, ['JU1'], { id: 'JU1' }, undefined),
      long(65, 500, 'J'),
      fc.tuple(fc.string({ maxLength: 20 }), control).map(([s, c]) => `JU${s}${c}${s}`),
    ),
  ),
  mutate(
    'priority',
    plan,
    ['priority'],
    fc.oneof(
      fc.integer({ max: -1 }),
      fc.integer({ min: 1001 }),
      fc.double({ min: 0, max: 1000, noNaN: true }).filter((x) => !Number.isInteger(x)),
      of('5', null, raw('1e400')),
    ),
  ),
  fc.tuple(plan, volumePlan).map(([p, v]) => bad('both route and volumes', { ...p, volumes: v.volumes })),
  mutate('route', plan, R, of(undefined, null, 'A→B')),
  badVolumes,
  mutate(
    'authorizations',
    plan,
    ['authorizations'],
    fc.oneof(
      of(['not-a-uuid'], 'all', [42], [null]),
      fc.uuid().map((u) => Array.from({ length: 101 }, () => u)),
    ),
  ),
  mutate('purpose', plan, ['purpose'], fc.oneof(long(201, 5000), of(42, {}, ['x']))),
  mutate(
    'contact',
    plan,
    ['contact'],
    of(
      {},
      { phone: 'call me maybe' },
      { phone: '+'.repeat(41) },
      { email: 'nobody' },
      { name: '' },
      { name: 'x'.repeat(201) },
      'bob',
      null,
    ),
  ),
  fc
    .tuple(plan, of(null, [], 42, 'plan', true, 'list'))
    .map(([p, v]) => bad('a body that is no object', v === 'list' ? [p] : v)),
);

/** Odd but arguably legal: the server may accept these, but must not fail on them. */
const oddPlan: fc.Arbitrary<Bad> = fc.oneof(
  mutate(
    'droneId',
    plan,
    ['droneId'],
    fc.oneof(
      of('🚁', 'JU\u202eBA21', '\u200fJU1', 'ドローン１号', 'JU\u200b1', 'Z̤͔ͧ̑̓', ' ', 'J'.repeat(64)),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
    ),
    'tolerated',
  ),
  mutate('purpose', plan, ['purpose'], nastyText(60), 'tolerated'),
  mutate(
    'contact',
    plan,
    ['contact'],
    nastyText(60).map((name) => ({ name })),
    'tolerated',
  ),
  mutate(
    'a volume whose outline crosses itself',
    volumePlan,
    VERTICES,
    of([0, 2, 1, 3].map((i) => squareAround(STATION)[i])),
    'tolerated',
  ),
  mutate(
    'a volume of three vertices that are no polygon',
    volumePlan,
    VERTICES,
    fc.constantFrom([0, 1, 0], [0, 0, 0]).map((is) => is.map((i) => squareAround(STATION)[i])),
    'tolerated',
  ),
  mutate('a route that stays on one spot', plan, [...R, 'waypoints'], of([A, A]), 'tolerated'),
  // Parsed, so that __proto__ is a key of the body and not the literal's prototype.
  plan.map((p) =>
    bad(
      'prototype-polluting keys',
      { ...p, ...JSON.parse('{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}') },
      'tolerated',
    ),
  ),
);

const zone = fc
  .record({
    lat: fc.double({ min: NORTH.lat - 0.005, max: NORTH.lat + 0.005, noNaN: true }),
    lon: fc.double({ min: NORTH.lon - 0.005, max: NORTH.lon + 0.005, noNaN: true }),
    half: fc.integer({ min: 20, max: 200 }),
  })
  .map(({ lat, lon, half }) => squareZone({ lat, lon }, half, { name: 'robustness', kind: 'advisory' }));
const outline = (z: Loose) => z.geometry.coordinates[0] as number[][];
/** A zone whose ring is `f` of its square outline (corners p0 … p3, p0 again). */
const reshaped = (what: string, f: (r: number[][]) => unknown) =>
  zone.map((z) => bad(what, at(z, ['geometry', 'coordinates'], f(outline(z)))));
const P = ['properties'];

const badZone: fc.Arbitrary<Bad> = fc.oneof(
  reshaped('a bow-tie outline', ([p0, p1, p2, p3]) => [[p0, p2, p1, p3, p0]]),
  reshaped('an unclosed ring', (r) => [r.slice(0, 4)]),
  reshaped('a ring of three positions', ([p0, p1]) => [[p0, p1, p0]]),
  fc
    .tuple(zone, fc.integer({ min: LIMITS.maxZoneVertices + 1, max: 3 * LIMITS.maxZoneVertices }), fc.boolean())
    .map(([z, n, split]) => {
      const [x, y] = outline(z)[0]!;
      const ring = (k: number, m: number) => {
        const r = Array.from({ length: m - 1 }, (_, i) => [
          x! + k * 0.01 + 0.003 * Math.cos((2 * Math.PI * i) / (m - 1)),
          y! + 0.003 * Math.sin((2 * Math.PI * i) / (m - 1)),
        ]);
        return [...r, r[0]!];
      };
      const geometry = split
        ? { type: 'MultiPolygon', coordinates: [[ring(0, Math.ceil(n / 2))], [ring(1, Math.ceil(n / 2))]] }
        : { type: 'Polygon', coordinates: [ring(0, n)] };
      return bad(`${n} positions${split ? ' in two polygons' : ''}`, at(z, ['geometry'], geometry));
    }),
  reshaped('a ring of 100,001 positions', ([p0]) => {
    const [x, y] = p0!;
    // Short positions keep 100,001 of them under the body limit: the schema must refuse them.
    const r = Array.from({ length: 100_001 }, (_, i) => [+(x! + (i % 7) * 0.01).toFixed(2), +y!.toFixed(2)]);
    return [[...r.slice(0, -1), r[0]!]];
  }),
  reshaped('a crossed part of a multipolygon', (r) => {
    const [p0, p1, p2, p3] = r.map(([x, y]) => [x! + 0.01, y!]);
    return [[r], [[p0, p2, p1, p3, p0]]];
  }).map((b) => ({ ...b, body: at(b.body, ['geometry', 'type'], 'MultiPolygon') })),
  reshaped('an unclosed hole', (r) => [r, r.slice(0, 4).map(([x, y]) => [(x! + r[2]![0]!) / 2, (y! + r[2]![1]!) / 2])]),
  mutate(
    'coordinates',
    zone,
    ['geometry', 'coordinates'],
    of([], [[]], [[[]]], 'ring', null, [[[136.3]]], [[['136.3', '36.3']]]),
  ),
  fc.tuple(zone, fc.nat({ max: 3 }), fc.boolean(), fc.oneof(beyond(180), notANumber)).map(([z, i, isLon, v]) => {
    const r = outline(z).map((p) => [...p]) as unknown[][];
    r[i]![isLon ? 0 : 1] = isLon || typeof v !== 'number' ? v : Math.sign(v) * (90 + Math.abs(v));
    if (i === 0) r[4] = r[0]!;
    return bad(`a position off the globe ${toJson(r[i])}`, at(z, ['geometry', 'coordinates'], [r]));
  }),
  mutate(
    'geometry',
    zone,
    ['geometry'],
    of(
      { type: 'Point', coordinates: [136.3, 36.3] },
      {
        type: 'LineString',
        coordinates: [
          [136.3, 36.3],
          [136.31, 36.31],
        ],
      },
      { type: 'GeometryCollection', geometries: [] },
      null,
      'polygon',
    ),
  ),
  mutate('geometry type', zone, ['geometry', 'type'], of('polygon', 'POLYGON', 'MultiPolygon', 'Feature')),
  mutate('a floor above the ceiling at', zone, [...P, 'lower', 'value'], fc.integer({ min: 151, max: 5000 })),
  mutate(
    'across references, a floor of',
    zone,
    [...P, 'lower'],
    of({ value: 400, reference: 'AGL' }, { value: 1000, reference: 'W84' }),
  ),
  mutate('a floor referenced to', zone, [...P, 'lower', 'reference'], of('QNH', 'MSL', 'agl', '', null, 3)),
  mutate('a ceiling of', zone, [...P, 'upper', 'value'], fc.oneof(beyond(20_000), notANumber)),
  mutate('limits', zone, [...P, 'upper'], of(undefined, null, 150, { value: 150 })),
  mutate(
    'kind',
    zone,
    [...P, 'kind'],
    fc.oneof(
      of('forbidden', 'PROHIBITED', '', null, 1),
      fc.string().filter((s) => !['prohibited', 'restricted', 'advisory'].includes(s)),
    ),
  ),
  mutate('name', zone, [...P, 'name'], fc.oneof(of('', 42, null, undefined), long(201, 3000))),
  mutate('validFrom', zone, [...P, 'validFrom'], badTimestamp),
  mutate('validTo', zone, [...P, 'validTo'], badTimestamp),
  fc
    .tuple(zone, fc.integer({ min: 0, max: 24 * 30 }))
    .map(([z, h]) =>
      bad(
        'validTo not after validFrom',
        at(at(z, [...P, 'validFrom'], inHours(24)), [...P, 'validTo'], inHours(24 - h)),
      ),
    ),
  mutate(
    'schedule',
    zone,
    [...P, 'schedule'],
    of(
      { timeZone: 'Mars/Olympus_Mons', periods: [{}] },
      { periods: [] },
      { periods: [{ daily: [{ start: '25:00', end: '26:00' }] }] },
      { periods: [{ daily: [{ days: ['FUN'], start: '10:00', end: '11:00' }] }] },
      { periods: Array.from({ length: 101 }, () => ({})) },
      { periods: [{ from: 'tomorrow' }] },
      'always',
    ),
  ),
  mutate('type', zone, ['type'], of('FeatureCollection', 'feature', null, undefined)),
  mutate('properties', zone, P, of(null, undefined, 'zone', [])),
  of(null, [], 42, 'zone', true).map((v) => bad('a body that is no object', v)),
);

const oddZone: fc.Arbitrary<Bad> = fc.oneof(
  fc
    .tuple(fc.constantFrom('name', 'authority', 'source'), nastyText(60))
    .chain(([field, s]) => mutate(field, zone, [...P, field], of(s), 'tolerated')),
  fc
    .constantFrom('validFrom', 'validTo')
    .chain((which) => mutate(which, zone, [...P, which], extremeTimestamp, 'tolerated')),
);

const ROLES = ['admin', 'operator', 'gateway', 'monitor'];
const tokenRequest = fc.record({ subject: fc.constant('robustness-subject'), role: fc.constantFrom(...ROLES) });
const gateway = fc.constant({ subject: 'robustness-gw', role: 'gateway' });
const badToken: fc.Arbitrary<Bad> = fc.oneof(
  mutate(
    'role',
    tokenRequest,
    ['role'],
    fc.oneof(
      of('public', 'root', 'ADMIN', 'Operator', '', null, 42, ['admin']),
      fc.string().filter((s) => !ROLES.includes(s)),
    ),
  ),
  mutate(
    'subject',
    tokenRequest,
    ['subject'],
    fc.oneof(
      of('', 42, null, undefined, ' ', '\u2028'),
      long(201, 3000),
      fc
        .tuple(
          fc.string({ unit: visibleAscii, maxLength: 20 }),
          fc.oneof(control, words('\u00a0 \u3000'), fc.constant(' ')),
        )
        .map(([s, c]) => `${s}${c}${s}`),
    ),
  ),
  mutate(
    'ttlSeconds',
    tokenRequest,
    ['ttlSeconds'],
    fc.oneof(
      fc.integer({ min: -1e9, max: 59 }),
      fc.integer({ min: 366 * 86_400 + 1 }),
      fc.double({ min: 60, max: 86_400, noNaN: true }).filter((x) => !Number.isInteger(x)),
      of('3600', null, raw('1e400')),
    ),
  ),
  fc
    .tuple(
      tokenRequest.filter((t) => t.role !== 'gateway'),
      of(['JU1'], '*', []),
    )
    .map(([t, drones]) => bad(`drones given to a ${t.role}`, { ...t, drones })),
  mutate(
    'a gateway bound to',
    gateway,
    ['drones'],
    of(
      [''],
      ['x'.repeat(65)],
      '**',
      'all',
      42,
      [null],
      Array.from({ length: 10_001 }, (_, i) => `JU${i}`),
    ),
  ),
  of(null, [], 42, 'token', true, {}).map((v) => bad('a body that is no token request', v)),
);
const oddToken: fc.Arbitrary<Bad> = fc.oneof(
  mutate(
    'a gateway bound to',
    gateway,
    ['drones'],
    fc.array(nastyText(20), { minLength: 1, maxLength: 3 }),
    'tolerated',
  ),
  mutate(
    'subject',
    tokenRequest,
    ['subject'],
    of('🚁', 'オペレーター', 'op\u202erator', 'a\u0301', '𝓪𝓭𝓶𝓲𝓷'),
    'tolerated',
  ),
);

const COMMANDS = ['rtl', 'land', 'loiter', 'upload-plan'];
const badCommand: fc.Arbitrary<Bad> = fc.oneof(
  fc
    .oneof(
      of('explode', 'RTL', 'return', 'upload', '', null, 42, ['rtl']),
      fc.string().filter((s) => !COMMANDS.includes(s)),
    )
    .map((type) => bad(`command ${toJson(type)}`, { type })),
  of({}, null, [], 'rtl', 42).map((v) => bad('a body that is no command', v)),
  fc
    .oneof(junkId.map(decoded), of(undefined, null, 42, ''))
    .map((planId) => bad(`upload-plan of plan ${toJson(planId)}`, { type: 'upload-plan', planId })),
  fc.uuid().map((planId) => bad('upload-plan of a plan that does not exist', { type: 'upload-plan', planId })),
  fc.constant(null).map(() => bad('upload-plan of another drone’s plan', { type: 'upload-plan', planId: fx.planId })),
  words('rtl land loiter').map((type) => bad(`${type} to a drone whose gateway is gone`, { type })),
);

const garbageAuth: fc.Arbitrary<string> = fc.oneof(
  words(
    `Bearer|Basic YWRtaW46YWRtaW4=|Digest username="admin"|Token abc|bearer|Bearer a b|Bearer null|Bearer ..|Bearer a.b.c|` +
      `Bearer ${ADMIN_TOKEN}x|Bearer ${ADMIN_TOKEN.slice(0, -1)}|Bearer ${ADMIN_TOKEN} ${ADMIN_TOKEN}|` +
      `Bearer ${ADMIN_TOKEN.toUpperCase()}|${ADMIN_TOKEN}`,
    '|',
  ),
  fc
    .record({
      sub: words('admin root'),
      role: words('admin operator gateway'),
      secret: fc.string({ minLength: 1, maxLength: 40 }),
      alg: words('HS256 none'),
    })
    .map(({ sub, role, secret, alg }) => {
      const now = Math.floor(Date.now() / 1000);
      return `Bearer ${forgedJwt({ sub, role, drones: '*', iat: now, exp: now + 3600, jti: randomUUID() }, secret, alg)}`;
    }),
  words('revoked tampered').map((which) => `Bearer ${which === 'revoked' ? fx.revoked : fx.tampered}`),
  fc.string({ unit: visibleAscii, minLength: 1, maxLength: 200 }).map((s) => `Bearer ${s}`),
  fc
    .string({ unit: fc.oneof(visibleAscii, fc.constant(' ')), minLength: 1, maxLength: 200 })
    .filter((s) => s.trim().length > 0),
);

// ---------------------------------------------------------------------------------------------
// Every endpoint: one plainly bad request (for the walk), hostile ones (for the properties) and
// a valid one (which a garbage token must still not get through).

interface Operation {
  canonical: () => Case;
  hostile: fc.Arbitrary<Case>;
  valid: () => Case;
}

const withBody = (op: string, url: string, b: Bad, more: Partial<Case> = {}) =>
  hostile(op, url, b.what, { json: b.body, expect: b.expect, ...more });

/** An operation on one resource; `validId` names one that exists (alerts: none does). */
function idOperation(op: string, validId: () => string): Operation {
  const url = (id: string) => op.split(' ')[1]!.replace('{id}', id);
  return {
    canonical: () => hostile(op, url('not-a-uuid'), 'an id that is not a UUID'),
    hostile: badOrUnknownId.map((id) => hostile(op, url(id), `id ${JSON.stringify(clip(decoded(id), 60))}`)),
    valid: () => hostile(op, url(validId()), 'a valid request'),
  };
}

/** A read whose only input is the caller's token. */
function tokenOnly(op: string, more: fc.Arbitrary<Case>[] = []): Operation {
  const url = op.split(' ')[1]!;
  return {
    canonical: () => hostile(op, url, 'a garbage token', { auth: 'Bearer garbage', status: 401 }),
    hostile: fc.oneof(
      garbageAuth.map((auth) => hostile(op, url, 'a garbage Authorization header', { auth, status: 401 })),
      ...more,
    ),
    valid: () => hostile(op, url, 'a valid request'),
  };
}

/** A read with query parameters; `base` is how a client would send the others. */
function queryOperation(
  op: string,
  base: Query,
  canonical: [string, Query],
  cases: (q: (what: string, params: Query, expect?: Expect) => Case) => fc.Arbitrary<Case>[],
  path = op.split(' ')[1]!,
): Operation {
  const q = (what: string, params: Query, expect: Expect = 'refused') =>
    hostile(op, `${path}${qs({ ...base, ...params })}`, what, { expect });
  return {
    canonical: () => q(...canonical),
    hostile: fc.oneof(...cases(q)),
    valid: () => q('a valid request', {}),
  };
}

const planPath = (id: string) => `/api/v1/flight-plans/${id}`;

// InterUSS flight_planning/v1: valid requests are Hypothetical, so what they are let through keeps nothing.
const FP = '/flight_planning/v1/flight_plans';
/** A Remote ID view of about a kilometre over Kaga station (lat,lng,lat,lng). */
const RID_VIEW = '36.316,136.346,36.324,136.354';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const AREA = ['flight_plan', 'basic_information', 'area', 0];
const alt = (value: number, reference = 'SFC') => ({ value, reference, units: 'M' });
function validUpsert(): Loose {
  const v = (lat: number, lng: number) => ({ lat, lng });
  return {
    flight_plan: {
      basic_information: {
        usage_state: 'Planned',
        uas_state: 'Nominal',
        area: [
          {
            volume: {
              outline_polygon: { vertices: [v(36.42, 136.42), v(36.421, 136.42), v(36.421, 136.421)] },
              altitude_lower: alt(30),
              altitude_upper: alt(60),
            },
            time_start: { value: inHours(1), format: 'RFC3339' },
            time_end: { value: inHours(1.5), format: 'RFC3339' },
          },
        ],
      },
      astm_f3548_21: { priority: 0 },
    },
    execution_style: 'Hypothetical',
    request_id: randomUUID(),
  };
}
const BAD_UPSERTS: Array<() => Bad> = [
  () => bad('an unknown execution_style', at(validUpsert(), ['execution_style'], 'Maybe')),
  () => bad('no request_id', at(validUpsert(), ['request_id'], undefined)),
  () => bad('a request_id of 201 characters', at(validUpsert(), ['request_id'], 'r'.repeat(201))),
  () => bad('an unknown usage_state', at(validUpsert(), ['flight_plan', 'basic_information', 'usage_state'], 'Flying')),
  () => bad('altitude reference AGL', at(validUpsert(), [...AREA, 'volume', 'altitude_lower', 'reference'], 'AGL')),
  () => bad('altitude in feet', at(validUpsert(), [...AREA, 'volume', 'altitude_upper', 'units'], 'FT')),
  () => bad('latitude 91', at(validUpsert(), [...AREA, 'volume', 'outline_polygon', 'vertices', 0, 'lat'], 91)),
  () => bad('a start that is not RFC 3339', at(validUpsert(), [...AREA, 'time_start', 'value'], 'tomorrow')),
  () => bad('a priority of 1.5', at(validUpsert(), ['flight_plan', 'astm_f3548_21', 'priority'], 1.5)),
  () => bad('an area that is no list', at(validUpsert(), ['flight_plan', 'basic_information', 'area'], {})),
  () => bad('a flight_plan that is a string', at(validUpsert(), ['flight_plan'], 'x')),
  () => bad('an intent 40 days ahead', at(validUpsert(), [...AREA, 'time_end', 'value'], inHours(960)), 'tolerated'),
  () => bad('no volumes', at(validUpsert(), ['flight_plan', 'basic_information', 'area'], []), 'tolerated'),
  () => bad('a field it does not know', at(validUpsert(), ['flight_plan', 'telemetry'], { x: 1 }), 'tolerated'),
];
const badUpsert = fc.constantFrom(...BAD_UPSERTS).map((make) => make());
function validClearArea(): Loose {
  return {
    request_id: randomUUID(),
    extent: {
      volume: { outline_circle: { center: { lat: 36.43, lng: 136.43 }, radius: { value: 50, units: 'M' } } },
      time_start: { value: inHours(0), format: 'RFC3339' },
    },
  };
}
const badClearArea = fc
  .constantFrom<Array<() => Bad>>(
    () => bad('no request_id', at(validClearArea(), ['request_id'], undefined)),
    () => bad('a negative radius', at(validClearArea(), ['extent', 'volume', 'outline_circle', 'radius', 'value'], -5)),
    () => bad('latitude -91', at(validClearArea(), ['extent', 'volume', 'outline_circle', 'center', 'lat'], -91)),
    () => bad('a start that is not RFC 3339', at(validClearArea(), ['extent', 'time_start', 'value'], '12:00')),
    () => bad('an extent that is a string', at(validClearArea(), ['extent'], 'Kaga')),
  )
  .map((make) => make());
// ASTM F3548-21 /uss/v1: a peer's notification. Every hostile one is refused: a notification let
// through would hold a peer's intent (a plan) or constraint (zones), which the snapshots would see.
const USS = '/uss/v1';
function validNotification(): Loose {
  const id = randomUUID();
  const v = (lat: number, lng: number) => ({ lat, lng });
  const time = (h: number) => ({ value: inHours(h), format: 'RFC3339' });
  return {
    operational_intent_id: id,
    operational_intent: {
      reference: {
        id,
        manager: 'uss-robustness',
        uss_availability: 'Normal',
        version: 1,
        state: 'Accepted',
        ovn: `ovn-robustness-${id}`,
        time_start: time(30),
        time_end: time(31),
        uss_base_url: 'https://uss.example.com/utm',
        subscription_id: randomUUID(),
      },
      details: {
        volumes: [
          {
            volume: {
              outline_polygon: { vertices: [v(36.41, 136.41), v(36.411, 136.41), v(36.411, 136.411)] },
              altitude_lower: alt(0, 'W84'),
              altitude_upper: alt(200, 'W84'),
            },
            time_start: time(30),
            time_end: time(31),
          },
        ],
        off_nominal_volumes: [],
        priority: 0,
      },
    },
    subscriptions: [{ subscription_id: randomUUID(), notification_index: 0 }],
  };
}
const OI = ['operational_intent'];
const VOLUME = [...OI, 'details', 'volumes', 0];
const BAD_NOTIFICATIONS: Array<() => Bad> = [
  () => bad('no subscriptions', at(validNotification(), ['subscriptions'], undefined)),
  () => bad('no subscription in the list', at(validNotification(), ['subscriptions'], [])),
  () => bad('an id that is no UUID', at(validNotification(), ['operational_intent_id'], 'intent-1')),
  () => bad('an id of another intent', at(validNotification(), ['operational_intent_id'], randomUUID())),
  () =>
    bad('a version-1 UUID', at(validNotification(), ['operational_intent_id'], '6f1f7c5a-d9a4-11ee-a506-0242ac120002')),
  () => bad('an OVN of 3 characters', at(validNotification(), [...OI, 'reference', 'ovn'], 'abc')),
  () => bad('no OVN', at(validNotification(), [...OI, 'reference', 'ovn'], undefined)),
  () => bad('state Ended', at(validNotification(), [...OI, 'reference', 'state'], 'Ended')),
  () => bad('version -1', at(validNotification(), [...OI, 'reference', 'version'], -1)),
  () => bad('a manager with a line break', at(validNotification(), [...OI, 'reference', 'manager'], 'uss\nx')),
  () => bad('a base URL that is no URL', at(validNotification(), [...OI, 'reference', 'uss_base_url'], 'uss2')),
  () => bad('a priority of 1.5', at(validNotification(), [...OI, 'details', 'priority'], 1.5)),
  () => bad('no volumes at all', at(validNotification(), [...OI, 'details', 'volumes'], [])),
  () => bad('latitude 91', at(validNotification(), [...VOLUME, 'volume', 'outline_polygon', 'vertices', 0, 'lat'], 91)),
  () =>
    bad('altitude reference AGL', at(validNotification(), [...VOLUME, 'volume', 'altitude_lower', 'reference'], 'AGL')),
  () => bad('a volume with no end', at(validNotification(), [...VOLUME, 'time_end'], undefined)),
  () => bad('a start that is not RFC 3339', at(validNotification(), [...VOLUME, 'time_start', 'value'], 'soon')),
  () =>
    bad(
      'an outline crossing itself',
      at(
        validNotification(),
        [...VOLUME, 'volume', 'outline_polygon', 'vertices'],
        [
          { lat: 36.41, lng: 136.41 },
          { lat: 36.411, lng: 136.411 },
          { lat: 36.41, lng: 136.411 },
          { lat: 36.411, lng: 136.41 },
        ],
      ),
    ),
  () =>
    bad(
      '101 volumes',
      at(
        validNotification(),
        [...OI, 'details', 'volumes'],
        Array.from({ length: 101 }, () => validNotification().operational_intent.details.volumes[0]),
      ),
    ),
  () => bad('an operational_intent that is a string', at(validNotification(), OI, 'gone')),
];
const badNotification = fc.constantFrom(...BAD_NOTIFICATIONS).map((make) => make());
function validConstraint(): Loose {
  const n = validNotification();
  const { state: _state, subscription_id: _subscription, ...reference } = n.operational_intent.reference;
  return {
    constraint_id: reference.id,
    constraint: { reference, details: { volumes: n.operational_intent.details.volumes } },
    subscriptions: n.subscriptions,
  };
}
const badConstraint = fc
  .constantFrom<Array<() => Bad>>(
    () => bad('no subscriptions', at(validConstraint(), ['subscriptions'], undefined)),
    () => bad('an id that is no UUID', at(validConstraint(), ['constraint_id'], 'zone-1')),
    () => bad('no volumes', at(validConstraint(), ['constraint', 'details', 'volumes'], [])),
    () => bad('no OVN', at(validConstraint(), ['constraint', 'reference', 'ovn'], undefined)),
    () =>
      bad(
        'latitude -91',
        at(
          validConstraint(),
          ['constraint', 'details', 'volumes', 0, 'volume', 'outline_polygon', 'vertices', 1, 'lat'],
          -91,
        ),
      ),
    () => bad('a details that is a list', at(validConstraint(), ['constraint', 'details'], [])),
  )
  .map((make) => make());
/** An operation on one entity of /uss/v1 (`{entityid}`); `validId` names one that exists. */
function entityOperation(op: string, validId: () => string): Operation {
  const url = (id: string) => op.split(' ')[1]!.replace('{entityid}', id);
  return {
    canonical: () => hostile(op, url('not-a-uuid'), 'an id that is not a UUID'),
    hostile: badOrUnknownId.map((id) => hostile(op, url(id), `id ${JSON.stringify(clip(decoded(id), 60))}`)),
    valid: () => hostile(op, url(validId()), 'a valid request'),
  };
}
/** A notification of /uss/v1: a body that is hostile, or an unknown field's worth of a valid one. */
function notificationOperation(op: string, valid: () => Loose, cases: fc.Arbitrary<Bad>): Operation {
  const url = op.split(' ')[1]!;
  return {
    canonical: () =>
      withBody(op, url, bad('no subscriptions', at(valid(), ['subscriptions'], undefined)), { namesField: true }),
    hostile: cases.map((b) => withBody(op, url, b, { namesField: true })),
    valid: () => withBody(op, url, bad('a valid notification', valid())),
  };
}

const ALERT_KINDS =
  'nonconforming contingent geofence_breach lost_link proximity unplanned_flight low_battery zone_over_active_plan id_collision';
const PLAN_STATES = ['Accepted', 'Activated', 'Nonconforming', 'Contingent', 'Ended', 'Cancelled', 'Preempted'];
const notTrueOrFalse = fc
  .oneof(words('|yes|no|1|0|TRUE|true,false', '|'), fc.string())
  .filter((s) => s !== 'true' && s !== 'false');
const times = (q: (what: string, params: Query, expect?: Expect) => Case, ...keys: string[]) => [
  fc.tuple(fc.constantFrom(...keys), badTimestamp).map(([k, v]) => q(`${k} not RFC 3339`, { [k]: v })),
  fc
    .tuple(fc.constantFrom(...keys), extremeTimestamp)
    .map(([k, v]) => q(`${k} at an end of the calendar`, { [k]: v }, 'tolerated')),
];
const windowBackwards = (q: (what: string, params: Query) => Case) =>
  fc
    .tuple(fc.integer({ min: -48, max: 0 }), fc.integer({ min: 0, max: 48 * 60 }))
    .map(([h, m]) => q('to not after from', { from: inHours(h), to: later(inHours(h), -m) }));

/** `?hold=` values that are neither true nor false. */
const badHold = fc.oneof(
  words('yes|1|TRUE|on|', '|'),
  fc.string().filter((s) => s !== 'true' && s !== 'false'),
);

const RANKS = ['order', 'delay', 'distance', 'height'];
const asCandidates = (b: Bad): Bad => ({ ...b, what: `a candidate with ${b.what}`, body: { candidates: [b.body] } });
const badCandidates: fc.Arbitrary<Bad> = fc.oneof(
  { weight: 3, arbitrary: badPlan.map(asCandidates) },
  fc
    .tuple(plan, fc.integer({ min: 21, max: 40 }))
    .map(([p, n]) => bad(`${n} candidates`, { candidates: Array.from({ length: n }, () => p) })),
  mutate(
    'candidates',
    plan.map((p) => ({ candidates: [p] })),
    ['candidates'],
    of([], null, 'all', {}, [null], undefined),
  ),
  mutate(
    'rank',
    plan.map((p) => ({ candidates: [p] })),
    ['rank'],
    fc.oneof(
      of('cheapest', '', null, 1, 'DELAY'),
      fc.string().filter((s) => !RANKS.includes(s)),
    ),
  ),
  volumePlan.map((v) => bad('ranking volumes by distance', { candidates: [v], rank: 'distance' })),
  of(null, [], 42, 'plans').map((v) => bad('a body that is no list of candidates', v)),
);

const badEarliest: fc.Arbitrary<Bad> = fc.oneof(
  { weight: 3, arbitrary: badPlan.map((b) => ({ ...b, what: `a plan with ${b.what}`, body: { plan: b.body } })) },
  mutate(
    'notAfter',
    plan.map((p) => ({ plan: p })),
    ['notAfter'],
    badTimestamp,
  ),
  plan.map((p) =>
    bad('notAfter before the departure', { plan: p, notAfter: later(p.route!.departure as string, -60) }),
  ),
  of(null, [], 42, {}).map((v) => bad('a body that is no earliest-slot request', v)),
);

/** Operator names a cap may not have: spaces, controls, too long. */
const badOperator: fc.Arbitrary<string> = fc.oneof(
  long(201, 3000, 'o'),
  fc
    .tuple(
      fc.string({ unit: visibleAscii, maxLength: 12 }),
      fc.oneof(control, words('\u00a0 \u3000'), fc.constant(' ')),
    )
    .map(([s, c]) => `${s}${c}${s}`),
);
const capPath = (operator: string) => `/api/v1/caps/${segment(operator)}`;
const badCap: fc.Arbitrary<Bad> = fc.oneof(
  fc
    .oneof(
      fc.double({ max: 0, noNaN: true }),
      fc.double({ min: 1e9, minExcluded: true, noNaN: true }),
      notANumber,
      of(undefined),
    )
    .map((v) => bad(`cellHours ${v === undefined ? 'missing' : toJson(v)}`, { cellHours: v })),
  of(null, [], 42, 'ten', {}).map((v) => bad('a body that is no cap', v)),
);

/** An operation on one drone by id: too long an id is refused, any other merely not found. */
function droneOperation(op: string, validDrone: () => string, body: () => Bad | null = () => null): Operation {
  const url = (id: string) => op.split(' ')[1]!.replace('{id}', id);
  const withJson = (c: Case) => {
    const b = body();
    return b ? { ...c, json: b.body } : c;
  };
  return {
    canonical: () => withJson(hostile(op, url('D'.repeat(65)), 'a drone id of 65 characters')),
    hostile: fc.oneof(
      long(65, 5000, 'D').map((id) => withJson(hostile(op, url(id), `a drone id of ${id.length} characters`))),
      nastyText(40)
        .filter((id) => id !== DRONE)
        .map((id) => withJson(hostile(op, url(segment(id)), `drone ${JSON.stringify(id)}`, { expect: 'tolerated' }))),
    ),
    valid: () => withJson(hostile(op, url(validDrone()), 'a valid request')),
  };
}

const validAuthorization = () => ({
  zoneId: fx.restrictedZoneId,
  operator: 'robustness-operator',
  droneId: 'JUROBUSTAUTH01',
  validFrom: inHours(1),
  validTo: inHours(3),
  reason: 'robustness fixture',
});
const badAuthorization = fc.oneof(
  mutate('zoneId', fc.constant(null).map(validAuthorization), ['zoneId'], junkId),
  mutate('validTo', fc.constant(null).map(validAuthorization), ['validTo'], badTimestamp),
  mutate('reason', fc.constant(null).map(validAuthorization), ['reason'], fc.oneof(fc.constant(''), long(501, 3000))),
  mutate('operator', fc.constant(null).map(validAuthorization), ['operator'], long(201, 3000)),
  fc.constant(null).map(() => bad('validTo before validFrom', { ...validAuthorization(), validTo: inHours(0.5) })),
  fc.uuid().map((zoneId) => bad(`an unknown zone ${zoneId}`, { ...validAuthorization(), zoneId })),
);
const badGrant = fc.oneof(
  fc
    .oneof(fc.integer({ min: 1001, max: 1e9 }), fc.integer({ min: -1e9, max: -1 }), fc.double({ min: 0.1, max: 999.9 }))
    .filter((v) => !Number.isInteger(v) || v < 0 || v > 1000)
    .map((v) => bad(`maxPriority ${v}`, { maxPriority: v, reason: 'robustness' })),
  fc
    .oneof(fc.constant(''), long(501, 3000))
    .map((r) => bad('a reason empty or too long', { maxPriority: 10, reason: r })),
);
const grantPath = (operator: string) => `/api/v1/priority-grants/${segment(operator)}`;
// 空間ID: a reservation of two tiles north of the city (clear of the plans here) and ways to spoil it.
const SPATIAL_TILE = spatialIdOf(36.43, 136.43, 90, 21);
const spatialIds = (n: number, step = 1) =>
  Array.from({ length: n }, (_, i) => formatSpatialId({ ...SPATIAL_TILE, x: SPATIAL_TILE.x + step * i }));
const spatialPlan = departure.map((d) => ({
  droneId: 'JUROBUSTSPATIAL01',
  spatialIds: [{ start: d, end: later(d, 10), ids: spatialIds(2) }],
}));
const validSpatialPlan = () => {
  const start = inHours(5 + Math.random() * 400);
  return { droneId: 'JUROBUSTSPATIAL01', spatialIds: [{ start, end: later(start, 10), ids: spatialIds(2) }] };
};
const SG = ['spatialIds', 0];
const badSpatialPlan: fc.Arbitrary<Bad> = fc.oneof(
  mutate(
    'an ID',
    spatialPlan,
    [...SG, 'ids', 0],
    fc.oneof(
      words(
        '21/5/1 21/5/1/2/3 21/5/a/b 21/5/-1/2 z/f/x/y 31/0/0/0 21/5/2097152/0 21/5/1/0 21/2000/1842668/821337 ' +
          '21/-40/1842668/821337 21/5/1842668/821337_0/1 21/5/1842668/821337_86401/1 99/5/1/1 21/5/1842668/821337_60',
      ),
      nastyText(30),
      long(61, 3000, '1'),
      notANumber,
    ),
  ),
  mutate('ids', spatialPlan, [...SG, 'ids'], of([], null, 'x', {}, [null], undefined)),
  mutate('start', spatialPlan, [...SG, 'start'], fc.oneof(badTimestamp, badDeparture, of(undefined, 5))),
  mutate('end', spatialPlan, [...SG, 'end'], fc.oneof(badTimestamp, of(undefined, null))),
  mutate('spatialIds', spatialPlan, ['spatialIds'], of([], null, 'all', {}, [null], undefined, [{}])),
  mutate(
    'reference',
    spatialPlan,
    ['reference'],
    fc.oneof(words('AGL agl MSL w84 SFC'), fc.string()).filter((v) => v !== 'AMSL' && v !== 'W84'),
  ),
  mutate('droneId', spatialPlan, ['droneId'], of(undefined, '', null, 5, 'x'.repeat(65))),
  mutate('priority', spatialPlan, ['priority'], of(-1, 1001, 1.5, 'high')),
  spatialPlan.map((p) => bad('a time-extended ID given a start', at(p, [...SG, 'ids', 0], `${spatialIds(1)[0]}_60/1`))),
  spatialPlan.map((p) =>
    bad('time-extended IDs of 1970', { ...p, spatialIds: [{ ids: [`${spatialIds(1)[0]}_60/1`] }] }),
  ),
  spatialPlan.map((p) =>
    bad('a slot past the year 3000', { ...p, spatialIds: [{ ids: [`${spatialIds(1)[0]}_86400/999999999999`] }] }),
  ),
  spatialPlan.map((p) => bad('end before start', at(p, [...SG, 'end'], later(p.spatialIds[0]!.start, -5)))),
  spatialPlan.map((p) => bad('10,001 IDs', at(p, [...SG, 'ids'], spatialIds(10_001)))),
  spatialPlan.map((p) => bad('101 groups', { ...p, spatialIds: Array.from({ length: 101 }, () => p.spatialIds[0]) })),
  spatialPlan.map((p) =>
    bad('120 tiles apart: more volumes than a plan holds', at(p, [...SG, 'ids'], spatialIds(120, 2))),
  ),
  spatialPlan.map((p) =>
    bad(
      'a zoom-10 tile: more area than a plan holds',
      at(p, [...SG, 'ids'], [formatSpatialId(spatialIdOf(36.43, 136.43, 90, 10))]),
    ),
  ),
);
/** The query of a spatial-ID export, each parameter spoilt in turn. */
const badSpatialQuery = (q: (what: string, params: Query, expect?: Expect) => Case) => [
  badInt(0, 30).map((v) => q(`zoom ${JSON.stringify(v)}`, { zoom: v })),
  fc.integer({ min: 26, max: 30 }).map((z) => q(`zoom ${z}: more IDs than one answer holds`, { zoom: String(z) })),
  fc
    .oneof(words('|AGL|agl|MSL|w84|W84 ', '|'), fc.string())
    .filter((v) => v !== 'AMSL' && v !== 'W84')
    .map((v) => q(`reference ${JSON.stringify(v)}`, { reference: v })),
  badInt(1, 86_400).map((v) => q(`interval ${JSON.stringify(v)}`, { interval: v })),
  of({ zoom: ['20', '21'] }, { reference: ['AMSL', 'W84'] }).map((p) => q('a parameter given twice', p as Query)),
  fc.integer({ min: 1, max: 30 }).map((i) => q(`slots of ${i} s`, { interval: String(i) }, 'tolerated')),
];

const OPERATIONS: Record<string, Operation> = {
  'POST /api/v1/flight-plans/from-spatial-ids': (() => {
    const op = 'POST /api/v1/flight-plans/from-spatial-ids';
    const url = '/api/v1/flight-plans/from-spatial-ids';
    return {
      canonical: () => withBody(op, url, bad('no spatial IDs', { droneId: 'JUROBUSTSPATIAL01' }), { namesField: true }),
      hostile: fc.oneof(
        { weight: 4, arbitrary: badSpatialPlan.map((b) => withBody(op, url, b, { namesField: true })) },
        {
          weight: 1,
          arbitrary: fc.tuple(spatialPlan, badHold).map(([p, h]) =>
            withBody(op, `${url}${qs({ hold: h })}`, bad(`hold ${JSON.stringify(clip(h, 30))}`, p), {
              namesField: true,
            }),
          ),
        },
      ),
      valid: () => withBody(op, url, bad('a valid reservation', validSpatialPlan())),
    };
  })(),
  'GET /api/v1/flight-plans/{id}/spatial-ids': (() => {
    const op = 'GET /api/v1/flight-plans/{id}/spatial-ids';
    const url = (id: string, q: Query = {}) => `${planPath(id)}/spatial-ids${qs({ zoom: '20', ...q })}`;
    return {
      canonical: () => hostile(op, url(fx.planId, { zoom: undefined }), 'no zoom', { namesField: true }),
      hostile: fc.oneof(
        badOrUnknownId.map((id) => hostile(op, url(id), `id ${JSON.stringify(clip(decoded(id), 60))}`)),
        ...badSpatialQuery((what, params, expect = 'refused') => hostile(op, url(fx.planId, params), what, { expect })),
        fc
          .oneof(words('|flight|CELL|Plan|cell,plan', '|'), fc.string())
          .filter((v) => v !== 'cell' && v !== 'plan')
          .map((v) => hostile(op, url(fx.planId, { timing: v }), `timing ${JSON.stringify(v)}`)),
      ),
      valid: () => hostile(op, url(fx.planId), 'a valid request'),
    };
  })(),
  'GET /api/v1/airspace/spatial-ids': queryOperation(
    'GET /api/v1/airspace/spatial-ids',
    // The window holds the fixture plan: a zoom too fine for it is refused, not answered empty.
    { bbox: KAGA_BBOX, zoom: '18', from: inHours(2), to: inHours(5) },
    ['no zoom', { zoom: undefined }],
    (q) => [
      ...times(q, 'from', 'to'),
      badBbox.map((v) => q('a bbox that is no box', { bbox: v })),
      windowBackwards(q),
      ...badSpatialQuery(q),
    ],
  ),
  'GET /api/v1/geofences/{id}/spatial-ids': (() => {
    const op = 'GET /api/v1/geofences/{id}/spatial-ids';
    const url = (id: string, q: Query = {}) => `/api/v1/geofences/${id}/spatial-ids${qs({ zoom: '20', ...q })}`;
    const q = (what: string, params: Query, expect: Expect = 'refused') =>
      hostile(op, url(fx.zoneId, params), what, { expect });
    return {
      canonical: () => q('zoom 31', { zoom: '31' }),
      hostile: fc.oneof(
        badOrUnknownId.map((id) => hostile(op, url(id), `id ${JSON.stringify(clip(decoded(id), 60))}`)),
        ...times(q, 'from', 'to'),
        windowBackwards(q),
        fc
          .tuple(fc.integer({ min: 0, max: 48 }), fc.integer({ min: 1, max: 365 * 24 * 60 }))
          .map(([h, m]) => q('a window over 31 days', { from: inHours(h), to: later(inHours(h), 31 * 24 * 60 + m) })),
        ...badSpatialQuery(q),
      ),
      valid: () => q('a valid request', {}),
    };
  })(),
  'POST /api/v1/flight-plans': {
    canonical: () =>
      withBody(
        'POST /api/v1/flight-plans',
        '/api/v1/flight-plans',
        bad('latitude 91', at(validPlan(), [...R, 'waypoints', 0, 'lat'], 91)),
        { namesField: true },
      ),
    hostile: fc.oneof(
      {
        weight: 3,
        arbitrary: badPlan.map((b) =>
          withBody('POST /api/v1/flight-plans', '/api/v1/flight-plans', b, { namesField: true }),
        ),
      },
      { weight: 1, arbitrary: oddPlan.map((b) => withBody('POST /api/v1/flight-plans', '/api/v1/flight-plans', b)) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(plan, badHold)
          .map(([p, h]) =>
            withBody(
              'POST /api/v1/flight-plans',
              `/api/v1/flight-plans${qs({ hold: h })}`,
              bad(`hold ${JSON.stringify(h)}`, p),
              { namesField: true },
            ),
          ),
      },
    ),
    valid: () => withBody('POST /api/v1/flight-plans', '/api/v1/flight-plans', bad('a valid plan', validPlan())),
  },
  'POST /api/v1/flight-plans/candidates': {
    canonical: () =>
      withBody(
        'POST /api/v1/flight-plans/candidates',
        '/api/v1/flight-plans/candidates',
        bad('no candidates', { candidates: [] }),
        { namesField: true },
      ),
    hostile: fc.oneof(
      {
        weight: 4,
        arbitrary: badCandidates.map((b) =>
          withBody('POST /api/v1/flight-plans/candidates', '/api/v1/flight-plans/candidates', b, { namesField: true }),
        ),
      },
      {
        weight: 1,
        arbitrary: oddPlan.map((b) =>
          withBody('POST /api/v1/flight-plans/candidates', '/api/v1/flight-plans/candidates', asCandidates(b)),
        ),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(plan, badHold)
          .map(([p, h]) =>
            withBody(
              'POST /api/v1/flight-plans/candidates',
              `/api/v1/flight-plans/candidates${qs({ hold: h })}`,
              bad(`hold ${JSON.stringify(h)}`, { candidates: [p] }),
              { namesField: true },
            ),
          ),
      },
    ),
    valid: () =>
      withBody(
        'POST /api/v1/flight-plans/candidates',
        '/api/v1/flight-plans/candidates',
        bad('valid candidates', { candidates: [validPlan(), validPlan()] }),
      ),
  },
  'POST /api/v1/flight-plans/earliest': {
    canonical: () =>
      withBody('POST /api/v1/flight-plans/earliest', '/api/v1/flight-plans/earliest', bad('no plan', {}), {
        namesField: true,
      }),
    hostile: fc.oneof(
      {
        weight: 4,
        arbitrary: badEarliest.map((b) =>
          withBody('POST /api/v1/flight-plans/earliest', '/api/v1/flight-plans/earliest', b, { namesField: true }),
        ),
      },
      {
        weight: 1,
        arbitrary: oddPlan.map((b) =>
          withBody('POST /api/v1/flight-plans/earliest', '/api/v1/flight-plans/earliest', {
            ...b,
            body: { plan: b.body },
          }),
        ),
      },
    ),
    valid: () =>
      withBody(
        'POST /api/v1/flight-plans/earliest',
        '/api/v1/flight-plans/earliest',
        bad('a valid request', { plan: validPlan() }),
      ),
  },
  'POST /api/v1/flight-plans/{id}/confirm': idOperation('POST /api/v1/flight-plans/{id}/confirm', () => fx.planId),
  'GET /api/v1/flight-plans/{id}/dips': (() => {
    const op = 'GET /api/v1/flight-plans/{id}/dips';
    const ids = idOperation(op, () => fx.planId);
    return {
      ...ids,
      hostile: fc.oneof(
        ids.hostile,
        fc
          .oneof(
            words('xml|JSON|csv |pdf||json,csv', '|'),
            fc.string().filter((s) => s !== 'json' && s !== 'csv'),
          )
          .map((f) => hostile(op, `${planPath(fx.planId)}/dips${qs({ format: f })}`, `format ${JSON.stringify(f)}`)),
      ),
    };
  })(),
  'GET /api/v1/flight-plans': queryOperation(
    'GET /api/v1/flight-plans',
    { limit: '50' },
    ['a bbox of five numbers', { bbox: '1,2,3,4,5' }],
    (q) => [
      ...times(q, 'from', 'to'),
      badBbox.map((v) => q('a bbox that is no box', { bbox: v })),
      fc
        .oneof(words('Flying accepted Accepted,Flying , Accepted, Rejected'), fc.string())
        .filter((s) => !s.split(',').every((x) => PLAN_STATES.includes(x)))
        .map((v) => q('an unknown state', { state: v })),
      badInt(1, 1000).map((v) => q('a limit out of range', { limit: v })),
      long(65, 3000).map((v) => q('a droneId too long', { droneId: v })),
      long(201, 3000).map((v) => q('an operator too long', { operator: v })),
      of(
        { limit: ['1', '2'] },
        { bbox: [KAGA_BBOX, KAGA_BBOX] },
        { state: ['Accepted', 'Ended'] },
        { from: [inHours(1), inHours(2)] },
      ).map((p) => q('a parameter given twice', p as Query)),
      fc
        .tuple(words('droneId operator'), nastyText(30))
        .map(([k, v]) => q(`${k} ${JSON.stringify(v)}`, { [k]: v }, 'tolerated')),
    ],
  ),
  'GET /api/v1/flight-plans/{id}': idOperation('GET /api/v1/flight-plans/{id}', () => fx.planId),
  'PUT /api/v1/flight-plans/{id}': {
    canonical: () =>
      withBody(
        'PUT /api/v1/flight-plans/{id}',
        planPath(fx.planId),
        bad('a negative speed', at(validPlan(), [...R, 'speedMps'], -3)),
        { namesField: true },
      ),
    hostile: fc.oneof(
      {
        weight: 3,
        arbitrary: badPlan.map((b) =>
          withBody('PUT /api/v1/flight-plans/{id}', planPath(fx.planId), b, { namesField: true }),
        ),
      },
      { weight: 1, arbitrary: oddPlan.map((b) => withBody('PUT /api/v1/flight-plans/{id}', planPath(fx.planId), b)) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(badOrUnknownId, plan)
          .map(([id, p]) =>
            withBody(
              'PUT /api/v1/flight-plans/{id}',
              planPath(id),
              bad(`a valid plan under id ${JSON.stringify(clip(id, 60))}`, p),
            ),
          ),
      },
    ),
    valid: () => withBody('PUT /api/v1/flight-plans/{id}', planPath(fx.planId), bad('a valid replan', validPlan())),
  },
  'DELETE /api/v1/flight-plans/{id}': idOperation('DELETE /api/v1/flight-plans/{id}', () => fx.planId),
  'POST /api/v1/flight-plans/{id}/activate': idOperation('POST /api/v1/flight-plans/{id}/activate', () => fx.planId),
  'POST /api/v1/flight-plans/{id}/end': idOperation('POST /api/v1/flight-plans/{id}/end', () => fx.planId),
  'GET /api/v1/flight-plans/{id}/sky-road': idOperation('GET /api/v1/flight-plans/{id}/sky-road', () => fx.planId),
  'GET /api/v1/capacity': queryOperation(
    'GET /api/v1/capacity',
    { bbox: KAGA_BBOX },
    ['no bbox', { bbox: undefined }],
    (q) => [
      ...times(q, 'from', 'to'),
      badBbox.map((v) => q('a bbox that is no box', { bbox: v })),
      windowBackwards(q),
      fc
        .tuple(fc.integer({ min: 0, max: 48 }), fc.integer({ min: 1, max: 365 * 24 * 60 }))
        .map(([h, m]) => q('a window over 48 hours', { from: inHours(h), to: later(inHours(h), 48 * 60 + m) })),
      of(undefined, [KAGA_BBOX, KAGA_BBOX]).map((bbox) => q('no single bbox', { bbox: bbox as Query[string] })),
    ],
  ),
  'GET /api/v1/rules': tokenOnly('GET /api/v1/rules'),
  'GET /api/v1/caps': tokenOnly('GET /api/v1/caps'),
  'PUT /api/v1/caps/{operator}': {
    canonical: () =>
      withBody('PUT /api/v1/caps/{operator}', capPath('robustness-op'), bad('a negative cap', { cellHours: -1 }), {
        namesField: true,
      }),
    hostile: fc.oneof(
      {
        weight: 3,
        arbitrary: badCap.map((b) =>
          withBody('PUT /api/v1/caps/{operator}', capPath('robustness-op'), b, { namesField: true }),
        ),
      },
      {
        weight: 1,
        arbitrary: badOperator.map((o) =>
          withBody(
            'PUT /api/v1/caps/{operator}',
            capPath(o),
            bad(`operator ${JSON.stringify(clip(o, 40))}`, { cellHours: 10 }),
          ),
        ),
      },
    ),
    valid: () =>
      withBody('PUT /api/v1/caps/{operator}', capPath('robustness-op'), bad('a valid cap', { cellHours: 10 })),
  },
  'DELETE /api/v1/caps/{operator}': {
    canonical: () => hostile('DELETE /api/v1/caps/{operator}', capPath('an operator'), 'an operator with a space'),
    hostile: fc.oneof(
      badOperator.map((o) =>
        hostile('DELETE /api/v1/caps/{operator}', capPath(o), `operator ${JSON.stringify(clip(o, 40))}`),
      ),
      fc
        .string({
          unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_.'.split('')),
          minLength: 1,
          maxLength: 30,
        })
        .filter((o) => o !== '.' && o !== '..')
        .map((o) => hostile('DELETE /api/v1/caps/{operator}', capPath(`nocap-${o}`), 'an operator without a cap')),
    ),
    valid: () => hostile('DELETE /api/v1/caps/{operator}', capPath('robustness-op'), 'a valid request'),
  },
  'GET /api/v1/decisions': queryOperation(
    'GET /api/v1/decisions',
    {},
    ['to not RFC 3339', { to: 'yesterday' }],
    (q) => [...times(q, 'from', 'to'), windowBackwards(q)],
  ),
  'GET /api/v1/airspace': queryOperation(
    'GET /api/v1/airspace',
    { bbox: KAGA_BBOX },
    ['no bbox', { bbox: undefined }],
    (q) => [
      ...times(q, 'from', 'to'),
      badBbox.map((v) => q('a bbox that is no box', { bbox: v })),
      of(undefined, [KAGA_BBOX, KAGA_BBOX]).map((bbox) => q('no single bbox', { bbox: bbox as Query[string] })),
      fc
        .tuple(fc.double({ min: LIMITS.maxAirspaceBboxDeg + 0.01, max: 90, noNaN: true }), fc.boolean())
        .map(([span, wide]) =>
          q(`a box ${span}° ${wide ? 'wide' : 'high'}`, {
            bbox: (wide ? [136 - span / 2, 36, 136 + span / 2, 36.1] : [136, 36 - span / 2, 136.1, 36 + span / 2])
              .map(String)
              .join(','),
          }),
        ),
      fc
        .integer({ min: LIMITS.maxAirspaceWindowMs / 60_000 + 1, max: 365 * 24 * 60 })
        .map((m) => q(`a window of ${m} minutes`, { from: inHours(0), to: later(inHours(0), m) })),
      windowBackwards(q),
    ],
  ),
  'GET /api/v1/airspace/check': (() => {
    const junk = words('|abc|NaN|Infinity|-Infinity|1e400|1,2|0x|36.3.1', '|').map((s) => (s === '' ? undefined : s));
    const base = { lat: String(STATION.lat), lon: String(STATION.lon), alt: '60', reference: 'AGL' };
    return queryOperation('GET /api/v1/airspace/check', base, ['latitude 91', { lat: '91' }], (q) => [
      fc.oneof(beyond(90).map(String), junk).map((v) => q(`lat ${v}`, { lat: v })),
      fc.oneof(beyond(180).map(String), junk).map((v) => q(`lon ${v}`, { lon: v })),
      fc.oneof(beyond(20_000).map(String), words('-501 -1e6'), junk).map((v) => q(`alt ${v}`, { alt: v })),
      fc
        .oneof(
          words('|QNH|agl|MSL|W84 ', '|'),
          fc.string().filter((s) => !['W84', 'AMSL', 'AGL'].includes(s)),
        )
        .map((v) => q(`reference ${JSON.stringify(v)}`, { reference: v })),
      ...times(q, 'time'),
      words('lat lon alt').map((k) => q(`${k} twice`, { [k]: ['1', '2'] })),
      fc
        .tuple(words('90 -90'), words('180 -180'), words('-500 20000'))
        .map(([la, lo, alt]) => q('a corner of the world', { lat: la, lon: lo, alt }, 'tolerated')),
    ]);
  })(),
  'POST /api/v1/geofences': {
    canonical: () =>
      withBody(
        'POST /api/v1/geofences',
        '/api/v1/geofences',
        bad('an unknown kind', at(squareZone(NORTH, 50, { name: 'x' }), [...P, 'kind'], 'forbidden')),
      ),
    hostile: fc.oneof(
      { weight: 3, arbitrary: badZone.map((b) => withBody('POST /api/v1/geofences', '/api/v1/geofences', b)) },
      { weight: 1, arbitrary: oddZone.map((b) => withBody('POST /api/v1/geofences', '/api/v1/geofences', b)) },
    ),
    valid: () =>
      withBody(
        'POST /api/v1/geofences',
        '/api/v1/geofences',
        bad('a valid zone', squareZone(NORTH, 40, { name: 'robustness valid', kind: 'advisory' })),
      ),
  },
  'GET /api/v1/geofences': queryOperation('GET /api/v1/geofences', {}, ['a limit of zero', { limit: '0' }], (q) => [
    badBbox.map((v) => q('a bbox that is no box', { bbox: v })),
    badInt(1, 10_000).map((v) => q('a limit out of range', { limit: v })),
    of({ limit: ['1', '2'] }, { bbox: [KAGA_BBOX, KAGA_BBOX] }).map((p) => q('a parameter given twice', p as Query)),
  ]),
  'GET /api/v1/geofences/{id}': idOperation('GET /api/v1/geofences/{id}', () => fx.zoneId),
  'DELETE /api/v1/geofences/{id}': idOperation('DELETE /api/v1/geofences/{id}', () => fx.zoneId),
  'GET /api/v1/drones': tokenOnly('GET /api/v1/drones', [
    fc
      .dictionary(fc.string({ unit: visibleAscii, minLength: 1, maxLength: 10 }), nastyText(20), { maxKeys: 4 })
      .map((q) =>
        hostile('GET /api/v1/drones', `/api/v1/drones${qs(q)}`, 'parameters it does not take', { expect: 'tolerated' }),
      ),
  ]),
  'GET /api/v1/drones/{id}/track': queryOperation(
    'GET /api/v1/drones/{id}/track',
    {},
    ['a limit of zero', { limit: '0' }],
    (q) => {
      const op = 'GET /api/v1/drones/{id}/track';
      return [
        long(65, 5000, 'D').map((id) =>
          hostile(op, `/api/v1/drones/${id}/track`, `a drone id of ${id.length} characters`),
        ),
        nastyText(40)
          .filter((id) => id !== DRONE)
          .map((id) =>
            hostile(op, `/api/v1/drones/${segment(id)}/track`, `drone ${JSON.stringify(id)}, which never reported`),
          ),
        ...times(q, 'from', 'to'),
        windowBackwards(q),
        badInt(1, 100_000).map((v) => q('a limit out of range', { limit: v })),
      ];
    },
    `/api/v1/drones/${DRONE}/track`,
  ),
  'POST /api/v1/drones/{id}/commands': (() => {
    const op = 'POST /api/v1/drones/{id}/commands';
    const url = (id: string) => `/api/v1/drones/${id}/commands`;
    return {
      canonical: () => withBody(op, url(DRONE), bad('an unknown command', { type: 'explode' })),
      hostile: fc.oneof(
        badCommand.map((b) => withBody(op, url(DRONE), b)),
        long(65, 5000, 'D').map((id) =>
          withBody(op, url(id), bad(`a drone id of ${id.length} characters`, { type: 'rtl' })),
        ),
        fc
          .tuple(
            nastyText(40).filter((id) => id !== DRONE),
            words('rtl land loiter'),
          )
          .map(([id, type]) =>
            withBody(
              op,
              url(segment(id)),
              bad(`${type} to drone ${JSON.stringify(id)}, which never reported`, { type }),
            ),
          ),
      ),
      valid: () => withBody(op, url(DRONE), bad('a valid command', { type: 'rtl' })),
    };
  })(),
  'GET /api/v1/alerts': queryOperation(
    'GET /api/v1/alerts',
    {},
    ['open neither true nor false', { open: 'maybe' }],
    (q) => [
      notTrueOrFalse.map((v) => q(`open ${JSON.stringify(v)}`, { open: v })),
      ...times(q, 'since'),
      fc.oneof(fc.constant(''), long(65, 3000)).map((v) => q('a droneId empty or too long', { droneId: v })),
      fc
        .oneof(words('fire Proximity'), fc.string())
        .filter((s) => !ALERT_KINDS.split(' ').includes(s))
        .map((v) => q('an unknown kind', { kind: v })),
      badInt(1, 1000).map((v) => q('a limit out of range', { limit: v })),
      nastyText(30).map((v) => q(`droneId ${JSON.stringify(v)}`, { droneId: v }, 'tolerated')),
    ],
  ),
  'GET /api/v1/alerts/{id}': idOperation('GET /api/v1/alerts/{id}', randomUUID),
  'POST /api/v1/alerts/{id}/ack': idOperation('POST /api/v1/alerts/{id}/ack', randomUUID),
  'GET /api/v1/replay': queryOperation('GET /api/v1/replay', {}, ['a negative interval', { intervalMs: '-1' }], (q) => [
    fc.tuple(words('from to'), badTimestamp).map(([k, v]) => q(`${k} not RFC 3339`, { [k]: v })),
    windowBackwards(q),
    fc
      .tuple(fc.integer({ min: -48, max: 0 }), fc.integer({ min: 1, max: 365 * 24 * 60 }))
      .map(([h, m]) => q('a window over 24 hours', { from: later(inHours(h), -24 * 60 - m), to: inHours(h) })),
    badBbox.map((v) => q('a bbox that is no box', { bbox: v })),
    badInt(0, 3_600_000).map((v) => q('an interval out of range', { intervalMs: v })),
    badInt(1, 500_000).map((v) => q('a limit out of range', { limit: v })),
    extremeTimestamp.map((to) => q('an hour at an end of the calendar', { from: later(to, -60), to }, 'tolerated')),
  ]),
  'GET /api/v1/drones/{id}/registration': droneOperation('GET /api/v1/drones/{id}/registration', () => DRONE),
  'PUT /api/v1/drones/{id}/registration': {
    canonical: () =>
      withBody(
        'PUT /api/v1/drones/{id}/registration',
        '/api/v1/drones/JUROBUSTREG01/registration',
        bad('a registration mark that is not JU and ten', { registrationMark: 'XX123' }),
        { namesField: true },
      ),
    hostile: fc.oneof(
      fc
        .oneof(fc.string(), words('JU123 ju0123456789 JU0123456789A JU01234567-9'))
        .filter((m) => !/^JU[0-9A-Z]{10}$/.test(m))
        .map((m) =>
          withBody(
            'PUT /api/v1/drones/{id}/registration',
            '/api/v1/drones/JUROBUSTREG01/registration',
            bad(`registration mark ${JSON.stringify(clip(m, 40))}`, { registrationMark: m }),
            { namesField: true },
          ),
        ),
      long(101, 3000).map((m) =>
        withBody(
          'PUT /api/v1/drones/{id}/registration',
          '/api/v1/drones/JUROBUSTREG01/registration',
          bad('a model too long', { model: m }),
          { namesField: true },
        ),
      ),
      droneOperation(
        'PUT /api/v1/drones/{id}/registration',
        () => 'JUROBUSTREG01',
        () => bad('a model', { model: 'robustness' }, 'tolerated'),
      ).hostile,
    ),
    valid: () =>
      withBody(
        'PUT /api/v1/drones/{id}/registration',
        '/api/v1/drones/JUROBUSTREG02/registration',
        bad('a valid registration', { model: 'robustness' }),
      ),
  },
  'DELETE /api/v1/drones/{id}/registration': droneOperation(
    'DELETE /api/v1/drones/{id}/registration',
    () => 'JUROBUSTNOTREG',
  ),
  'GET /api/v1/drone-registrations': queryOperation(
    'GET /api/v1/drone-registrations',
    {},
    ['a limit of zero', { limit: '0' }],
    (q) => [
      badInt(1, 10_000).map((v) => q('a limit out of range', { limit: v })),
      long(201, 3000).map((v) => q('an operator too long', { operator: v })),
      nastyText(30).map((v) => q(`operator ${JSON.stringify(v)}`, { operator: v }, 'tolerated')),
    ],
  ),
  'GET /api/v1/priority-grants': tokenOnly('GET /api/v1/priority-grants'),
  'PUT /api/v1/priority-grants/{operator}': {
    canonical: () =>
      withBody(
        'PUT /api/v1/priority-grants/{operator}',
        grantPath('robustness-granted'),
        bad('maxPriority 1001', { maxPriority: 1001, reason: 'robustness' }),
        { namesField: true },
      ),
    hostile: fc.oneof(
      badGrant.map((b) =>
        withBody('PUT /api/v1/priority-grants/{operator}', grantPath('robustness-granted'), b, { namesField: true }),
      ),
      long(201, 3000).map((op) =>
        withBody(
          'PUT /api/v1/priority-grants/{operator}',
          grantPath(op),
          bad('an operator too long', { maxPriority: 10, reason: 'robustness' }),
        ),
      ),
    ),
    valid: () =>
      withBody(
        'PUT /api/v1/priority-grants/{operator}',
        grantPath('robustness-granted'),
        bad('a valid grant', { maxPriority: 10, reason: 'robustness' }),
      ),
  },
  'DELETE /api/v1/priority-grants/{operator}': {
    canonical: () => hostile('DELETE /api/v1/priority-grants/{operator}', grantPath('x'.repeat(201)), 'too long'),
    hostile: fc.oneof(
      long(201, 3000).map((op) =>
        hostile('DELETE /api/v1/priority-grants/{operator}', grantPath(op), 'an operator too long'),
      ),
      nastyText(30).map((op) =>
        hostile('DELETE /api/v1/priority-grants/{operator}', grantPath(op), `operator ${JSON.stringify(op)}`, {
          expect: 'tolerated',
        }),
      ),
    ),
    valid: () =>
      hostile('DELETE /api/v1/priority-grants/{operator}', grantPath('robustness-granted'), 'a valid request'),
  },
  'GET /api/v1/zone-authorizations': queryOperation(
    'GET /api/v1/zone-authorizations',
    {},
    ['a zone id that is not a UUID', { zoneId: 'zone' }],
    (q) => [
      junkId.map((v) => q('a zone id that is not a UUID', { zoneId: v })),
      badInt(1, 10_000).map((v) => q('a limit out of range', { limit: v })),
      long(65, 3000).map((v) => q('a drone id too long', { droneId: v })),
      nastyText(30).map((v) => q(`operator ${JSON.stringify(v)}`, { operator: v }, 'tolerated')),
    ],
  ),
  'POST /api/v1/zone-authorizations': {
    canonical: () =>
      withBody(
        'POST /api/v1/zone-authorizations',
        '/api/v1/zone-authorizations',
        bad('validTo before validFrom', { ...validAuthorization(), validTo: inHours(0.5) }),
        { namesField: true },
      ),
    hostile: badAuthorization.map((b) =>
      withBody('POST /api/v1/zone-authorizations', '/api/v1/zone-authorizations', b, { namesField: true }),
    ),
    valid: () =>
      withBody(
        'POST /api/v1/zone-authorizations',
        '/api/v1/zone-authorizations',
        bad('a valid authorisation', validAuthorization()),
      ),
  },
  'GET /api/v1/zone-authorizations/{id}': idOperation('GET /api/v1/zone-authorizations/{id}', () => fx.authorizationId),
  'DELETE /api/v1/zone-authorizations/{id}': idOperation(
    'DELETE /api/v1/zone-authorizations/{id}',
    () => fx.authorizationId,
  ),
  'GET /healthz': tokenOnly('GET /healthz'),
  'GET /metrics': tokenOnly('GET /metrics', [
    fc.constant(null).map(() => hostile('GET /metrics', '/metrics', 'no token', { auth: null })),
  ]),
  // The rest of the REST API is not (yet) in the OpenAPI document.
  'POST /api/v1/tokens': {
    canonical: () =>
      withBody('POST /api/v1/tokens', '/api/v1/tokens', bad('role public', { subject: 'x', role: 'public' })),
    hostile: fc.oneof(
      {
        weight: 3,
        arbitrary: badToken.map((b) => withBody('POST /api/v1/tokens', '/api/v1/tokens', b, { namesField: true })),
      },
      { weight: 1, arbitrary: oddToken.map((b) => withBody('POST /api/v1/tokens', '/api/v1/tokens', b)) },
    ),
    valid: () =>
      withBody(
        'POST /api/v1/tokens',
        '/api/v1/tokens',
        bad('a valid token request', { subject: 'robustness-valid', role: 'monitor', ttlSeconds: 60 }),
      ),
  },
  'GET /api/v1/tokens': queryOperation(
    'GET /api/v1/tokens',
    {},
    ['expired neither true nor false', { expired: 'yes' }],
    (q) => [
      notTrueOrFalse.map((v) => q(`expired ${JSON.stringify(v)}`, { expired: v })),
      long(201, 3000).map((v) => q('a subject too long', { subject: v })),
      nastyText(30).map((v) => q(`subject ${JSON.stringify(v)}`, { subject: v }, 'tolerated')),
    ],
  ),
  'DELETE /api/v1/tokens/{id}': idOperation('DELETE /api/v1/tokens/{id}', () => fx.tokenId),
  'GET /api/v1/audit': queryOperation('GET /api/v1/audit', { limit: '1' }, ['a limit of zero', { limit: '0' }], (q) => [
    ...times(q, 'from', 'to'),
    long(201, 3000).map((v) => q('an actor too long', { actor: v })),
    badInt(1, 10_000).map((v) => q('a limit out of range', { limit: v })),
    nastyText(30).map((v) => q(`actor ${JSON.stringify(v)}`, { actor: v }, 'tolerated')),
  ]),
  'GET /api/v1/whoami': tokenOnly('GET /api/v1/whoami'),
  'GET /api/v1/transparency': tokenOnly('GET /api/v1/transparency'),
  'GET /flight_planning/v1/status': tokenOnly('GET /flight_planning/v1/status'),
  'PUT /flight_planning/v1/flight_plans/{flight_plan_id}': (() => {
    const op = 'PUT /flight_planning/v1/flight_plans/{flight_plan_id}';
    const url = () => `${FP}/${randomUUID()}`;
    return {
      canonical: () =>
        withBody(op, url(), bad('no execution_style', at(validUpsert(), ['execution_style'], undefined)), {
          namesField: true,
        }),
      hostile: fc.oneof(
        { weight: 3, arbitrary: badUpsert.map((b) => withBody(op, url(), b, { namesField: b.expect === 'refused' })) },
        {
          weight: 1,
          arbitrary: junkId
            .filter((id) => !UUID_V4.test(decoded(id)))
            .map((id) =>
              withBody(op, `${FP}/${id}`, bad(`a flight_plan_id ${JSON.stringify(clip(id, 60))}`, validUpsert())),
            ),
        },
      ),
      valid: () => withBody(op, url(), bad('a valid hypothetical flight', validUpsert())),
    };
  })(),
  'DELETE /flight_planning/v1/flight_plans/{flight_plan_id}': (() => {
    const op = 'DELETE /flight_planning/v1/flight_plans/{flight_plan_id}';
    return {
      canonical: () => hostile(op, `${FP}/not-a-uuid`, 'an id that is not a UUID'),
      hostile: badOrUnknownId.map((id) => hostile(op, `${FP}/${id}`, `id ${JSON.stringify(clip(decoded(id), 60))}`)),
      valid: () => hostile(op, `${FP}/${randomUUID()}`, 'a valid request'),
    };
  })(),
  'POST /flight_planning/v1/clear_area_requests': (() => {
    const op = 'POST /flight_planning/v1/clear_area_requests';
    const url = '/flight_planning/v1/clear_area_requests';
    return {
      canonical: () =>
        withBody(op, url, bad('no extent', at(validClearArea(), ['extent'], undefined)), { namesField: true }),
      hostile: badClearArea.map((b) => withBody(op, url, b, { namesField: true })),
      valid: () => withBody(op, url, bad('a valid request', validClearArea())),
    };
  })(),
  'GET /flight_planning/v1/user_notifications': queryOperation(
    'GET /flight_planning/v1/user_notifications',
    { after: inHours(-1) },
    ['after not RFC 3339', { after: 'yesterday' }],
    (q) => [
      ...times(q, 'after', 'before'),
      fc.constant(null).map(() => q('no after', { after: undefined })),
      fc.integer({ min: 1, max: 48 }).map((h) => q('before not after after', { before: inHours(-1 - h) })),
    ],
  ),
  'GET /api/v1/flight-plans/{id}/publication': idOperation(
    'GET /api/v1/flight-plans/{id}/publication',
    () => fx.planId,
  ),
  'GET /uss/v1/operational_intents/{entityid}': entityOperation(
    'GET /uss/v1/operational_intents/{entityid}',
    () => fx.planId,
  ),
  'GET /uss/v1/operational_intents/{entityid}/telemetry': entityOperation(
    'GET /uss/v1/operational_intents/{entityid}/telemetry',
    () => fx.planId,
  ),
  'GET /uss/v1/constraints/{entityid}': entityOperation('GET /uss/v1/constraints/{entityid}', () => fx.zoneId),
  'POST /uss/v1/operational_intents': notificationOperation(
    'POST /uss/v1/operational_intents',
    validNotification,
    badNotification,
  ),
  'POST /uss/v1/constraints': notificationOperation('POST /uss/v1/constraints', validConstraint, badConstraint),
  'GET /versioning/versions/{system_identity}': (() => {
    const op = 'GET /versioning/versions/{system_identity}';
    const url = (system: string) => `/versioning/versions/${system}`;
    return {
      canonical: () => hostile(op, url('gov.eu.uspace.v1.netid'), 'a system this server does not know'),
      hostile: fc.oneof(
        nastyText(40)
          .filter((s) => s !== '.' && s !== '..' && s !== 'soramichi')
          .map((s) => hostile(op, url(segment(s)), `system ${JSON.stringify(clip(s, 60))}`)),
        long(201, 3000).map((s) => hostile(op, url(s), 'a system of over 200 characters')),
      ),
      valid: () => hostile(op, url('soramichi'), 'a valid request'),
    };
  })(),
  // ASTM F3411 network Remote ID and InterUSS rid/v1 injection (the administrator holds every scope).
  'GET /rid/v2/uss/flights': queryOperation(
    'GET /rid/v2/uss/flights',
    { view: RID_VIEW },
    ['a view that is no box', { view: '36.3,136.3,36.31' }],
    (q) => [
      fc
        .oneof(fc.string(), words('a,b,c,d|1,2,3|91,0,92,1|36,136,36,136,1', '|'))
        .map((v) => q(`view ${JSON.stringify(clip(v, 40))}`, { view: v })),
      fc.constant(null).map(() => q('a view of the whole prefecture', { view: '36.0,136.0,37.0,137.0' })),
      fc.constant(null).map(() => q('no view', { view: undefined })),
      fc
        .oneof(
          fc.integer({ max: -1 }),
          fc.integer({ min: 61 }),
          fc.string().filter((v) => !/^\d+$/.test(v)),
        )
        .map((v) => q(`recent_positions_duration ${JSON.stringify(v)}`, { recent_positions_duration: String(v) })),
    ],
  ),
  'GET /rid/v2/uss/flights/{id}/details': (() => {
    const op = 'GET /rid/v2/uss/flights/{id}/details';
    const url = (id: string) => `/rid/v2/uss/flights/${id}/details`;
    return {
      canonical: () => hostile(op, url('x'.repeat(300)), 'an id of 300 characters'),
      hostile: fc.oneof(
        long(256, 3000, 'x').map((id) => hostile(op, url(id), `an id of ${id.length} characters`)),
        nastyText(40).map((id) =>
          hostile(op, url(segment(id)), `flight ${JSON.stringify(id)}, which is not flying`, { expect: 'tolerated' }),
        ),
      ),
      valid: () => hostile(op, url('no-such-flight'), 'a valid request', { expect: 'tolerated' }),
    };
  })(),
  'PUT /ridsp/injection/tests/{test_id}': (() => {
    const op = 'PUT /ridsp/injection/tests/{test_id}';
    const url = (id: string) => `/ridsp/injection/tests/${id}`;
    return {
      canonical: () => withBody(op, url(randomUUID()), bad('no requested_flights', {}), { namesField: true }),
      hostile: fc.oneof(
        of(null, [], 42, 'flights', {}, { requested_flights: 'many' }, { requested_flights: [{ telemetry: 'x' }] }).map(
          (b) => withBody(op, url(randomUUID()), bad(`a body ${clip(toJson(b), 60)}`, b)),
        ),
        junkId
          .filter((id) => !UUID_V4.test(decoded(id)))
          .map((id) =>
            withBody(op, url(id), bad(`a test_id ${JSON.stringify(clip(id, 60))}`, { requested_flights: [] })),
          ),
      ),
      valid: () => withBody(op, url(randomUUID()), bad('a valid empty test', { requested_flights: [] }, 'tolerated')),
    };
  })(),
  'DELETE /ridsp/injection/tests/{test_id}/{version}': (() => {
    const op = 'DELETE /ridsp/injection/tests/{test_id}/{version}';
    const url = (id: string, version: string) => `/ridsp/injection/tests/${id}/${version}`;
    return {
      canonical: () => hostile(op, url('not-a-uuid', 'v1'), 'a test id that is not a UUID'),
      hostile: fc.oneof(
        badOrUnknownId.map((id) => hostile(op, url(id, 'v1'), `test ${JSON.stringify(clip(decoded(id), 60))}`)),
        long(129, 3000, 'v').map((v) => hostile(op, url(randomUUID(), v), `a version of ${v.length} characters`)),
      ),
      valid: () => hostile(op, url(randomUUID(), 'v1'), 'a valid request', { expect: 'tolerated' }),
    };
  })(),
  'GET /ridsp/injection/user_notifications': queryOperation(
    'GET /ridsp/injection/user_notifications',
    { after: inHours(-1) },
    ['after not RFC 3339', { after: 'yesterday' }],
    (q) => [...times(q, 'after', 'before'), fc.constant(null).map(() => q('no after', { after: undefined }))],
  ),
};

/** Operations whose request carries a body, and a valid body for each. */
const WITH_BODY: Record<string, () => { url: string; json: unknown }> = {
  'PUT /ridsp/injection/tests/{test_id}': () => ({
    url: `/ridsp/injection/tests/${randomUUID()}`,
    json: { requested_flights: [] },
  }),
  'POST /uss/v1/operational_intents': () => ({ url: `${USS}/operational_intents`, json: validNotification() }),
  'POST /uss/v1/constraints': () => ({ url: `${USS}/constraints`, json: validConstraint() }),
  'PUT /flight_planning/v1/flight_plans/{flight_plan_id}': () => ({
    url: `${FP}/${randomUUID()}`,
    json: validUpsert(),
  }),
  'POST /flight_planning/v1/clear_area_requests': () => ({
    url: '/flight_planning/v1/clear_area_requests',
    json: validClearArea(),
  }),
  'POST /api/v1/flight-plans': () => ({ url: '/api/v1/flight-plans', json: validPlan() }),
  'PUT /api/v1/flight-plans/{id}': () => ({ url: planPath(fx.planId), json: validPlan() }),
  'POST /api/v1/geofences': () => ({
    url: '/api/v1/geofences',
    json: squareZone(NORTH, 30, { name: 'robustness typed', kind: 'advisory' }),
  }),
  'POST /api/v1/tokens': () => ({ url: '/api/v1/tokens', json: { subject: 'robustness-typed', role: 'monitor' } }),
  'POST /api/v1/drones/{id}/commands': () => ({ url: `/api/v1/drones/${DRONE}/commands`, json: { type: 'rtl' } }),
  'POST /api/v1/flight-plans/candidates': () => ({
    url: '/api/v1/flight-plans/candidates',
    json: { candidates: [validPlan()] },
  }),
  'POST /api/v1/flight-plans/earliest': () => ({ url: '/api/v1/flight-plans/earliest', json: { plan: validPlan() } }),
  'POST /api/v1/flight-plans/from-spatial-ids': () => ({
    url: '/api/v1/flight-plans/from-spatial-ids',
    json: validSpatialPlan(),
  }),
  'PUT /api/v1/caps/{operator}': () => ({ url: capPath('robustness-typed'), json: { cellHours: 10 } }),

  'PUT /api/v1/drones/{id}/registration': () => ({
    url: '/api/v1/drones/JUROBUSTREG03/registration',
    json: { model: 'robustness' },
  }),
  'PUT /api/v1/priority-grants/{operator}': () => ({
    url: grantPath('robustness-typed'),
    json: { maxPriority: 5, reason: 'robustness' },
  }),
  'POST /api/v1/zone-authorizations': () => ({ url: '/api/v1/zone-authorizations', json: validAuthorization() }),
};

/** Geometry at the edges of the globe (see the last describe): started early, so as not to wait for it. */
let edgeServer: Promise<ServerProcess> | null = null;
const startEdgeServer = () => {
  edgeServer = spawnServer({ DATA_DIR: 'memory://', RATE_LIMIT_PER_MINUTE: '0' });
  edgeServer.catch(() => undefined);
  return edgeServer;
};
afterAll(async () => {
  await (await edgeServer?.catch(() => null))?.stop('SIGKILL');
});

// ---------------------------------------------------------------------------------------------

describe('hostile input at every endpoint (fast-check): a 4xx with a message, nothing written', () => {
  let server: TestServer;
  let paths: Record<string, Record<string, unknown>>;

  interface Snapshot {
    plans: FlightPlan[];
    zones: Array<{ id: string }>;
    tokens: Array<{ id: string }>;
    livePlans: number;
    liveZones: number;
  }
  let known: Snapshot;

  async function snapshot(): Promise<Snapshot> {
    const [plans, zones, tokens] = await Promise.all([
      server.api<FlightPlan[]>('GET', '/api/v1/flight-plans?limit=1000'),
      server.api<{ features: Array<{ id: string }> }>('GET', '/api/v1/geofences?limit=10000'),
      server.api<Array<{ id: string }>>('GET', '/api/v1/tokens'),
    ]);
    return {
      plans: plans.body,
      zones: zones.body.features,
      tokens: tokens.body,
      livePlans: server.mirror.index.planCount,
      liveZones: server.mirror.index.zoneCount,
    };
  }

  function differences(a: Snapshot, b: Snapshot): string[] {
    const out: string[] = [];
    const diff = <T extends { id: string }>(what: string, x: T[], y: T[]) => {
      const before = new Map(x.map((e) => [e.id, JSON.stringify(e)]));
      const after = new Map(y.map((e) => [e.id, JSON.stringify(e)]));
      const added = [...after.keys()].filter((id) => !before.has(id));
      const gone = [...before.keys()].filter((id) => !after.has(id));
      const changed = [...after.keys()].filter((id) => before.has(id) && before.get(id) !== after.get(id));
      if (added.length) out.push(`${what} added: ${added.join(', ')}`);
      if (gone.length) out.push(`${what} gone: ${gone.join(', ')}`);
      if (changed.length) out.push(`${what} changed: ${changed.join(', ')}`);
    };
    diff('flight plans', a.plans, b.plans);
    diff('zones', a.zones, b.zones);
    diff('tokens', a.tokens, b.tokens);
    if (a.livePlans !== b.livePlans) out.push(`mirrored live plans ${a.livePlans} → ${b.livePlans}`);
    if (a.liveZones !== b.liveZones) out.push(`mirrored zones ${a.liveZones} → ${b.liveZones}`);
    return out;
  }

  async function audited(since: string, method: string, status: number): Promise<boolean> {
    const r = await server.api<AuditEntry[]>('GET', `/api/v1/audit?from=${encodeURIComponent(since)}&limit=10000`);
    return r.body.some((e) => e.action.startsWith(`${method} `) && e.outcome.startsWith(String(status)));
  }

  /** Takes back what a tolerated request was allowed to create. */
  async function undo(c: Case, a: Answer): Promise<void> {
    const answer = a.json as { id?: unknown; plan?: { id?: unknown } } | null;
    const id = answer?.id ?? answer?.plan?.id;
    const path = c.op.split(' ')[1]!;
    const collection = path.startsWith('/api/v1/flight-plans/') && c.method === 'POST' ? '/api/v1/flight-plans' : path;
    if (a.status !== 201 || typeof id !== 'string') return;
    if (collection === '/api/v1/flight-plans') await server.api('DELETE', planPath(id));
    if (collection === '/api/v1/geofences') await server.api('DELETE', `/api/v1/geofences/${id}`);
    if (collection === '/api/v1/tokens') await server.api('DELETE', `/api/v1/tokens/${id}`);
  }

  /** Sends a case; throws with everything wrong with what came of it. */
  async function check(c: Case, extra?: (a: Answer) => string[]): Promise<void> {
    const write = WRITES.has(c.method) && (c.url.startsWith('/api/') || c.url.startsWith(`${USS}/`));
    const since = new Date().toISOString();
    const a = await send(server.url, c);
    const problems = [...problemsOf(c, a), ...(extra?.(a) ?? [])];
    if (write && a.status >= 400) {
      const now = await snapshot();
      const changes = differences(known, now);
      if (changes.length) problems.push(`refused with ${a.status}, yet ${changes.join('; ')}`);
      known = now;
      // A token that fails is audited per address and minute, not per request (its own test below).
      const failedToken = a.status === 401 && typeof c.auth === 'string';
      if (!failedToken && !(await audited(since, c.method, a.status))) {
        problems.push(`the refusal (${c.method} … ${a.status}) is missing from the audit trail`);
      }
    } else if (write) {
      await undo(c, a);
      known = await snapshot();
    }
    if (problems.length) {
      throw new Error(`${show(c)}\n→ ${a.status} after ${a.ms} ms\n  - ${problems.join('\n  - ')}`);
    }
  }

  /**
   * The property that every case checks. Once it has failed and shrinking has had its budget,
   * every further candidate passes, so fast-check reports the smallest counterexample by then.
   */
  async function holds(cases: fc.Arbitrary<Case>, numRuns: number, extra?: (a: Answer) => string[]) {
    let failedAt: number | null = null;
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        if (failedAt !== null && Date.now() - failedAt > SHRINK_BUDGET_MS) return;
        try {
          await check(c, extra);
        } catch (err) {
          failedAt ??= Date.now();
          throw err;
        }
      }),
      { numRuns },
    );
  }

  beforeAll(async () => {
    // Started early so as not to wait for it; the edge test awaits it and meets any failure there.
    startEdgeServer().catch(() => undefined);
    // Thousands of requests a minute from one token: no refusal here may be the rate limiter's.
    // So too garbage tokens (the limit per address has a test of its own below).
    server = await startTestServer('pglite', { RATE_LIMIT_PER_MINUTE: '0', AUTH_FAILURES_PER_MINUTE: '0' });
    paths = (await server.api<{ paths: Record<string, Record<string, unknown>> }>('GET', '/openapi.json')).body.paths;

    const filed = await server.api<FlightPlan>(
      'POST',
      '/api/v1/flight-plans',
      routePlan([A, B], { departure: inHours(3) }),
    );
    expect(filed.status).toBe(201);
    fx.planId = filed.body.id;
    const zone = await server.api<{ id: string }>(
      'POST',
      '/api/v1/geofences',
      squareZone(NORTH, 60, { name: 'robustness fixture', kind: 'advisory' }),
    );
    expect(zone.status).toBe(201);
    fx.zoneId = zone.body.id;
    const restricted = await server.api<{ id: string }>(
      'POST',
      '/api/v1/geofences',
      // Away from every route the cases file.
      squareZone({ lat: 36.2, lon: 136.2 }, 40, { name: 'robustness restricted', kind: 'restricted' }),
    );
    expect(restricted.status).toBe(201);
    fx.restrictedZoneId = restricted.body.id;
    const authorization = await server.api<{ id: string }>('POST', '/api/v1/zone-authorizations', validAuthorization());
    expect(authorization.status).toBe(201);
    fx.authorizationId = authorization.body.id;
    const monitor = await server.api<IssuedToken>('POST', '/api/v1/tokens', {
      subject: 'robustness-monitor',
      role: 'monitor',
    });
    expect(monitor.status).toBe(201);
    fx.tokenId = monitor.body.id;
    const [head, payload, signature] = monitor.body.token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    fx.tampered = `${head}.${b64url({ ...claims, role: 'admin' })}.${signature}`;
    const doomed = await server.api<IssuedToken>('POST', '/api/v1/tokens', {
      subject: 'robustness-revoked',
      role: 'operator',
    });
    expect((await server.api('DELETE', `/api/v1/tokens/${doomed.body.id}`)).status).toBe(200);
    fx.revoked = doomed.body.token;

    const ack = await server.telemetry.accept(
      'robustness-gw',
      { samples: [sample(DRONE, STATION, { armed: false, altRelative: 0, groundSpeedMps: 0 })] },
      () => true,
    );
    expect(ack.accepted).toBe(1);
    known = await snapshot();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('walks every operation of the OpenAPI document with a plainly bad request', async () => {
    const documented = Object.entries(paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => OPERATION_METHODS.includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.length).toBeGreaterThan(0);
    const uncovered = documented.filter((op) => !OPERATIONS[op]);
    expect(uncovered, 'operations in /openapi.json without hostile inputs here: add them to OPERATIONS').toEqual([]);
    for (const op of documented) await check(OPERATIONS[op]!.canonical());
  });

  describe.each(Object.keys(OPERATIONS))('%s', (op) => {
    it('answers hostile input with a 4xx and a message, never a 5xx, and refusals write nothing', async () => {
      await holds(OPERATIONS[op]!.hostile, WRITES.has(op.split(' ')[0]!) ? 30 : 40);
    });
  });

  it('refuses broken JSON with 400 on every operation that reads a body', async () => {
    const valid = fc.oneof(plan.map(toJson), zone.map(toJson));
    const broken = fc.oneof(
      valid.chain((t) => fc.integer({ min: 1, max: t.length - 1 }).map((n) => t.slice(0, n))),
      words(
        `{'droneId': 'x'}|{"droneId": }|{droneId: "x"}|{"a":1,}|[1,2,]|NaN|undefined|null null|{"a":1}{"b":2}|` +
          `{"a":1} trailing|\u0000|{"a":"\\x41"}|{"a":"\\u12"}|{"a":01}|{"a":.5}|{"a":+1}|{"a":0x10}|{"a":Infinity}|` +
          `{"a":"unterminated}|"just a string"|42|true|null|{"a":${'['.repeat(100_000)}`,
        '|',
      ),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }).filter((s) => !isJson(s)),
    );
    const urls: Record<string, () => string> = {
      ...Object.fromEntries(Object.entries(WITH_BODY).map(([op, v]) => [op, () => v().url])),
      'POST /api/v1/flight-plans/{id}/activate': () => `${planPath(fx.planId)}/activate`,
      'POST /api/v1/flight-plans/{id}/end': () => `${planPath(fx.planId)}/end`,
      'DELETE /api/v1/flight-plans/{id}': () => planPath(fx.planId),
      'POST /api/v1/alerts/{id}/ack': () => `/api/v1/alerts/${randomUUID()}/ack`,
    };
    await holds(
      fc
        .tuple(fc.constantFrom(...Object.keys(urls)), broken)
        .map(([op, text]) => hostile(op, urls[op]!(), 'broken JSON', { text, status: 400, namesField: true })),
      40,
    );
  });

  it(`refuses JSON nested more than ${LIMITS.maxJsonDepth} levels with 400 naming the body, before parsing it`, async () => {
    const ops = fc.constantFrom(...Object.keys(WITH_BODY));
    const depth = fc.oneof(
      fc.integer({ min: LIMITS.maxJsonDepth, max: 1000 }),
      fc.integer({ min: 1000, max: 300_000 }),
    );
    await holds(
      fc.tuple(ops, depth, fc.constantFrom('[', '{"a":'), fc.boolean()).map(([op, n, open, closed]) => {
        const close = open === '[' ? ']' : '}';
        const nested = `${open.repeat(n)}1${closed ? close.repeat(n) : ''}`;
        return hostile(op, WITH_BODY[op]!().url, `a value nested ${n} deep${closed ? '' : ', never closed'}`, {
          text: `{"droneId":${nested}}`,
          status: 400,
          namesField: true,
        });
      }),
      20,
      (a) =>
        (a.json as ErrorBody | undefined)?.issues?.some(
          (i) => i.path === 'body' && i.message.includes(`${LIMITS.maxJsonDepth}`),
        )
          ? []
          : ['the 400 does not name the body and the nesting limit'],
    );
  });

  it('refuses a valid body under a content type or encoding it is not (400 or 415)', async () => {
    const types = fc.constantFrom<string | null>(
      ...'text/plain|text/plain; charset=utf-8|text/json|application/x-www-form-urlencoded|multipart/form-data; boundary=x|application/xml|application/octet-stream|application/jsonx|json|application/json; charset=latin1|application/json; charset=us-ascii|application/json; charset=utf-16le'.split(
        '|',
      ),
      null,
    );
    const ops = fc.constantFrom(...Object.keys(WITH_BODY));
    await holds(
      fc.oneof(
        fc.tuple(ops, types).map(([op, contentType]) => {
          const { url, json } = WITH_BODY[op]!();
          return hostile(op, url, `a valid body as ${contentType ?? 'no content type'}`, {
            text: toJson(json),
            contentType,
          });
        }),
        fc.tuple(ops, words('gzip|deflate|br|x-unknown|compress|gzip, gzip', '|')).map(([op, encoding]) => {
          const { url, json } = WITH_BODY[op]!();
          return hostile(op, url, `a plain body said to be ${encoding}`, {
            text: toJson(json),
            headers: { 'content-encoding': encoding },
          });
        }),
      ),
      25,
      (a) => (a.status === 400 || a.status === 415 ? [] : [`${a.status}, not 400 or 415`]),
    );
  });

  it('refuses bodies over 2 MB with 413, streamed or not, and reads bodies just under it', async () => {
    const json = (n: number) => `{"droneId":"${'J'.repeat(n - 25)}","route":{}}`;
    await holds(
      fc
        .tuple(
          fc.constantFrom(...Object.keys(WITH_BODY)),
          fc.integer({ min: BODY_LIMIT + 1, max: BODY_LIMIT + 1024 * 1024 }),
        )
        .map(([op, n]) => hostile(op, WITH_BODY[op]!().url, `a body of ${n} bytes`, { text: json(n), status: 413 })),
      6,
    );
    const chunk = new TextEncoder().encode('J'.repeat(64 * 1024));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"droneId":"'));
        for (let i = 0; i < 40; i++) controller.enqueue(chunk);
        controller.enqueue(new TextEncoder().encode('"}'));
        controller.close();
      },
    });
    await check(
      hostile('POST /api/v1/flight-plans', '/api/v1/flight-plans', 'a 2.5 MB body without a length', {
        text: stream,
        status: 413,
      }),
    );
    await check(
      hostile('POST /api/v1/flight-plans', '/api/v1/flight-plans', 'a body just under the limit', {
        text: json(BODY_LIMIT - 100),
        status: 400,
        namesField: true,
      }),
    );
  });

  it('answers a garbage Authorization header with 401 and a message on every operation, valid request or not', async () => {
    await holds(
      fc
        .tuple(fc.constantFrom(...Object.keys(OPERATIONS)), garbageAuth)
        .map(([op, auth]) =>
          Object.assign(OPERATIONS[op]!.valid(), { auth, status: 401, what: 'a valid request with a garbage token' }),
        ),
      40,
      (a) =>
        a.headers.get('www-authenticate')?.startsWith('Bearer') ? [] : ['a 401 without WWW-Authenticate: Bearer'],
    );
  });

  it('refuses an Idempotency-Key that is too long, empty or not visible ASCII, with 400 and no plan', async () => {
    const text = fc.string({ unit: visibleAscii, minLength: 1, maxLength: 40 });
    const keys = fc.oneof(
      fc.string({ unit: visibleAscii, minLength: 256, maxLength: 2000 }),
      fc.tuple(text, words(' |\t|  | \t ', '|'), text).map(([a, s, b]) => `${a}${s}${b}`),
      fc.tuple(text, words('é ü ÿ \u00a0 \u0080'), text).map(([a, s, b]) => `${a}${s}${b}`),
      fc.constant(''),
    );
    await holds(
      fc.tuple(keys, plan).map(([key, p]) =>
        hostile(
          'POST /api/v1/flight-plans',
          '/api/v1/flight-plans',
          `Idempotency-Key ${JSON.stringify(clip(key, 60))}`,
          {
            json: p,
            headers: { 'idempotency-key': key },
            status: 400,
            namesField: true,
          },
        ),
      ),
      20,
      (a) =>
        (a.json as ErrorBody | undefined)?.issues?.some((i) => i.path === 'headers.idempotency-key')
          ? []
          : ['the 400 does not name headers.idempotency-key'],
    );
  });

  it('refuses an Idempotency-Key used again for a different plan with 422, and files nothing', async () => {
    const key = `robustness-${randomUUID()}`;
    const first = validPlan();
    const filed = await send(
      server.url,
      hostile('POST /api/v1/flight-plans', '/api/v1/flight-plans', 'first use', {
        json: first,
        headers: { 'idempotency-key': key },
      }),
    );
    expect(filed.status).toBe(201);
    known = await snapshot();
    await check(
      hostile('POST /api/v1/flight-plans', '/api/v1/flight-plans', 'the key again, another plan', {
        json: at(first, [...R, 'speedMps'], 7),
        headers: { 'idempotency-key': key },
        status: 422,
      }),
    );
  });

  it('answers methods and paths that match no route under /api with a JSON 404 (400 when the path itself is malformed)', async () => {
    const ROUTES =
      'flight-plans geofences airspace capacity rules caps decisions drones alerts replay tokens audit transparency whoami'.split(
        ' ',
      );
    const method = words('GET POST PUT PATCH DELETE');
    // A path that cannot be decoded, or decodes to text no store can hold, is refused before routing.
    const malformed = (url: string) => {
      try {
        return /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(
          decodeURIComponent(url),
        );
      } catch {
        return true;
      }
    };
    const unrouted = (m: string, url: string, what: string) =>
      hostile(`${m} /api/(unrouted)`, url, what, { status: malformed(url) ? 400 : 404 });
    await holds(
      fc.oneof(
        fc
          .tuple(
            method,
            nastyText(30).filter((s) => !ROUTES.includes(s.toLowerCase()) && s !== '.' && s !== '..'),
          )
          .map(([m, s]) => unrouted(m, `/api/v1/${segment(s)}`, 'a path that is no route')),
        fc
          .tuple(
            method,
            words(
              '/api /api/ /api/v2/flight-plans /api/v0/geofences /api/v1 /api/% /api/v1/%zz /api/v1/flight-plans/x/y/z',
            ),
          )
          .map(([m, p]) => unrouted(m, p, 'a path that is no route')),
        fc
          .constantFrom(
            ['PATCH', '/api/v1/flight-plans'],
            ['PATCH', planPath(randomUUID())],
            ['PUT', '/api/v1/flight-plans'],
            ['DELETE', '/api/v1/geofences'],
            ['POST', '/api/v1/drones'],
            ['POST', '/api/v1/airspace'],
            ['PUT', '/api/v1/alerts'],
            ['GET', `${planPath(randomUUID())}/explode`],
            ['POST', `${planPath(randomUUID())}/sky-road`],
          )
          .map(([m, p]) => unrouted(m!, p!, 'a method the path does not have')),
      ),
      25,
    );
  });

  it('refuses a request line or header beyond Node’s 16 kB limit with 431 (Node answers, without a body)', async () => {
    // Node's HTTP parser refuses these before express sees them: a 4xx, but no JSON body to check.
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
    expect((await fetch(`${server.url}${planPath('a'.repeat(20_000))}`, { headers })).status).toBe(431);
    expect(
      (await fetch(`${server.url}/api/v1/flight-plans`, { headers: { authorization: `Bearer ${'a'.repeat(20_000)}` } }))
        .status,
    ).toBe(431);
  });
});

describe('an address past its failed authentications: 429 on every operation', () => {
  const LIMIT = 3;
  // Time stands still here, so the address's window never ends during the test.
  const clock = new ManualClock();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(
      'pglite',
      { RATE_LIMIT_PER_MINUTE: '0', AUTH_FAILURES_PER_MINUTE: String(LIMIT) },
      undefined,
      clock,
    );
    for (let i = 0; i < LIMIT; i++) {
      const r = await fetch(`${server.url}/api/v1/whoami`, { headers: { authorization: `Bearer guess-${i}` } });
      expect(r.status).toBe(401);
    }
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers any token, garbage or the administrator’s, with 429, Retry-After and a message, untried', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(OPERATIONS)),
        fc.oneof(garbageAuth, fc.constant(`Bearer ${ADMIN_TOKEN}`)),
        async (op, auth) => {
          const c = Object.assign(OPERATIONS[op]!.valid(), {
            auth,
            status: 429,
            what: 'a token from a blocked address',
          });
          const a = await send(server.url, c);
          const problems = problemsOf(c, a);
          if (!(Number(a.headers.get('retry-after')) > 0)) problems.push('a 429 without Retry-After');
          if (!(a.json as ErrorBody | undefined)?.message?.includes(`more than ${LIMIT} failed authentications`)) {
            problems.push('the 429 does not name the limit');
          }
          if (problems.length) throw new Error(`${show(c)}\n→ ${a.status}\n  - ${problems.join('\n  - ')}`);
        },
      ),
      { numRuns: 40 },
    );
  });
});

/**
 * Geometry at the edges of the globe, and the largest shape the schema allows: inputs that send
 * the airspace core into long or endless computation. They go to a server of their own in a
 * child process, so that a server frozen by one is killed instead of freezing the test.
 */
describe('geometry at the edges of the globe: answered, never a 5xx', () => {
  const flight = (what: string, json: unknown) =>
    hostile('POST /api/v1/flight-plans', '/api/v1/flight-plans', what, { json, expect: 'tolerated' });
  const zoneOf = (what: string, coordinates: number[][]) =>
    hostile('POST /api/v1/geofences', '/api/v1/geofences', what, {
      json: {
        ...squareZone(NORTH, 10, { name: 'edge of the globe' }),
        geometry: { type: 'Polygon', coordinates: [coordinates] },
      },
      expect: 'tolerated',
    });
  const y = fc.double({ min: -60, max: 60, noNaN: true });
  // About a kilometre: small enough for any honest reading of the shape to be quick.
  const d = fc.double({ min: 0.001, max: 0.01, noNaN: true });

  const edges: fc.Arbitrary<Case> = fc.oneof(
    fc.tuple(fc.constantFrom(90, -90), lon, departure).map(([pole, x, t]) =>
      flight(
        `a route from the pole ${pole}`,
        routePlan(
          [
            { lat: pole, lon: x },
            { lat: pole - Math.sign(pole) * 0.01, lon: x },
          ],
          { departure: t },
        ),
      ),
    ),
    fc.tuple(y, d, departure).map(([la, dx, t]) =>
      flight(
        `a route across the antimeridian at ${la}`,
        routePlan(
          [
            { lat: la, lon: 180 - dx },
            { lat: la, lon: -180 + dx },
          ],
          { departure: t },
        ),
      ),
    ),
    fc
      .tuple(fc.constantFrom(90, -90), fc.integer({ min: 10, max: 1000 }), departure)
      .map(([pole, r, t]) =>
        flight(`a volume round the pole ${pole}, ${r} m`, circlePlan(t, { lat: pole, lng: 0 }, r)),
      ),
    departure.map((t) =>
      flight(
        `the largest circle the schema allows (${LIMITS.maxCircleRadiusM} m)`,
        circlePlan(t, { lat: STATION.lat, lng: STATION.lon }, LIMITS.maxCircleRadiusM),
      ),
    ),
    fc.tuple(y, d).map(([la, dx]) =>
      zoneOf(`a zone across the antimeridian at ${la}`, [
        [180 - dx, la],
        [-180 + dx, la],
        [-180 + dx, la + dx],
        [180 - dx, la + dx],
        [180 - dx, la],
      ]),
    ),
    fc.tuple(fc.constantFrom(90, -90), d).map(([pole, dy]) => {
      const edge = pole - Math.sign(pole) * dy;
      return zoneOf(`a zone round the pole ${pole}`, [
        [-180, edge],
        [180, edge],
        [180, pole],
        [-180, pole],
        [-180, edge],
      ]);
    }),
  );

  it('routes, volumes and zones over a pole, across the antimeridian or as large as allowed', async () => {
    let child: ServerProcess | null = await (edgeServer ?? startEdgeServer());
    await fc.assert(
      fc.asyncProperty(edges, async (c) => {
        child ??= await startEdgeServer();
        let a: Answer;
        try {
          a = await send(child.url, c);
        } catch (err) {
          // A frozen event loop ignores SIGTERM.
          await child.stop('SIGKILL');
          child = null;
          throw err;
        }
        const problems = problemsOf(c, a);
        const id = (a.json as { id?: string } | null)?.id;
        if (a.status === 201 && c.what.startsWith('a zone across the antimeridian') && id) {
          // A zone a few hundred metres wide across the antimeridian must not close the far side of the globe.
          const [, south] = (c.json as Loose).geometry.coordinates[0][0] as number[];
          const far = `/api/v1/airspace/check${qs({ lat: String(south! + 0.0005), lon: '0', alt: '50', reference: 'AGL' })}`;
          const r = await send(child.url, hostile('GET /api/v1/airspace/check', far, 'the far side'));
          if ((r.json as { zones?: Array<{ id: string }> }).zones?.some((z) => z.id === id)) {
            problems.push(`zone ${id} also closes longitude 0: it was read as going the long way round the globe`);
          }
        }
        if (problems.length)
          throw new Error(`${show(c)}\n→ ${a.status} after ${a.ms} ms\n  - ${problems.join('\n  - ')}`);
      }),
      // One counterexample is enough: each may cost a deadline and a restart.
      { numRuns: 12, endOnFailure: true },
    );
  });
});

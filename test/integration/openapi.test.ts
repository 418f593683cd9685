import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PREFIXES } from '../../server/http/app.ts';
import { openApiDocument } from '../../server/http/openapi.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('openapi.json', () => {
  it('is what the wire schemas generate (run `npm run openapi` after changing them)', async () => {
    const committed = JSON.parse(await fs.readFile(new URL('../../openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(openApiDocument());
  });
});

/** A layer of Express 5's router (the router package, 2.x): a route, or a router mounted on its paths. */
interface Layer {
  rawPath: string | RegExp | Array<string | RegExp>;
  route?: { methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema: Record<string, unknown>;
}

type Operations = Record<string, { parameters?: Parameter[] }> & { parameters?: Parameter[] };

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** Every route the app serves as `METHOD /path/{param}`, mounted routers walked from their mount paths. */
function served(stack: Layer[], base = ''): string[] {
  return stack.flatMap((layer) =>
    [layer.rawPath].flat().flatMap((mount) => {
      if (typeof mount !== 'string') throw new Error(`${String(mount)}: a RegExp route cannot be matched to a path`);
      const path = base + (mount === '/' ? '' : mount);
      if (layer.route) {
        const openApiPath = (path || '/').replace(/:(\w+)/g, '{$1}');
        return Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${openApiPath}`);
      }
      return layer.handle.stack ? served(layer.handle.stack, path) : [];
    }),
  );
}

const isApi = (route: string) => API_PREFIXES.some((p) => route.split(' ')[1]!.startsWith(`${p}/`));

describe('openapi.json against the routes the server serves', () => {
  let server: TestServer;
  const paths = openApiDocument().paths as Record<string, Operations>;
  const operations = Object.entries(paths).flatMap(([path, ops]) =>
    Object.keys(ops)
      .filter((m) => METHODS.includes(m))
      .map((m) => ({
        route: `${m.toUpperCase()} ${path}`,
        path,
        // An operation's own parameters stand beside its path's (OpenAPI: by name and location).
        parameters: [...(ops.parameters ?? []), ...(ops[m]!.parameters ?? [])],
      })),
  );

  beforeAll(async () => {
    server = await startTestServer('pglite');
  });
  afterAll(async () => {
    await server.stop();
  });

  it('documents every API route the server serves, and no other', () => {
    const routes = served(server.app.router.stack as unknown as Layer[]);
    expect(
      operations
        .map((o) => o.route)
        .filter(isApi)
        .sort(),
    ).toEqual(routes.filter(isApi).sort());
    // Outside the API (health, metrics), what is documented is served.
    expect(routes).toEqual(expect.arrayContaining(operations.map((o) => o.route)));
  });

  it('declares each path parameter its path names, required, and no other', () => {
    for (const { route, path, parameters } of operations) {
      const named = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = parameters.filter((p) => p.in === 'path');
      expect(declared.map((p) => p.name).sort(), route).toEqual(named.sort());
      expect(
        declared.filter((p) => !p.required).map((p) => p.name),
        route,
      ).toEqual([]);
    }
  });
  it('types each query and path parameter of the API from the schema its router parses it with', () => {
    // A parameter typed by hand is a bare string; one generated from a wire schema carries its
    // constraints (format, pattern, enum, length, range).
    const untyped = operations
      .filter((o) => isApi(o.route))
      .flatMap(({ route, parameters }) =>
        parameters
          .filter((p) => p.in === 'query' || p.in === 'path')
          .filter((p) => Object.keys(p.schema).every((k) => k === 'type' || k === 'description'))
          .map((p) => `${route}: ${p.name}`),
      );
    expect(untyped).toEqual([]);
  });
});

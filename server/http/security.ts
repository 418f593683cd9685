import type { RequestHandler } from 'express';
import cors from 'cors';
import helmet from 'helmet';

/**
 * Security headers for the API and the pages. The content security policy allows what the map
 * needs and nothing more: its own scripts and styles, MapLibre's workers from blob: URLs, images
 * drawn in memory, websockets to the same host ('self' covers ws: and wss: since CSP 3), and the
 * configured tile server if there is one.
 */
export function securityHeaders(options: { tileUrl: string | null; tls: boolean }): RequestHandler {
  const tiles = options.tileUrl ? [new URL(options.tileUrl.replace(/[{}]/g, '')).origin] : [];
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:', 'blob:', ...tiles],
        // MapLibre and deck.gl fetch the images they draw in memory (icon atlases) as data: and blob: URLs.
        'connect-src': ["'self'", 'data:', 'blob:', ...tiles],
        'worker-src': ["'self'", 'blob:'],
        'child-src': ["'self'", 'blob:'],
        'upgrade-insecure-requests': options.tls ? [] : null,
      },
    },
    // Only over TLS: a browser told to insist on HTTPS for a plain-HTTP laptop server locks itself out.
    strictTransportSecurity: options.tls ? { maxAge: 31_536_000 } : false,
    crossOriginEmbedderPolicy: false,
  });
}

/** Cross-origin calls only from the configured origins; none by default (the pages are same-origin). */
export function corsPolicy(allowed: readonly string[]): RequestHandler {
  const set = new Set(allowed);
  return cors({
    origin: (origin, done) => done(null, origin !== undefined && set.has(origin)),
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key'],
    exposedHeaders: ['location', 'retry-after', 'ratelimit', 'ratelimit-policy'],
    maxAge: 600,
  });
}

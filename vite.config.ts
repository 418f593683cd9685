import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const SERVER = process.env.SORAMICHI_URL ?? 'http://localhost:8080';

/** The web UI: two pages (monitoring at /, the operator's at /plan) built into dist/ui for the server to serve. */
export default defineConfig({
  root: resolve(import.meta.dirname, 'ui'),
  base: '/',
  publicDir: false,
  build: {
    outDir: resolve(import.meta.dirname, 'dist/ui'),
    emptyOutDir: true,
    // MapLibre and deck.gl are large by nature; the pages load them once and cache them for a year.
    chunkSizeWarningLimit: 3000,
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, 'ui/index.html'),
        plan: resolve(import.meta.dirname, 'ui/plan.html'),
      },
    },
  },
  // `npx vite` serves the pages with live reload against a running server.
  server: {
    proxy: {
      '/api': SERVER,
      '/config.json': SERVER,
      '/basemap.geojson': SERVER,
      '/socket.io': { target: SERVER, ws: true },
    },
  },
});

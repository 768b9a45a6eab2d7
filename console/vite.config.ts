import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Served under `/console/` by the province's gateway (and, deployed, as static assets).
 * The manifest lets scripts/measure-bundle.mjs find what the first load fetches.
 */
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    manifest: true,
    // The polyfill would be an inline script, which the console's CSP forbids; every
    // supported browser has module preload.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
  },
  server: {
    host: '127.0.0.1',
    // `npm run dev` against a running local cloud: the API, sign-in and settings come from province 33.
    proxy: Object.fromEntries(
      ['/v1', '/dev', '/console/config.json'].map((path) => [path, 'http://127.0.0.1:3033']),
    ),
  },
});

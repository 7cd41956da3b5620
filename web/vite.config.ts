import { defineConfig } from 'vite';

/**
 * The front end is built into web/dist and served by the API's own fastify server, so pages and API
 * share one origin (no CORS, the bearer token never leaves it). Pure engine modules are imported as
 * they are, so the playground draws a definition's steps with the same rules the checker uses.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: { port: 5173, proxy: { '^/(?!src|@|node_modules|index.html).+': 'http://127.0.0.1:3000' } },
});

import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const here = import.meta.dirname;

/** Built into dist/dashboard, which the gateway serves at `/` (tools/build.mjs runs this build). */
export default defineConfig({
  root: here,
  plugins: [react()],
  build: { outDir: resolve(here, '../../dist/dashboard'), emptyOutDir: true, sourcemap: true },
  server: {
    port: 5173,
    proxy: { '/api': process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000' },
  },
  test: {
    environment: 'happy-dom',
    environmentOptions: { happyDOM: { url: 'http://127.0.0.1:3000/' } },
    setupFiles: ['src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    root: here,
  },
});

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';

/** Paths the dashboard never answers: the API, Tiny's webhooks, probes and metrics stay with Nest. */
const RESERVED = /^\/(api|webhooks|health|metrics)(\/|$)/;

/** dist/dashboard, next to dist/apps/gateway (tools/build.mjs builds both). */
export function defaultDashboardDir(): string {
  return resolve(__dirname, '../../../../dashboard');
}

/** A client route of the SPA: a GET for a page (no file extension), outside the reserved prefixes. */
export function isClientRoute(method: string, path: string): boolean {
  return (method === 'GET' || method === 'HEAD') && !RESERVED.test(path) && !/\.[a-z0-9]+$/i.test(path);
}

/**
 * Serves the built dashboard at `/`: its files as they are (hashed assets cached for a year) and
 * index.html for every client route, so a reload of /pedidos?state=… works. Returns false (and serves
 * nothing) when the dashboard was not built, e.g. in the in-process test harness. Dot-files are allowed because
 * `dir` itself may sit under a dot-directory (the browser tests run from .run/e2e/…); the build has none.
 */
export function serveDashboard(app: INestApplication, dir: string = process.env.DASHBOARD_DIR ?? defaultDashboardDir()): boolean {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return false;
  const assets = express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false, dotfiles: 'allow' });
  app.use('/assets', assets);
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!isClientRoute(req.method, req.path)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index, { dotfiles: 'allow' });
  });
  return true;
}

import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { isClientRoute, serveDashboard } from './dashboard-static';

describe('isClientRoute', () => {
  it.each([
    ['GET', '/', true],
    ['GET', '/pedidos', true],
    ['GET', '/falhas/item', true],
    ['HEAD', '/conexoes/nova', true],
    ['GET', '/apis-do-tiny', true],
    ['POST', '/', false],
    ['GET', '/api', false],
    ['GET', '/api/v1/connections', false],
    ['GET', '/api/docs', false],
    ['GET', '/webhooks/tiny/c/s/estoque', false],
    ['GET', '/health/ready', false],
    ['GET', '/metrics', false],
    ['GET', '/assets/index-abc.js', false],
    ['GET', '/favicon.ico', false],
  ])('%s %s → %s', (method, path, expected) => expect(isClientRoute(method, path)).toBe(expected));
});

@Controller('api/v1/ping')
class PingController {
  @Get()
  ping() {
    return { pong: true };
  }
}

@Module({ controllers: [PingController] })
class TinyModule {}

describe('serveDashboard', () => {
  it('serves index.html for client routes and the assets, and leaves the API alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>painel</title>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
    const app = await NestFactory.create(TinyModule, { logger: false });
    expect(serveDashboard(app, dir)).toBe(true);
    await app.listen(0, '127.0.0.1');
    const base = await app.getUrl();
    try {
      const page = await fetch(`${base}/pedidos?state=needs_mapping`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('painel');
      expect((await fetch(`${base}/assets/app.js`)).headers.get('cache-control')).toContain('immutable');
      expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
      expect(await (await fetch(`${base}/api/v1/ping`)).json()).toEqual({ pong: true });
      expect((await fetch(`${base}/api/v1/nothing-here`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('serves nothing when the dashboard was not built', async () => {
    const app = await NestFactory.create(TinyModule, { logger: false });
    expect(serveDashboard(app, join(tmpdir(), 'no-such-dashboard'))).toBe(false);
    await app.close();
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { freePort, startPrivateNats, startPrivatePostgres, waitFor, type PrivateNats, type PrivatePostgres } from '@hub/testing';

/**
 * The whole stack as processes (the built dist/), on a PostgreSQL and a nats-server of the test's own, with one
 * seller connected to the sandbox: what the fault and secrets tests drive. Each app's output goes to
 * `.run/<logDir>/<app>.log`.
 */
const root = resolve(__dirname, '../..');
export const WORKERS = ['orders', 'catalog', 'fiscal-shipping', 'status-sync'] as const;
export const SERVICES = ['gateway', ...WORKERS] as const;

export interface Seller {
  token: string;
  key: string;
  cnpj: string;
}

export class ProcessStack {
  pg!: PrivatePostgres;
  nats!: PrivateNats;
  readonly exits: { service: string; code: number | null; signal: string | null }[] = [];
  readonly secrets = { HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'), ADMIN_API_KEYS: `stack-${randomBytes(12).toString('hex')}` };
  readonly seller: Seller = { token: `stack-tiny-${randomBytes(12).toString('hex')}`, key: randomBytes(48).toString('hex'), cnpj: '12345678000195' };
  readonly logDir: string;
  connection!: { id: string; webhookUrls: Record<string, string> };
  private readonly procs = new Map<string, ChildProcess>();
  private readonly ports = new Map<string, number>();
  private lastReadiness: Record<string, number> = {};

  constructor(logDir: string, private readonly logLevel = 'warn') {
    this.logDir = join(root, '.run', logDir);
  }

  url(service: string, path: string): string {
    return `http://127.0.0.1:${this.ports.get(service)}${path}`;
  }

  async start(): Promise<void> {
    rmSync(this.logDir, { recursive: true, force: true });
    mkdirSync(this.logDir, { recursive: true });
    [this.pg, this.nats] = await Promise.all([startPrivatePostgres(), startPrivateNats()]);
    const admin = new Client({ connectionString: this.pg.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE hub');
    await admin.end();
    for (const s of ['sandbox', ...SERVICES]) this.ports.set(s, await freePort());
    const common = { DATABASE_URL: this.pg.url('hub'), NATS_URL: this.nats.url, IDERIS_URLS_ALLOW_PRIVATE: 'true', ...this.secrets };
    this.spawn('sandbox', { LOG_LEVEL: 'silent' });
    this.spawn('gateway', { ...common, PUBLIC_BASE_URL: this.url('gateway', '') });
    for (const w of WORKERS) this.spawn(w, common);
    await waitFor(async () => (await this.status(this.url('sandbox', '/health/live'))).status === 200, 60_000, 250);
    await waitFor(() => this.allReady(), 90_000, 250);
  }

  /** Registers the seller in the sandbox and creates and activates its connection (every marketplace account imported). */
  async connectSeller(): Promise<void> {
    const { token, key, cnpj } = this.seller;
    await this.json('POST', this.url('sandbox', '/control/tiny/accounts'), { token, cnpj, limitPerMinute: 6000 });
    await this.json('POST', this.url('sandbox', '/control/ideris/accounts'), { privateKey: key, limitPerMinute: 6000 });
    await this.json('POST', this.url('sandbox', '/control/ideris/marketplaces'), { privateKey: key, marketplaceName: 'Mercado Livre' });
    const created = await this.json<{ id: string }>('POST', this.url('gateway', '/api/v1/connections'), {
      name: 'stack test', tinyToken: token, iderisPrivateKey: key, cnpj, tinyIntegrationId: 1,
      tinyBaseUrl: this.url('sandbox', '/tiny/api2'), iderisBaseUrl: this.url('sandbox', '/ideris'),
      settings: { tinyCallsPerMinute: 6000, iderisCallsPerMinute: 6000, newMarketplaceAccounts: 'import' },
    });
    this.connection = await this.json('POST', this.url('gateway', `/api/v1/connections/${created.id}/activate`));
  }

  async stop(): Promise<void> {
    for (const child of this.procs.values()) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all([this.pg?.destroy(), this.nats?.destroy()]);
  }

  async status(target: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: string }> {
    try {
      const res = await fetch(target, { ...init, signal: AbortSignal.timeout(5_000) });
      return { status: res.status, headers: res.headers, body: await res.text() };
    } catch (error) {
      return { status: 0, headers: new Headers(), body: (error as Error).message };
    }
  }

  async json<T = unknown>(method: string, target: string, body?: unknown): Promise<T> {
    const res = await fetch(target, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.secrets.ADMIN_API_KEYS}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${target} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async readiness(): Promise<Record<string, number>> {
    return Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, (await this.status(this.url(s, '/health/ready'))).status] as const)));
  }

  async liveness(): Promise<Record<string, number>> {
    return Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, (await this.status(this.url(s, '/health/live'))).status] as const)));
  }

  async allReady(): Promise<boolean> {
    this.lastReadiness = await this.readiness();
    return Object.values(this.lastReadiness).every((s) => s === 200);
  }

  async waitAllReady(): Promise<void> {
    try {
      await waitFor(() => this.allReady(), 60_000, 250);
    } catch {
      const details = await Promise.all(SERVICES.map(async (s) => `${s}: ${(await this.status(this.url(s, '/health/ready'))).body}`));
      throw new Error(`not ready again: ${JSON.stringify(this.lastReadiness)}\n${details.join('\n')}`);
    }
  }

  async importedOrders(): Promise<number> {
    const list = await this.json<{ total?: number; items: unknown[] }>('GET', this.url('gateway', `/api/v1/connections/${this.connection.id}/orders?state=imported&limit=500`));
    return list.total ?? list.items.length;
  }

  async postNotification(kind: string, body: unknown): Promise<{ status: number; headers: Headers; body: string }> {
    const target = this.connection.webhookUrls[kind]!;
    return this.status(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  private spawn(service: string, env: Record<string, string>): void {
    const log = openSync(join(this.logDir, `${service}.log`), 'a');
    const child = spawn(process.execPath, [join(root, 'dist/apps', service, 'src/main.js')], {
      env: { ...process.env, LOG_LEVEL: this.logLevel, ...env, PORT: String(this.ports.get(service)) },
      stdio: ['ignore', log, log],
    });
    child.once('exit', (code, signal) => this.exits.push({ service, code, signal }));
    this.procs.set(service, child);
  }
}

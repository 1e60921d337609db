import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { freePort, startPrivateNats, startPrivatePostgres, type PrivateNats, type PrivatePostgres } from './private-infra';
import { waitFor } from './wait';

/**
 * The whole stack as processes (the built apps), on a PostgreSQL and a nats-server of its own, with sellers connected
 * to the sandbox: what the fault tests and the chaos benchmark drive. Each app's output goes to
 * `.run/<logDir>/<app>.log`. A service can be SIGKILLed and started again; exits the stack did not cause are crashes.
 */
export const WORKERS = ['orders', 'catalog', 'fiscal-shipping', 'status-sync'] as const;
export const SERVICES = ['gateway', ...WORKERS] as const;
export type StackService = (typeof SERVICES)[number];
export type StackApp = StackService | 'sandbox';

export interface Seller {
  token: string;
  key: string;
  cnpj: string;
}

export interface StackConnection {
  id: string;
  webhookUrls: Record<string, string>;
}

export interface StackExit {
  service: StackApp;
  pid: number;
  code: number | null;
  signal: string | null;
  /** The stack killed it (`kill`, `stop`): not a crash. */
  byUs: boolean;
  at: number;
}

export interface ProcessStackOptions {
  /** pino level of the hub services (default `warn`; the sandbox is silent). */
  logLevel?: string;
  /** Where the built apps are (default `<repo>/dist/apps`); a benchmark passes its private copy. */
  appsDir?: string;
  /** Extra environment per app, kept across restarts. */
  env?: Partial<Record<StackApp, Record<string, string>>>;
}

export interface SellerOptions {
  /** Tiny's e-commerce integration id (the connection's `tinyIntegrationId`), default 1. */
  idEcommerce?: number;
  /** Ideris marketplace accounts created up front, default one `Mercado Livre`. */
  marketplaces?: string[];
  /** Per-minute limit of both accounts in the sandbox and in the connection's settings, default 6000. */
  limitPerMinute?: number;
  /** Merged over the defaults (both limits, every marketplace account's orders imported). */
  settings?: Record<string, unknown>;
  name?: string;
}

/** The repository: the first folder up from here with an `nx.json` (this file also runs from dist/ and its copies). */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no nx.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

export class ProcessStack {
  pg!: PrivatePostgres;
  nats!: PrivateNats;
  readonly exits: StackExit[] = [];
  readonly secrets = { HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'), ADMIN_API_KEYS: `stack-${randomBytes(12).toString('hex')}` };
  readonly seller: Seller = ProcessStack.newSeller();
  readonly logDir: string;
  connection!: StackConnection;
  private readonly appsDir: string;
  private readonly logLevel: string;
  private readonly extraEnv: Partial<Record<StackApp, Record<string, string>>>;
  private readonly procs = new Map<StackApp, ChildProcess>();
  private readonly envs = new Map<StackApp, Record<string, string>>();
  private readonly ports = new Map<StackApp, number>();
  private readonly killedByUs = new WeakSet<ChildProcess>();
  private lastReadiness: Record<string, number> = {};

  constructor(logDir: string, options: ProcessStackOptions = {}) {
    const root = repositoryRoot();
    this.logDir = join(root, '.run', logDir);
    this.appsDir = options.appsDir ?? join(root, 'dist/apps');
    this.logLevel = options.logLevel ?? 'warn';
    this.extraEnv = options.env ?? {};
  }

  static newSeller(): Seller {
    return { token: `stack-tiny-${randomBytes(12).toString('hex')}`, key: randomBytes(48).toString('hex'), cnpj: '12345678000195' };
  }

  url(service: StackApp, path: string): string {
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
    for (const s of ['sandbox', ...SERVICES] as const) this.ports.set(s, await freePort());
    const common = { DATABASE_URL: this.pg.url('hub'), NATS_URL: this.nats.url, IDERIS_URLS_ALLOW_PRIVATE: 'true', ...this.secrets };
    this.envs.set('sandbox', { LOG_LEVEL: 'silent' });
    this.envs.set('gateway', { ...common, PUBLIC_BASE_URL: this.url('gateway', '') });
    for (const w of WORKERS) this.envs.set(w, common);
    for (const app of ['sandbox', ...SERVICES] as const) this.spawn(app);
    await waitFor(async () => (await this.status(this.url('sandbox', '/health/live'))).status === 200, 60_000, 250);
    await waitFor(() => this.allReady(), 90_000, 250);
  }

  /** Registers a seller in the sandbox and creates and activates its connection. */
  async addSeller(options: SellerOptions = {}, seller: Seller = ProcessStack.newSeller()): Promise<{ seller: Seller; connection: StackConnection }> {
    const { token, key, cnpj } = seller;
    const limit = options.limitPerMinute ?? 6000;
    await this.json('POST', this.url('sandbox', '/control/tiny/accounts'), { token, cnpj, limitPerMinute: limit });
    await this.json('POST', this.url('sandbox', '/control/ideris/accounts'), { privateKey: key, limitPerMinute: limit });
    for (const marketplaceName of options.marketplaces ?? ['Mercado Livre']) {
      await this.json('POST', this.url('sandbox', '/control/ideris/marketplaces'), { privateKey: key, marketplaceName });
    }
    const created = await this.json<{ id: string }>('POST', this.url('gateway', '/api/v1/connections'), {
      name: options.name ?? 'stack test', tinyToken: token, iderisPrivateKey: key, cnpj, tinyIntegrationId: options.idEcommerce ?? 1,
      tinyBaseUrl: this.url('sandbox', '/tiny/api2'), iderisBaseUrl: this.url('sandbox', '/ideris'),
      settings: { tinyCallsPerMinute: limit, iderisCallsPerMinute: limit, newMarketplaceAccounts: 'import', ...options.settings },
    });
    const connection = await this.json<StackConnection>('POST', this.url('gateway', `/api/v1/connections/${created.id}/activate`));
    return { seller, connection };
  }

  /** The stack's own seller (`seller`, `connection`): one marketplace account, every account's orders imported. */
  async connectSeller(): Promise<void> {
    this.connection = (await this.addSeller({}, this.seller)).connection;
  }

  /** SIGKILL of one app; resolves once it has exited. Not a crash. */
  async kill(service: StackApp): Promise<void> {
    const child = this.procs.get(service);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    this.killedByUs.add(child);
    child.kill('SIGKILL');
    await exited;
  }

  /** Starts the app again, with the environment and port it had. */
  restart(service: StackApp): void {
    const child = this.procs.get(service);
    if (child && child.exitCode === null && child.signalCode === null) throw new Error(`${service} is still running (pid ${child.pid})`);
    this.spawn(service);
  }

  /** Exits the stack did not cause. */
  crashes(): StackExit[] {
    return this.exits.filter((exit) => !exit.byUs);
  }

  /** The pid of each app running now. */
  pids(): Partial<Record<StackApp, number>> {
    const pids: Partial<Record<StackApp, number>> = {};
    for (const [app, child] of this.procs) if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) pids[app] = child.pid;
    return pids;
  }

  async stop(): Promise<void> {
    for (const child of this.procs.values()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      this.killedByUs.add(child);
      child.kill('SIGKILL');
    }
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
    // The query is left out of the message: it may carry an account key.
    if (!res.ok) throw new Error(`${method} ${target.replace(/\?.*/, '')} → ${res.status} ${text.slice(0, 500)}`);
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

  async waitAllReady(timeoutMs = 60_000): Promise<void> {
    try {
      await waitFor(() => this.allReady(), timeoutMs, 250);
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

  private spawn(app: StackApp): void {
    const log = openSync(join(this.logDir, `${app}.log`), 'a');
    const level = app === 'sandbox' ? {} : { LOG_LEVEL: this.logLevel };
    const child = spawn(process.execPath, [join(this.appsDir, app, 'src/main.js')], {
      env: { ...process.env, ...level, ...this.envs.get(app), ...this.extraEnv[app], PORT: String(this.ports.get(app)) },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    child.once('exit', (code, signal) => this.exits.push({ service: app, pid: child.pid ?? 0, code, signal, byUs: this.killedByUs.has(child), at: Date.now() }));
    this.procs.set(app, child);
  }
}

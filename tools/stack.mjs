// Runs the whole product on this machine: PostgreSQL + NATS (found or started), migrations (each service
// migrates its own schema at boot), the six apps under a supervisor, the demo seller in the sandbox with its
// connection, and the demo traffic (tools/demo) unless switched off.
//   node tools/stack.mjs [--no-traffic]        DEMO_TRAFFIC=off   HUB_PORT_BASE=13000 (ports 13000–13004, sandbox 13100)
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureNats, ensurePostgres, log, privateNatsForTests } from './infra.mjs';
import { superviseApp } from './supervisor.mjs';
import { DEMO_SELLER, registerDemoWebhooks, seedDemoSeller } from './demo/demo-seller.mjs';
import { startDemoTraffic } from './demo/traffic.mjs';

const root = resolve(import.meta.dirname, '..');
const runDir = join(root, '.run');
const logDir = join(runDir, 'logs');
mkdirSync(logDir, { recursive: true });

const DEFAULT_PORT_BASE = 3000;
const portBase = Number(process.env.HUB_PORT_BASE ?? DEFAULT_PORT_BASE);
if (!Number.isInteger(portBase) || portBase < 1024 || portBase > 65_000) throw new Error(`HUB_PORT_BASE must be a port number (1024–65000), not ${process.env.HUB_PORT_BASE}`);
/** Another stack may run on the default ports: one on a port base of its own also gets its own database and NATS. */
const isolated = portBase !== DEFAULT_PORT_BASE;
const trafficOn = !process.argv.includes('--no-traffic') && !['off', '0', 'false', 'no'].includes(String(process.env.DEMO_TRAFFIC ?? '').toLowerCase());

export const APPS = [
  { name: 'sandbox', port: portBase + 100 },
  { name: 'gateway', port: portBase },
  { name: 'orders', port: portBase + 1 },
  { name: 'catalog', port: portBase + 2 },
  { name: 'fiscal-shipping', port: portBase + 3 },
  { name: 'status-sync', port: portBase + 4 },
];
const url = (name) => `http://127.0.0.1:${APPS.find((a) => a.name === name).port}`;

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

async function call(method, target, body, headers = {}) {
  const res = await fetch(target, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new Error(`${method} ${target} → ${res.status} ${text}`);
  return parsed;
}

/**
 * The demo seller's connection, made afresh on every start: the sandbox keeps its state in memory, so the Tiny and
 * Ideris ids of the last run are gone (a new run's Ideris order 4815001 is not the last run's).
 */
async function createDemoConnection(adminKey) {
  const sandbox = url('sandbox');
  const gateway = url('gateway');
  const auth = { authorization: `Bearer ${adminKey}` };
  const seller = DEMO_SELLER;
  const seeded = await seedDemoSeller(sandbox, seller);
  const previous = (await call('GET', `${gateway}/api/v1/connections`, undefined, auth)).filter((c) => c.name === seller.name);
  for (const old of previous) await call('DELETE', `${gateway}/api/v1/connections/${old.id}`, undefined, auth);
  const created = await call('POST', `${gateway}/api/v1/connections`, {
    name: seller.name,
    tinyToken: seller.tinyToken,
    iderisPrivateKey: seller.iderisPrivateKey,
    cnpj: seller.cnpj,
    tinyIntegrationId: seller.tinyIntegrationId,
    tinyBaseUrl: `${sandbox}/tiny/api2`,
    iderisBaseUrl: `${sandbox}/ideris`,
    settings: { tinyCallsPerMinute: seller.tinyCallsPerMinute, iderisCallsPerMinute: seller.iderisCallsPerMinute, kitStock: 'components' },
  }, auth);
  // Where the hub asks for a marketplace selection, the demo takes every account (refused where the setting does not exist).
  await call('PATCH', `${gateway}/api/v1/connections/${created.id}`, { settings: { newMarketplaceAccounts: 'import' } }, auth).catch(() => undefined);
  const connection = await call('POST', `${gateway}/api/v1/connections/${created.id}/activate`, undefined, auth);
  await registerDemoWebhooks(sandbox, connection.webhookUrls, seller);
  return { connection, marketplaces: seeded.marketplaces };
}

async function infrastructure() {
  if (!isolated) return Promise.all([ensurePostgres('hub'), ensureNats()]);
  return Promise.all([ensurePostgres(`hub_${portBase}`), privateNatsForTests()]);
}

/** Stops whatever has been started so far; set once the apps run. */
let shutdown = async () => undefined;

async function main() {
  const [pg, nats] = await infrastructure();
  log(`PostgreSQL: ${pg.source}${isolated ? ` (database hub_${portBase})` : ''}`);
  log(`NATS JetStream: ${nats.source}`);
  const secrets = demoSecrets();
  let traffic;
  let stopping = false;
  const env = (app) => ({
    ...process.env,
    PORT: String(app.port),
    DATABASE_URL: pg.url,
    NATS_URL: nats.url,
    PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? url('gateway'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    // The sandbox's receiving URLs are on 127.0.0.1; production leaves private addresses refused.
    ...(app.name === 'fiscal-shipping' ? { IDERIS_URLS_ALLOW_PRIVATE: process.env.IDERIS_URLS_ALLOW_PRIVATE ?? 'true' } : {}),
    ...secrets,
  });
  const supervised = APPS.map((app) =>
    superviseApp({ app, command: process.execPath, args: [join(root, 'dist/apps', app.name, 'src/main.js')], env: env(app), cwd: root, logDir, log, waitReady }),
  );
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping the demo traffic and the six apps…`);
    traffic?.stop();
    // The hub's services first (they drain their consumers), the sandbox last (they may still be calling it).
    await Promise.all(supervised.slice(1).map((s) => s.stop()));
    await supervised[0].stop();
    nats.stop?.();
    log('stopped');
  };
  shutdown = stop;
  process.on('SIGINT', () => void stop('SIGINT').then(() => process.exit(0)));
  process.on('SIGTERM', () => void stop('SIGTERM').then(() => process.exit(0)));

  await Promise.all(APPS.map((a) => waitReady(a)));
  log(`all six apps are ready (pids ${supervised.map((s, i) => `${APPS[i].name} ${s.child.pid}`).join(', ')})`);
  const { connection, marketplaces } = await createDemoConnection(secrets.ADMIN_API_KEYS);
  log(`demo connection "${connection.name}" is ${connection.situation} (${connection.id}); marketplaces ${marketplaces.map((m) => `${m.marketplaceName} #${m.id}`).join(', ')}`);
  if (trafficOn) {
    traffic = startDemoTraffic({ sandboxUrl: url('sandbox'), marketplaces, log });
    log('demo traffic on: buyers order every few seconds (switch it off with `npm start -- --no-traffic` or DEMO_TRAFFIC=off)');
  } else {
    log('demo traffic off (--no-traffic / DEMO_TRAFFIC=off): nothing sells until you do it yourself');
  }
  process.stdout.write(`
  Dashboard           ${url('gateway')}/   (sign in with the admin key below; open it and watch)
  Gateway admin API   ${url('gateway')}/api/v1/connections   (Authorization: Bearer ${secrets.ADMIN_API_KEYS})
  OpenAPI / Swagger   ${url('gateway')}/api/docs
  Tiny webhook (stock) ${connection.webhookUrls.estoque}
  Sandbox control     ${url('sandbox')}/control/calls
  Health              ${APPS.filter((a) => a.name !== 'sandbox').map((a) => `http://127.0.0.1:${a.port}/health/ready`).join('\n                      ')}
  Logs                .run/logs/<app>.log (JSON lines), restarts in .run/logs/supervisor.log      Stop with Ctrl-C

`);
  if (traffic) setInterval(() => log(`demo traffic: ${JSON.stringify(traffic.stats)}`), 60_000).unref();
}

main().catch(async (error) => {
  process.stderr.write(`[hub] could not start the stack: ${error.message}\n`);
  await shutdown('start-up failure');
  process.exit(1);
});

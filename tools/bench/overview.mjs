// Benchmark: the operator dashboard's all-sellers page with 200 connections. Sandbox, gateway and the four worker
// services run as processes on a private NATS; 200 connections are created and activated (their pollers run), some
// get orders (a share parked as needs mapping), then GET /api/v1/overview and the first page of /failures are timed,
// and the page itself in Debian's Chromium (headless, as the browser tests): from navigation to its table showing
// the first page (the page pages at 50 rows) with the pager's total of every connection, cold (a new browser
// context) and warm (the same context again). Prints one JSON line.
// Usage: node tools/bench/overview.mjs [--connections 200] [--orders-per-connection 3] [--calls 20] [--browser-runs 10]
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensurePostgres, privateNatsForTests } from '../infra.mjs';
import { call, freePort, numberArg, pct, privateDist, privatePostgres, trackProcesses, waitOk } from './bench-kit.mjs';
import { timeTableInBrowser } from './browser-timing.mjs';

const connections = numberArg('connections', 200);
const ordersEach = numberArg('orders-per-connection', 3);
const calls = numberArg('calls', 20);
const browserRuns = numberArg('browser-runs', 10);
/** The overview page's rows per page (apps/dashboard/src/pages/Overview.tsx). */
const PAGE_ROWS = 50;
const withOrders = Math.ceil(connections / 2);

const { run, startApp } = privateDist('overview');
const [db, nats] = await Promise.all([privatePostgres({ maxConnections: 300 }).then((own) => own ?? ensurePostgres('test')), privateNatsForTests()]);
// Connected before the services start: PostgreSQL's connection slots may be scarce on a shared machine.
const client = new pg.Client({ connectionString: db.url });
await client.connect();
const tracked = trackProcesses(() => nats.stop?.());
const { procs } = tracked;
const ports = { sandbox: await freePort(), gateway: await freePort(), orders: await freePort(), catalog: await freePort(), 'fiscal-shipping': await freePort(), 'status-sync': await freePort() };
const secrets = { HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'), ADMIN_API_KEYS: `bench-${randomBytes(12).toString('hex')}` };
const common = { DATABASE_URL: db.url, NATS_URL: nats.url, ...secrets };
const schema = (name) => `bench_ov_${name.replace('-', '_')}_${run}`;
procs.sandbox = startApp('sandbox', { PORT: String(ports.sandbox), LOG_LEVEL: 'silent' });
procs.gateway = startApp('gateway', { ...common, PORT: String(ports.gateway), DB_SCHEMA: schema('gateway'), PUBLIC_BASE_URL: `http://127.0.0.1:${ports.gateway}` });
for (const service of ['orders', 'catalog', 'fiscal-shipping', 'status-sync']) procs[service] = startApp(service, { ...common, PORT: String(ports[service]), DB_SCHEMA: schema(service) });
const sb = `http://127.0.0.1:${ports.sandbox}`;
const gw = `http://127.0.0.1:${ports.gateway}`;
await waitOk(`${sb}/health/live`, 60_000);
for (const [name, port] of Object.entries(ports)) if (name !== 'sandbox') await waitOk(`http://127.0.0.1:${port}/health/ready`, 60_000);
const auth = { authorization: `Bearer ${secrets.ADMIN_API_KEYS}` };

const setupStarted = Date.now();
const limit = 6000;
const ids = [];
for (let i = 0; i < connections; i += 1) {
  const seller = { token: `bench-ov-${run}-${i}-${'t'.repeat(20)}`, key: `${run}${i}${'k'.repeat(60)}` };
  await call('POST', `${sb}/control/tiny/accounts`, { token: seller.token, cnpj: '12345678000195', limitPerMinute: limit });
  await call('POST', `${sb}/control/ideris/accounts`, { privateKey: seller.key, limitPerMinute: limit });
  const connection = await call('POST', `${gw}/api/v1/connections`, {
    name: `Loja ${String(i + 1).padStart(3, '0')} ${run}`, tinyToken: seller.token, iderisPrivateKey: seller.key, cnpj: '12.345.678/0001-95', tinyIntegrationId: 1,
    tinyBaseUrl: `${sb}/tiny/api2`, iderisBaseUrl: `${sb}/ideris`, settings: { tinyCallsPerMinute: limit, iderisCallsPerMinute: limit, newMarketplaceAccounts: 'import' },
  }, auth);
  await call('POST', `${gw}/api/v1/connections/${connection.id}/activate`, undefined, auth);
  if (i < withOrders) await call('POST', `${sb}/control/ideris/orders/peak`, { privateKey: seller.key, orders: ordersEach, accounts: 1, nullSkuRate: 0.3, kitRate: 0, spreadSeconds: 60, seed: i + 1 });
  ids.push(connection.id);
}

// Wait until every order is either imported or parked (the pollers of 200 connections are running meanwhile).
const expected = withOrders * ordersEach;
let settled = 0;
const deadline = Date.now() + 300_000;
while (Date.now() < deadline) {
  const { rows } = await client.query(`SELECT count(*)::int AS n FROM "${schema('orders')}".order_sync WHERE work_status IN ('done', 'gave_up')`);
  settled = rows[0].n;
  if (settled >= expected) break;
  await new Promise((r) => setTimeout(r, 1000));
}
const { rows: states } = await client.query(`SELECT state, count(*)::int AS n FROM "${schema('orders')}".order_sync GROUP BY state ORDER BY state`);
await client.end();
const setupSeconds = Math.round((Date.now() - setupStarted) / 1000);

async function timed(path) {
  const samples = [];
  let last;
  for (let i = 0; i < calls; i += 1) {
    const started = performance.now();
    last = await call('GET', `${gw}${path}`, undefined, auth);
    samples.push(performance.now() - started);
  }
  return { p50Ms: pct(samples, 0.5), p95Ms: pct(samples, 0.95), maxMs: pct(samples, 1), last };
}

const overview = await timed(`/api/v1/overview?limit=${connections}`);
const failures = await timed('/api/v1/failures?limit=50');
const firstPage = Math.min(PAGE_ROWS, connections);
const browser = browserRuns > 0
  ? await timeTableInBrowser({
      url: `${gw}/`, apiPath: '/api/v1/overview', adminKey: secrets.ADMIN_API_KEYS, rows: firstPage, pagerText: `1–${firstPage} de ${connections.toLocaleString('pt-BR')}`, runs: browserRuns,
      log: (msg) => process.stderr.write(`[bench:overview] ${msg}\n`),
    }).then((timing) => ({ page: '/', rows: firstPage, of: connections, ...timing }), (error) => ({ error: error.message }))
  : undefined;
tracked.stopSampling();
const o = overview.last;
console.log(JSON.stringify({
  benchmark: 'overview',
  connections,
  orders: { expected, settled, states: Object.fromEntries(states.map((s) => [s.state, s.n])) },
  overview: { calls, p50Ms: overview.p50Ms, p95Ms: overview.p95Ms, maxMs: overview.maxMs, items: o.items.length, total: o.total, counts: o.counts, partial: o.partial, underOneSecond: overview.p95Ms < 1000 },
  failuresPage1: { calls, p50Ms: failures.p50Ms, p95Ms: failures.p95Ms, maxMs: failures.maxMs, total: failures.last.total, items: failures.last.items.length, partial: failures.last.partial },
  browser,
  setupSeconds,
  database: db.source,
  memoryPeakMB: tracked.peaks,
}));
process.exit(0);

// Benchmark: a peak of Ideris orders imported into Tiny by the running services (sandbox, gateway, orders as
// real processes), with injected faults and optionally a kill -9 of the orders service in the middle.
// Prints one JSON line. Usage:
//   node tools/bench/orders.mjs [--orders 1000] [--tiny-limit 100000] [--ideris-limit 100000] [--faults 0.05] [--kill 1]
//        [--profile <app>]  (that app runs with --cpu-prof, stopped with SIGTERM at the end: .run/profiles)
import { rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensurePostgres, privateNatsForTests } from '../infra.mjs';
import { argOf, freePort, perItem, privateDist, trackProcesses, waitOk } from './bench-kit.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const total = arg('orders', 1000);
const tinyLimit = arg('tiny-limit', 6000);
const iderisLimit = arg('ideris-limit', 6000);
const faultRate = arg('faults', 0.05);
const kill = arg('kill', 0) === 1;
/** Orders created per second (0: the whole peak at once). */
const rate = arg('rate', 0);
const timeoutS = arg('timeout', 900);

const profiled = argOf('profile');
const { distCopy, startApp } = privateDist('orders', { profiled });
// A NATS of its own: the services use the real stream and consumer names, which nothing else may share.
const [db, nats] = await Promise.all([ensurePostgres('test'), privateNatsForTests()]);
const run = Date.now().toString(36);
const [gwPort, sbPort, ordersPort] = await Promise.all([freePort(), freePort(), freePort()]);
const secrets = { HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'), ADMIN_API_KEYS: `bench-${randomBytes(12).toString('hex')}` };
const common = { DATABASE_URL: db.url, NATS_URL: nats.url, ...secrets };
const { procs, peaks, cpuSeconds, memoryIdleMB, measureIdle, stopSampling } = trackProcesses(() => {
  nats.stop?.();
  rmSync(distCopy, { recursive: true, force: true });
});
procs.sandbox = startApp('sandbox', { PORT: String(sbPort), LOG_LEVEL: 'silent' });
procs.gateway = startApp('gateway', { ...common, PORT: String(gwPort), DB_SCHEMA: `bench_gw_${run}`, PUBLIC_BASE_URL: `http://127.0.0.1:${gwPort}` });
const startOrders = () => startApp('orders', { ...common, PORT: String(ordersPort), DB_SCHEMA: `bench_orders_${run}` });
procs.orders = startOrders();

const sb = `http://127.0.0.1:${sbPort}`;
const gw = `http://127.0.0.1:${gwPort}`;
const call = async (method, url, body, headers = {}) => {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
};
await Promise.all([waitOk(`${gw}/health/ready`), waitOk(`http://127.0.0.1:${ordersPort}/health/ready`), waitOk(`${sb}/health/live`)]);
const seller = { token: `bench-tiny-${run}`, key: randomBytes(48).toString('hex'), cnpj: '12345678000195' };
await call('POST', `${sb}/control/tiny/accounts`, { token: seller.token, cnpj: seller.cnpj, limitPerMinute: tinyLimit });
await call('POST', `${sb}/control/ideris/accounts`, { privateKey: seller.key, limitPerMinute: iderisLimit });
for (const name of ['Mercado Livre', 'Shopee', 'Amazon']) await call('POST', `${sb}/control/ideris/marketplaces`, { privateKey: seller.key, marketplaceName: name });
const auth = { authorization: `Bearer ${secrets.ADMIN_API_KEYS}` };
const connection = await call('POST', `${gw}/api/v1/connections`, {
  name: `bench ${run}`, tinyToken: seller.token, iderisPrivateKey: seller.key, cnpj: seller.cnpj, tinyIntegrationId: 1,
  tinyBaseUrl: `${sb}/tiny/api2`, iderisBaseUrl: `${sb}/ideris`, settings: { tinyCallsPerMinute: tinyLimit, iderisCallsPerMinute: iderisLimit, newMarketplaceAccounts: 'import' },
}, auth);
await call('POST', `${gw}/api/v1/connections/${connection.id}/activate`, undefined, auth);
// The stack idles with the connection active (its pollers running) before the peak: what each process holds then.
await measureIdle();

// Faults, each applied to a share of the calls: Tiny code 6, Tiny 5xx, Tiny timeouts after commit, an Ideris 500 page.
const faultCount = Math.round(total * faultRate);
const each = Math.max(1, Math.ceil(faultCount / 3));
const spread = Math.max(2, Math.floor(total / each));
const faults = [
  { system: 'tiny', account: seller.token, endpoint: 'pedido.incluir', tinyCodigoErro: 6, times: each, skip: 3, every: spread },
  { system: 'tiny', account: seller.token, endpoint: 'pedido.incluir', httpStatus: 503, times: each, skip: 7, every: spread },
  { system: 'tiny', account: seller.token, endpoint: 'pedido.incluir', commitThenDrop: true, times: each, skip: 11, every: spread },
  { system: 'ideris', account: seller.key, endpoint: 'order/search', httpStatus: 500, times: 1, skip: 1 },
];
const appliedFaults = [];
for (const f of faults) appliedFaults.push(await call('POST', `${sb}/control/faults`, f).then(() => f, (e) => ({ ...f, rejected: e.message })));

const started = Date.now();
const seed = (parseInt(run.slice(-6), 36) % 100000) || 1;
const createPeak = (orders, n) => call('POST', `${sb}/control/ideris/orders/peak`, { privateKey: seller.key, orders, accounts: 3, spreadSeconds: 0, seed: seed + n });
let peak;
if (rate > 0) {
  // A steady flow: `rate` orders every second until the total is reached.
  const chunks = [];
  for (let n = 0; n * rate < total; n++) {
    chunks.push(await createPeak(Math.min(rate, total - n * rate), n));
    await new Promise((r) => setTimeout(r, 1000));
  }
  peak = { firstId: chunks[0].firstId, lastId: chunks.at(-1).lastId, buyers: chunks.reduce((s, c) => s + c.buyers, 0) };
} else {
  peak = await createPeak(total, 0);
}
const expected = peak.lastId - peak.firstId + 1;
const pool = new pg.Pool({ connectionString: db.url, max: 2 });
const schema = `bench_orders_${run}`;
const states = async () => Object.fromEntries((await pool.query(`SELECT state, count(*)::int AS n FROM "${schema}".order_sync GROUP BY state`).catch(() => ({ rows: [] }))).rows.map((r) => [r.state, r.n]));
let killedAt = null;
for (;;) {
  const s = await states();
  const settled = (s.imported ?? 0) + (s.needs_mapping ?? 0) + (s.invalid ?? 0) + (s.refused ?? 0) + (s.cancelled_before_import ?? 0);
  if (kill && !killedAt && (s.imported ?? 0) >= total / 3) {
    procs.orders.kill('SIGKILL');
    killedAt = Date.now();
    procs.orders = startOrders();
  }
  if (settled >= expected || Date.now() - started > timeoutS * 1000) break;
  await new Promise((r) => setTimeout(r, 500));
}
// Orders parked for an unknown listing code (null SKU): the operator maps each code, and they import by themselves.
const parkedBeforeMapping = (await states()).needs_mapping ?? 0;
// Latency is measured on orders that could go straight in; the ones waiting for an operator's mapping are counted apart.
const waitedForMapping = new Set((await pool.query(`SELECT marketplace_order_code FROM "${schema}".order_sync WHERE state = 'needs_mapping'`)).rows.map((r) => r.marketplace_order_code));
const unknown = (await pool.query(`SELECT DISTINCT unnest(unknown_skus) AS code FROM "${schema}".order_sync WHERE state = 'needs_mapping'`)).rows.map((r) => r.code);
for (const code of unknown) {
  const m = /^MLB10*(\d+)([A-Z])$/.exec(code);
  const tinyCode = m ? `SKU-${Number(m[1]) - (Number(m[1]) >= 1000 ? 1000 : 0)}-${m[2]}` : code;
  await call('PUT', `${gw}/api/v1/connections/${connection.id}/sku-mappings/listing/${encodeURIComponent(code)}`, { tinyProductCode: tinyCode }, auth);
}
for (;;) {
  const s = await states();
  if ((s.needs_mapping ?? 0) === 0 || Date.now() - started > timeoutS * 1000) break;
  await new Promise((r) => setTimeout(r, 500));
}
const seconds = (Date.now() - started) / 1000;
stopSampling();

const tinyState = await call('GET', `${sb}/control/tiny/state?token=${encodeURIComponent(seller.token)}`);
const contacts = tinyState.contacts?.length ?? null;
const byCode = new Map();
for (const o of tinyState.orders) byCode.set(o.numeroEcommerce, (byCode.get(o.numeroEcommerce) ?? 0) + 1);
const rows = (await pool.query(`SELECT state, marketplace_order_code, extract(epoch FROM imported_at - discovered_at) AS d2c, extract(epoch FROM imported_at - visible_at) AS v2c FROM "${schema}".order_sync`)).rows;
const importable = rows.filter((r) => r.state === 'imported');
const direct = importable.filter((r) => !waitedForMapping.has(r.marketplace_order_code));
const duplicates = [...byCode.values()].filter((n) => n > 1).length;
// Lost: an order of the peak never recorded, or recorded as imported but absent from Tiny.
const lost = expected - rows.length + importable.filter((r) => !byCode.has(r.marketplace_order_code)).length;
/** Share of the per-minute limit used in the calendar minutes fully inside the drain (first and last left out). */
const wholeMinuteUse = (perMinute, limit) => {
  const whole = Object.entries(perMinute).sort(([a], [b]) => a.localeCompare(b)).slice(1, -1).map(([, n]) => n);
  return whole.length ? Math.round((whole.reduce((x, y) => x + y, 0) / (whole.length * limit)) * 1000) / 1000 : null;
};
const pct = (values, p) => {
  const v = values.map(Number).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? Math.round(v[Math.min(v.length - 1, Math.floor(v.length * p))] * 1000) / 1000 : null;
};
const stats = await call('GET', `${sb}/control/calls`);
// Injected code-6 answers are counted as blocks by the sandbox; what matters is a block the hub provoked itself.
const stillActive = await call('GET', `${sb}/control/faults`);
const injectedBlocks = faults.filter((f) => f.tinyCodigoErro === 6).reduce((sum, f) => sum + (stillActive.find((a) => a.skip === f.skip && a.tinyCodigoErro === 6)?.applied ?? f.times), 0);
const tinyAcc = stats.tiny[seller.token] ?? Object.values(stats.tiny)[0] ?? { calls: 0, blocks: 0, endpoints: {} };
const iderisAcc = Object.values(stats.ideris).find((a) => a.calls > 0) ?? { calls: 0, blocks: 0, endpoints: {} };
const poll = (await pool.query(`SELECT interval_ms, polls FROM "${schema}".poll_state WHERE connection_id = $1`, [connection.id])).rows[0] ?? {};
// Deleting the connection announces it: no other run's read model keeps polling a sandbox that is gone.
await call('DELETE', `${gw}/api/v1/connections/${connection.id}`, undefined, auth).catch(() => undefined);
const s = await states();
const result = {
  benchmark: 'orders',
  orders: expected,
  buyers: peak.buyers,
  imported: s.imported ?? 0,
  parkedForMappingThenImported: parkedBeforeMapping - (s.needs_mapping ?? 0),
  mappingsAdded: unknown.length,
  parked: { needs_mapping: s.needs_mapping ?? 0, invalid: s.invalid ?? 0, refused: s.refused ?? 0 },
  cancelledBeforeImport: s.cancelled_before_import ?? 0,
  duplicates,
  tinyContacts: contacts,
  lost,
  tiny: { perMinute: Object.values(tinyAcc.acceptedPerMinute ?? {}), budgetUsedWholeMinutes: wholeMinuteUse(tinyAcc.acceptedPerMinute ?? {}, tinyLimit), calls: tinyAcc.calls, perOrder: importable.length ? Math.round((tinyAcc.calls / importable.length) * 1000) / 1000 : null, blocks: tinyAcc.blocks, endpoints: Object.fromEntries(Object.entries(tinyAcc.endpoints).map(([k, v]) => [k, v.calls])) },
  ideris: { calls: iderisAcc.calls, perOrder: Math.round((iderisAcc.calls / Math.max(1, expected)) * 1000) / 1000, blocks: iderisAcc.blocks, endpoints: Object.fromEntries(Object.entries(iderisAcc.endpoints).map(([k, v]) => [k, v.calls])) },
  blocks: { injected: injectedBlocks, provokedByHub: (tinyAcc.blocks ?? 0) + (iderisAcc.blocks ?? 0) - injectedBlocks },
  seconds: Math.round(seconds * 10) / 10,
  ordersPerMinute: Math.round((importable.length / seconds) * 60),
  pollIntervalMs: poll.interval_ms ?? null,
  polls: Number(poll.polls ?? 0),
  latencySeconds: { orders: direct.length, discoveredToCreated: { p50: pct(direct.map((r) => r.d2c), 0.5), p95: pct(direct.map((r) => r.d2c), 0.95) }, visibleToCreated: { p50: pct(direct.map((r) => r.v2c), 0.5), p95: pct(direct.map((r) => r.v2c), 0.95) } },
  limits: { tinyPerMinute: tinyLimit, iderisPerMinute: iderisLimit },
  faults: appliedFaults,
  ratePerSecond: rate || 'all at once',
  killedOrdersService: kill ? { atSecond: killedAt ? Math.round((killedAt - started) / 1000) : null } : false,
  memoryIdleMB,
  memoryPeakMB: peaks,
  cpuSeconds,
  cpuSecondsPerImportedOrder: perItem(cpuSeconds, s.imported ?? 0),
};
await pool.end();
if (profiled && procs[profiled]) {
  procs[profiled].kill('SIGTERM');
  await new Promise((done) => procs[profiled].once('exit', done));
  delete procs[profiled];
}
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);

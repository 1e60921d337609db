// Benchmark (issue 15): 200 connections on 3 replicas of each worker service and 2 gateways, through a compressed
// Black Friday. Sandbox, 2 gateways and 3 processes of each of orders, catalog, fiscal-shipping and status-sync run
// from a private copy of the build on a PostgreSQL (initdb, `--max-connections` slots) and a nats-server of the
// bench's own. Prints one JSON line. Usage:
//   node tools/bench/scale.mjs [--connections 200] [--replicas 3] [--gateways 2] [--idle 0.2] [--peak-minutes 5] [--ramp-seconds 60]
//        [--demand 1.15] [--skus 60] [--tick-seconds 10] [--kill-at 0.5] [--drain-timeout 420] [--max-connections 400]
//        [--seed 15] [--slow 1]
//
// The clock is real: neither the hub's API budget (a 61 s window) nor the sandbox (a sliding 60 s) can stretch a
// minute, so the real per-minute limits run for `--peak-minutes` with the real counts.
// - Plans: connection i has Tiny 30 / 60 / 120 calls per minute (i mod 3) and Ideris 50, in the sandbox's accounts and
//   in the connection's settings, each divided by `--slow` (a slower clock for fewer cores: the counts stay); every fifth connection (`--idle` 0.2) is idle: no orders, no stock changes.
// - Black Friday, every busy connection, every `--tick-seconds`: Ideris orders at `--demand` × min(Tiny ÷ 1.08
//   calls per order, Ideris ÷ 2) per minute, and as many Tiny stock changes (`estoque` notifications delivered by the
//   sandbox to the gateway that created the connection) on `--skus` SKUs: the Ideris demand (an order detail per order,
//   a write per stock change, the poller's searches) is ≥ 1.3× the Ideris budget, and ≥ the Tiny budget on Tiny 30.
// - At `--kill-at` of the peak one orders and one catalog replica are SIGKILLed (not restarted): the connections whose
//   poll lease (orders) or push lease (catalog) the victim held, and the time until each is polled (`last_poll_at`) or
//   pushes (`stock_push_log`) again from another replica, in leases (30 s and 9 s).
// - Drain: no new work, until every order is imported and no stock is pending (or `--drain-timeout`).
//
// What it reports — counted from the sandbox's own journals (`/control/calls`, Tiny's and Ideris's state):
// - per connection, accepted calls in each calendar minute wholly inside the peak against its limits (`maxMinuteShare`
//   ≤ 1 and 0 blocks: the sandbox refuses a call over the limit with a block); `fairness`: the share of its binding
//   budget (the larger of its Tiny and Ideris shares) each busy connection used in the whole minutes after the ramp
//   (the peak's first `--ramp-seconds`: idle pollers find the first orders at their next search, ≤ 60 s), min / median
//   / max, and how many are under 0.9; `fairness.withRamp` over every whole minute of the peak, `fairness.ramp` when
//   each connection's first order was discovered; `fairness.demandVsGrants` (1 s samples of the budget's `demand`
//   rows): the share of time a process waited for each connection's Ideris grant, and the unspent budget in long
//   grant gaps with nobody waiting (`idleGapSeconds`: work not ready) or with a waiter (`waitingGapSeconds`: the
//   budget's own loss); the worst three connections' `timeline` in 10 s buckets (grants by lane initial / share of
//   samples with a waiter: lanes);
// - idle connections' calls (Ideris and Tiny) per whole minute from the peak's start to the end, as a share of their budget;
// - orders: duplicates (a marketplace number twice in Tiny) and lost (created in Ideris, absent from Tiny); stock:
//   SKUs whose Ideris quantity ≠ Tiny's final balance (lost) and writes of the value Ideris already held (duplicates);
// - PostgreSQL client connections (all, and not idle) sampled every 2 s from pg_stat_activity, at their peak, against
//   max_connections; memory (peak RSS) and CPU-seconds per replica, CPU over the peak + drain window per item;
// - `importsInFlight`, sampled every 5 s while orders wait: imports in flight, connections with orders waiting, how
//   many of them have an import in flight (`shareOfWaitingConnectionsServed`), min / median / max;
// - `budgetGrants` (the hub's grant gaps in spacings, from its `grant_log`) and `blockSamples` (the sandbox's first
//   blocks with the calls its window held): whether the budget is spent as fast as it allows, and why a block came.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { ensurePostgres, privateNatsForTests } from '../infra.mjs';
import { budgetKeyOf, call, freePort, memoryOf, numberArg, pct, privateDist, privatePostgres, seeded, trackProcesses, waitOk } from './bench-kit.mjs';

const sizes = {
  connections: numberArg('connections', 200),
  replicas: numberArg('replicas', 3),
  gateways: numberArg('gateways', 2),
  idleShare: numberArg('idle', 0.2),
  peakMinutes: numberArg('peak-minutes', 5),
  rampSeconds: numberArg('ramp-seconds', 60),
  demand: numberArg('demand', 1.15),
  skus: numberArg('skus', 60),
  tickSeconds: numberArg('tick-seconds', 10),
  killAt: numberArg('kill-at', 0.5),
  drainTimeoutSeconds: numberArg('drain-timeout', 420),
  maxConnections: numberArg('max-connections', 400),
  seed: numberArg('seed', 15),
  slow: numberArg('slow', 1),
};
/**
 * The plans, every per-minute limit (and so every connection's demand, derived from them) divided by `--slow`: the
 * issue's "slow the clock, not the count" — the same connections, replicas and kill on a machine with fewer cores.
 */
const TINY_PLANS = [30, 60, 120].map((p) => Math.max(1, Math.round(p / sizes.slow)));
const IDERIS_LIMIT = Math.max(1, Math.round(50 / sizes.slow));
/** Tiny calls per imported order (bench:orders: 1.08). */
const TINY_PER_ORDER = 1.08;
const WORKERS = ['orders', 'catalog', 'fiscal-shipping', 'status-sync'];
/** Lease lengths the takeover is measured in (apps/orders POLL_DEFAULTS.leaseMs, apps/catalog stock-pusher). */
const LEASE_MS = { orders: 30_000, catalog: 9_000 };
const startedAt = Date.now();
const log = (msg) => process.stderr.write(`[scale ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const random = seeded(sizes.seed);
const round = (x, digits = 3) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits);
const median = (values) => {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)] : null;
};
/** Runs `fn` over `items`, `width` at a time. */
async function inParallel(items, width, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  }));
}

// ---- processes ------------------------------------------------------------------------------------------------
const { run, distCopy, startApp } = privateDist('scale');
const [db, nats] = await Promise.all([privatePostgres({ maxConnections: sizes.maxConnections }).then((own) => own ?? ensurePostgres('test')), privateNatsForTests()]);
const pool = new pg.Pool({ connectionString: db.url, max: 3 });
const q = async (text, params = []) => (await pool.query(text, params)).rows;
const tracked = trackProcesses(() => {
  nats.stop?.();
  rmSync(distCopy, { recursive: true, force: true });
});
const { procs } = tracked;
const secrets = { HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'), ADMIN_API_KEYS: `bench-${randomBytes(12).toString('hex')}` };
const common = { DATABASE_URL: db.url, NATS_URL: nats.url, IDERIS_URLS_ALLOW_PRIVATE: 'true', ...secrets };
const sbPort = await freePort();
procs.sandbox = startApp('sandbox', { PORT: String(sbPort), LOG_LEVEL: 'silent' });
const sb = `http://127.0.0.1:${sbPort}`;
const gateways = [];
const ports = {};
// One process first (its migrations), then the others (the migration lock would serialise them anyway).
for (let g = 1; g <= sizes.gateways; g++) {
  const port = await freePort();
  const name = `gateway-${g}`;
  ports[name] = port;
  procs[name] = startApp('gateway', { ...common, PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` });
  gateways.push(`http://127.0.0.1:${port}`);
  if (g === 1) await waitOk(`${gateways[0]}/health/ready`, 90_000);
}
for (const service of WORKERS) {
  for (let r = 1; r <= sizes.replicas; r++) {
    const name = `${service}-${r}`;
    ports[name] = await freePort();
    procs[name] = startApp(service, { ...common, PORT: String(ports[name]) });
    if (r === 1) await waitOk(`http://127.0.0.1:${ports[name]}/health/ready`, 90_000);
  }
}
await waitOk(`${sb}/health/live`, 60_000);
for (const [name, port] of Object.entries(ports)) await waitOk(`http://127.0.0.1:${port}/health/ready`, 90_000).catch((e) => Promise.reject(new Error(`${name}: ${e.message}`)));
const auth = { authorization: `Bearer ${secrets.ADMIN_API_KEYS}` };
log(`${Object.keys(procs).length} processes up on ${db.source}; creating ${sizes.connections} connections`);

// ---- connections ----------------------------------------------------------------------------------------------
await call('POST', `${sb}/control/tiny/webhooks/settings`, { timeScale: 0.01, concurrency: 32, timeoutMs: 10_000 });
const codes = Array.from({ length: sizes.skus }, (_, k) => `STK-${String(k + 1).padStart(3, '0')}`);
const idleEvery = sizes.idleShare > 0 ? Math.round(1 / sizes.idleShare) : Infinity;
const sellers = Array.from({ length: sizes.connections }, (_, i) => {
  const tiny = TINY_PLANS[i % TINY_PLANS.length];
  const idle = (i + 1) % idleEvery === 0;
  const perMinute = idle ? 0 : sizes.demand * Math.min(tiny / TINY_PER_ORDER, IDERIS_LIMIT / 2);
  return {
    i, tiny, ideris: IDERIS_LIMIT, idle, token: `bench-scale-${run}-${i}-${'t'.repeat(16)}`, key: `${run}${i}${randomBytes(24).toString('hex')}`,
    ordersPerMinute: perMinute, stockPerMinute: perMinute, orderCodes: [], balance: new Map(), stockTouched: new Set(), owed: { orders: 0, stock: 0 }, peaks: 0,
  };
});
const setupStarted = Date.now();
await inParallel(sellers, 8, async (s) => {
  await call('POST', `${sb}/control/tiny/accounts`, { token: s.token, cnpj: '12345678000195', limitPerMinute: s.tiny });
  await call('POST', `${sb}/control/ideris/accounts`, { privateKey: s.key, limitPerMinute: s.ideris });
  for (const codigo of codes) {
    const saldo = 20 + Math.floor(random() * 41);
    s.balance.set(codigo, saldo);
    await call('POST', `${sb}/control/tiny/products`, { token: s.token, codigo, saldo });
    await call('POST', `${sb}/control/ideris/skus`, { privateKey: s.key, sku: codigo, currentStock: saldo });
  }
  const gw = gateways[s.i % gateways.length];
  const connection = await call('POST', `${gw}/api/v1/connections`, {
    name: `Loja ${String(s.i + 1).padStart(3, '0')} ${run}`, tinyToken: s.token, iderisPrivateKey: s.key, cnpj: '12.345.678/0001-95', tinyIntegrationId: 1,
    tinyBaseUrl: `${sb}/tiny/api2`, iderisBaseUrl: `${sb}/ideris`, settings: { tinyCallsPerMinute: s.tiny, iderisCallsPerMinute: s.ideris, newMarketplaceAccounts: 'import' },
  }, auth);
  await call('POST', `${gw}/api/v1/connections/${connection.id}/activate`, undefined, auth);
  await call('POST', `${sb}/control/tiny/webhooks`, { token: s.token, idEcommerce: 1, urls: { estoque: connection.webhookUrls.estoque } });
  s.id = connection.id;
});
// Every worker's read model has every connection active before the peak.
for (const schema of ['orders', 'catalog', 'fiscal_shipping', 'status_sync']) {
  const deadline = Date.now() + 60_000;
  while ((await q(`SELECT count(*)::int AS n FROM "${schema}".connection_view WHERE situation = 'active'`).catch(() => [{ n: 0 }]))[0].n < sizes.connections) {
    if (Date.now() > deadline) throw new Error(`${schema} never saw every connection active`);
    await sleep(500);
  }
}
const setupSeconds = (Date.now() - setupStarted) / 1000;
const busy = sellers.filter((s) => !s.idle);
log(`${sizes.connections} connections active in ${Math.round(setupSeconds)} s (${busy.length} busy); peak of ${sizes.peakMinutes} min`);

// ---- samplers: PostgreSQL connections -------------------------------------------------------------------------
const [{ max_connections: maxConnections }] = await q('SHOW max_connections');
const pgSamples = [];
const pgTimer = setInterval(() => {
  void q(`SELECT count(*)::int AS total, count(*) FILTER (WHERE state <> 'idle')::int AS active FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`)
    .then(([r]) => pgSamples.push({ at: Date.now(), ...r }))
    .catch(() => undefined);
}, 2000);
// Orders' imports in flight (a live claim on the order's row) against the connections with orders waiting: one
// consumer serves every connection, so the imports in flight may all be a few connections' orders, each waiting for
// its own connection's budget, while the others' budgets go unused (head-of-line blocking).
const importSamples = [];
const importTimer = setInterval(() => {
  void q(`SELECT count(*) FILTER (WHERE claimed_until > now())::int AS "inFlight",
            count(DISTINCT connection_id) FILTER (WHERE claimed_until > now())::int AS "connectionsInFlight",
            count(*) FILTER (WHERE state = 'discovered')::int AS waiting,
            count(DISTINCT connection_id) FILTER (WHERE state = 'discovered')::int AS "connectionsWaiting"
          FROM orders.order_sync`)
    .then(([r]) => importSamples.push({ at: Date.now(), ...r }))
    .catch(() => undefined);
}, 5000);

// Which Ideris accounts had a process waiting for a grant (a fresh `demand` row), every second: a gap between grants
// with nobody waiting is work the hub did not have ready (polls, settle windows), one with a waiter is the budget's.
// 3 s: the budget's own `BUDGET_DEFAULTS.demandTtlMs`, after which try_grant ignores a demand row.
const demandSamples = [];
const demandTimer = setInterval(() => {
  void q(`SELECT key, string_agg(DISTINCT lane, ',' ORDER BY lane) AS lanes FROM api_budget.demand
           WHERE key LIKE 'ideris:%' AND heartbeat_at > clock_timestamp() - interval '3 seconds' GROUP BY key`)
    .then((rows) => demandSamples.push({ at: Date.now(), keys: new Map(rows.map((r) => [r.key, r.lanes])) }))
    .catch(() => undefined);
}, 1000);

// ---- the peak -------------------------------------------------------------------------------------------------
const peakStart = Date.now();
const peakEnd = peakStart + sizes.peakMinutes * 60_000;
const problems = [];
let ticks = 0;
const cpuAtPeakStart = { ...tracked.cpuSeconds };
/** One tick of one busy connection: the orders and stock changes it is owed since the last one. */
async function feed(s, tick) {
  // What is owed since the last feed by the clock, so a tick that ran late still brings the whole demand.
  const now = Math.min(Date.now(), peakEnd);
  const minutes = (now - (s.fedAt ?? peakStart)) / 60_000;
  s.fedAt = now;
  s.owed.orders += s.ordersPerMinute * minutes;
  s.owed.stock += s.stockPerMinute * minutes;
  const orders = Math.floor(s.owed.orders);
  const stock = Math.floor(s.owed.stock);
  s.owed.orders -= orders;
  s.owed.stock -= stock;
  if (orders > 0) {
    const peak = await call('POST', `${sb}/control/ideris/orders/peak`, { privateKey: s.key, orders, accounts: 1, spreadSeconds: sizes.tickSeconds, nullSkuRate: 0, kitRate: 0, repeatBuyerRate: 0.2, seed: s.i * 10_000 + tick + 1 });
    for (let id = peak.firstId; id <= peak.lastId; id++) s.orderCodes.push(`2000${id}`);
  }
  if (stock > 0) {
    const changes = [];
    const picked = new Set();
    while (changes.length < Math.min(stock, codes.length)) {
      const codigo = codes[Math.floor(random() * codes.length)];
      if (picked.has(codigo)) continue;
      picked.add(codigo);
      const saldo = Math.max(0, (s.balance.get(codigo) ?? 0) + Math.floor(random() * 9) - 4);
      s.balance.set(codigo, saldo);
      s.stockTouched.add(codigo);
      changes.push({ codigo, saldo });
    }
    await call('POST', `${sb}/control/tiny/stock/burst`, { token: s.token, changes });
  }
}
const feeding = (async () => {
  for (let tick = 0; Date.now() < peakEnd; tick++) {
    const tickStart = Date.now();
    await sleep(Math.max(0, Math.min(peakEnd, tickStart + sizes.tickSeconds * 1000) - Date.now()));
    await inParallel(busy, 16, (s) => feed(s, tick).catch((error) => problems.push(`feed ${s.i}: ${error.message}`)));
    ticks++;
  }
})();

// ---- the kill, and the takeover -------------------------------------------------------------------------------
const takeover = {};
const killing = (async () => {
  const victims = { orders: 'orders-1', catalog: 'catalog-1' };
  const pids = Object.fromEntries(Object.entries(victims).map(([service, name]) => [service, procs[name].pid]));
  const heldBy = async (table, pid) => (await q(`SELECT connection_id FROM ${table} WHERE lease_holder LIKE $1 AND lease_until > now()`, [`%:${pid}:%`])).map((r) => r.connection_id);
  // A poll lease is held only while a poll runs: the connections the victim polled in the 30 s before the kill are
  // its connections too (whoever is due next polls them), besides those whose lease it holds at the kill.
  const killAt = peakStart + sizes.killAt * sizes.peakMinutes * 60_000;
  const recent = new Set();
  while (Date.now() < killAt) {
    if (Date.now() > killAt - LEASE_MS.orders) for (const id of await heldBy('orders.poll_state', pids.orders)) recent.add(id);
    await sleep(1000);
  }
  const held = { orders: await heldBy('orders.poll_state', pids.orders), catalog: await heldBy('catalog.stock_pusher_lease', pids.catalog) };
  const heldAtKill = { orders: held.orders.length, catalog: held.catalog.length };
  held.orders = [...new Set([...held.orders, ...recent])];
  const killedAt = Date.now();
  for (const name of Object.values(victims)) procs[name].kill('SIGKILL');
  log(`SIGKILLed orders-1 (held ${heldAtKill.orders} poll leases, polled ${held.orders.length} connections in the last 30 s) and catalog-1 (held ${held.catalog.length} push leases)`);
  // Resumed elsewhere: another holder has the connection's lease (seen every 500 ms), or its work got done (a poll
  // finished, a push journaled) — whichever is seen first; `workDoneMs` is the first poll finished / push journaled.
  const resumed = { orders: new Map(), catalog: new Map() };
  const workDone = { orders: new Map(), catalog: new Map() };
  const since = (map, id, at) => map.has(id) || map.set(id, Math.max(0, at - killedAt));
  const victim = (service) => `%:${pids[service]}:%`;
  const deadline = killedAt + 180_000;
  while (Date.now() < deadline && (workDone.orders.size < held.orders.length || workDone.catalog.size < held.catalog.length)) {
    const now = Date.now();
    for (const r of await q(`SELECT connection_id FROM orders.poll_state WHERE connection_id = ANY($1) AND lease_holder IS NOT NULL AND lease_holder NOT LIKE $2`, [held.orders, victim('orders')])) since(resumed.orders, r.connection_id, now);
    for (const r of await q(`SELECT connection_id FROM catalog.stock_pusher_lease WHERE connection_id = ANY($1) AND lease_holder IS NOT NULL AND lease_holder NOT LIKE $2`, [held.catalog, victim('catalog')])) since(resumed.catalog, r.connection_id, now);
    for (const r of await q(`SELECT connection_id, (extract(epoch FROM last_poll_at) * 1000)::float8 AS at FROM orders.poll_state WHERE connection_id = ANY($1) AND last_poll_at > to_timestamp($2 / 1000.0)`, [held.orders, killedAt])) {
      since(workDone.orders, r.connection_id, r.at);
      since(resumed.orders, r.connection_id, r.at);
    }
    for (const r of await q(`SELECT connection_id, (extract(epoch FROM min(at)) * 1000)::float8 AS at FROM catalog.stock_push_log WHERE connection_id = ANY($1) AND at > to_timestamp($2 / 1000.0) GROUP BY connection_id`, [held.catalog, killedAt])) {
      since(workDone.catalog, r.connection_id, r.at);
      since(resumed.catalog, r.connection_id, r.at);
    }
    await sleep(500);
  }
  for (const service of ['orders', 'catalog']) {
    const ms = [...resumed[service].values()];
    const done = [...workDone[service].values()];
    const maxMs = ms.length ? Math.round(Math.max(...ms)) : null;
    takeover[service] = {
      replica: victims[service], atSecond: Math.round((killedAt - peakStart) / 1000), leasesHeldAtKill: heldAtKill[service], connections: held[service].length, resumed: ms.length,
      resumeMs: { p50: pct(ms, 0.5), max: maxMs }, workDoneMs: { p50: pct(done, 0.5), max: pct(done, 1) }, leaseMs: LEASE_MS[service], maxInLeases: maxMs === null ? null : round(maxMs / LEASE_MS[service], 2),
      withinTwoLeases: ms.length === held[service].length && (maxMs ?? 0) <= 2 * LEASE_MS[service],
    };
  }
})().catch((error) => problems.push(`kill: ${error.message}`));

await feeding;
/**
 * The hub's own grants over the peak's last 150 s (its grant log keeps 5 minutes), for the busy Ideris accounts (≥ 20
 * grants): by lane, and the gaps between consecutive grants in units of the budget's spacing (61 s ÷ limit) — gaps
 * near 1 mean the budget is spent as fast as it allows; longer ones, that no call asked when a slot was due.
 */
const grantGaps = await q(
  `WITH g AS (SELECT l.key, l.lane, l.granted_at, lag(l.granted_at) OVER (PARTITION BY l.key ORDER BY l.granted_at) AS prev, b.limit_per_minute AS lim
                FROM api_budget.grant_log l JOIN api_budget.bucket b ON b.key = l.key
               WHERE l.key LIKE 'ideris:%' AND l.granted_at > now() - interval '150 seconds'),
        busy AS (SELECT key FROM g GROUP BY key HAVING count(*) >= 20),
        gaps AS (SELECT g.lane, extract(epoch FROM g.granted_at - g.prev) * g.lim / 61.0 AS spacings FROM g JOIN busy USING (key) WHERE g.prev IS NOT NULL)
   SELECT (SELECT count(*)::int FROM busy) AS accounts, count(*)::int AS gaps,
          percentile_cont(ARRAY[0.1, 0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY spacings) AS pct,
          avg(spacings)::float8 AS mean, (SELECT json_object_agg(lane, n) FROM (SELECT lane, count(*)::int AS n FROM g JOIN busy USING (key) GROUP BY lane) x) AS lanes
     FROM gaps`,
).then((rows) => rows[0], (error) => { problems.push(`grant gaps: ${error.message}`); return null; });
/** Every Ideris grant of the peak (the grant log keeps 5 minutes), for the worst connections' timelines. */
const grantRows = await q(`SELECT key, (extract(epoch FROM granted_at) * 1000)::float8 AS at, lane FROM api_budget.grant_log WHERE key LIKE 'ideris:%' ORDER BY granted_at`)
  .catch((error) => { problems.push(`grant log: ${error.message}`); return []; });
const expectedOrders = busy.reduce((n, s) => n + s.orderCodes.length, 0);
log(`peak over: ${expectedOrders} orders and ${busy.reduce((n, s) => n + s.stockTouched.size, 0)} SKUs touched; draining`);

// ---- drain ----------------------------------------------------------------------------------------------------
const nc = await connect({ servers: nats.url });
const jsm = await jetstreamManager(nc);
const drainStart = Date.now();
let quietSince = null;
let timedOut = false;
for (;;) {
  const [o] = await q(`SELECT count(*) FILTER (WHERE state = 'imported')::int AS imported, count(*)::int AS seen FROM orders.order_sync`).catch(() => [{ imported: 0, seen: 0 }]);
  const [p] = await q('SELECT count(*)::int AS n FROM catalog.stock_pending').catch(() => [{ n: 1 }]);
  const consumer = await jsm.consumers.info('TINY_NOTIFICATIONS', 'catalog-stock').catch(() => null);
  const inConsumer = consumer ? consumer.num_pending + consumer.num_ack_pending : 1;
  const quiet = o.imported >= expectedOrders && p.n === 0 && inConsumer === 0;
  quietSince = quiet ? (quietSince ?? Date.now()) : null;
  log(`drain: orders imported ${o.imported}/${expectedOrders} (seen ${o.seen}), stock pending ${p.n}, notifications in catalog's consumer ${inConsumer}`);
  if (quietSince && Date.now() - quietSince >= 6000) break;
  if (Date.now() - drainStart > sizes.drainTimeoutSeconds * 1000) {
    timedOut = true;
    log('drain timeout');
    break;
  }
  await sleep(5000);
}
const drainedAt = Date.now();
await killing;
clearInterval(pgTimer);
clearInterval(importTimer);
clearInterval(demandTimer);
tracked.stopSampling();
const memoryNowMB = Object.fromEntries(Object.entries(procs).map(([name, p]) => [name, memoryOf(p.pid).rssMB]));

// ---- results: budgets -----------------------------------------------------------------------------------------
const stats = await call('GET', `${sb}/control/calls`);
const minuteKey = (t) => new Date(t).toISOString().slice(0, 16);
/** The calendar minutes wholly inside [from, to]. */
const wholeMinutes = (from, to) => {
  const out = [];
  for (let m = Math.ceil(from / 60_000) * 60_000; m + 60_000 <= to; m += 60_000) out.push(minuteKey(m));
  return out;
};
const peakMinutes = wholeMinutes(peakStart, peakEnd);
/**
 * Fairness is measured on the whole minutes after the ramp (`--ramp-seconds`, 60): a connection idle before the peak
 * finds its first orders at its idle poll's next search (up to 60 s later: the idle cadence that keeps polling under a
 * fifth of the budget) and its first stock changes after the reorder window (10 s); `withRamp` counts every whole minute
 * of the peak, and `ramp` says when each connection's first order was discovered.
 */
const measuredMinutes = wholeMinutes(peakStart + sizes.rampSeconds * 1000, peakEnd);
if (measuredMinutes.length === 0) problems.push(`no whole minute of the peak after its first ${sizes.rampSeconds} s: fairness is not measured (lengthen --peak-minutes)`);
const measuredFrom = measuredMinutes.length ? Date.parse(`${measuredMinutes[0]}:00Z`) : peakStart;
const measuredTo = measuredMinutes.length ? Date.parse(`${measuredMinutes.at(-1)}:00Z`) + 60_000 : peakEnd;
const idleMinutes = wholeMinutes(peakStart, drainedAt);
const use = (acc, minutes, limit) => {
  const perMinute = minutes.map((m) => acc?.acceptedPerMinute?.[m] ?? 0);
  return { perMinute, share: minutes.length ? perMinute.reduce((a, b) => a + b, 0) / (minutes.length * limit) : null, maxShare: minutes.length ? Math.max(...perMinute) / limit : null };
};
let blocks = 0;
let minutesOverLimit = 0;
for (const s of sellers) {
  const tinyAcc = stats.tiny[s.token];
  const iderisAcc = stats.ideris[s.key];
  blocks += (tinyAcc?.blocks ?? 0) + (iderisAcc?.blocks ?? 0);
  const allMinutes = [...new Set([...Object.keys(tinyAcc?.acceptedPerMinute ?? {}), ...Object.keys(iderisAcc?.acceptedPerMinute ?? {})])];
  minutesOverLimit += allMinutes.filter((m) => (tinyAcc?.acceptedPerMinute?.[m] ?? 0) > s.tiny || (iderisAcc?.acceptedPerMinute?.[m] ?? 0) > s.ideris).length;
  s.use = { tiny: use(tinyAcc, s.idle ? idleMinutes : measuredMinutes, s.tiny), ideris: use(iderisAcc, s.idle ? idleMinutes : measuredMinutes, s.ideris) };
  s.binding = Math.max(s.use.tiny.share ?? 0, s.use.ideris.share ?? 0);
  s.bindingWithRamp = Math.max(use(tinyAcc, peakMinutes, s.tiny).share ?? 0, use(iderisAcc, peakMinutes, s.ideris).share ?? 0);
  s.iderisEndpoints = Object.fromEntries(Object.entries(iderisAcc?.endpoints ?? {}).map(([k, v]) => [k, v.calls]));
  s.tinyEndpoints = Object.fromEntries(Object.entries(tinyAcc?.endpoints ?? {}).map(([k, v]) => [k, v.calls]));
}
/**
 * The sandbox's samples of the first blocks (up to 8 in all): when (seconds from the peak's start), on what, and the
 * calls its limit's window held then — ages in seconds, oldest first, and what each was.
 */
const blockSamples = sellers.flatMap((s) => [['tiny', stats.tiny[s.token]], ['ideris', stats.ideris[s.key]]].flatMap(([system, acc]) =>
  (acc?.blockSamples ?? []).map((b) => ({
    connection: s.i, system, atSecond: round((Date.parse(b.at) - peakStart) / 1000, 1), endpoint: b.endpoint, held: b.window.length,
    window: b.window.map((w) => `${round(w.agoMs / 1000, 1)}s ${w.tag}`),
  })))).slice(0, 8);
/** Calls per connection by endpoint over the whole run, the mean of `group` (what a busy connection's budget went to). */
const meanEndpoints = (group, field) => {
  const sum = {};
  for (const s of group) for (const [k, v] of Object.entries(s[field])) sum[k] = (sum[k] ?? 0) + v;
  return Object.fromEntries(Object.entries(sum).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v / Math.max(1, group.length), 1)]));
};
const summary = (values) => ({ min: round(Math.min(...values)), median: round(median(values)), max: round(Math.max(...values)) });
const byPlan = Object.fromEntries(TINY_PLANS.map((plan) => {
  const group = busy.filter((s) => s.tiny === plan);
  return [`tiny${plan}`, {
    connections: group.length,
    tinyCallsPerMinute: summary(group.map((s) => (s.use.tiny.share ?? 0) * plan)),
    iderisCallsPerMinute: summary(group.map((s) => (s.use.ideris.share ?? 0) * IDERIS_LIMIT)),
    bindingShare: summary(group.map((s) => s.binding)),
  }];
}));
const idle = sellers.filter((s) => s.idle);
const idleEndpoints = {};
for (const s of idle) for (const [k, v] of Object.entries(s.iderisEndpoints)) idleEndpoints[k] = (idleEndpoints[k] ?? 0) + v;

// ---- results: duplicates and lost, from the sandbox's journals -------------------------------------------------
const flows = { orders: { expected: 0, delivered: 0, duplicates: 0, lost: 0 }, stock: { expected: 0, delivered: 0, duplicates: 0, lost: 0, writes: 0 } };
const lostSamples = [];
await inParallel(busy, 8, async (s) => {
  const [tiny, ideris] = await Promise.all([
    call('GET', `${sb}/control/tiny/state?token=${encodeURIComponent(s.token)}`),
    call('GET', `${sb}/control/ideris/state?privateKey=${encodeURIComponent(s.key)}`),
  ]);
  const inTiny = new Map();
  for (const o of tiny.orders) inTiny.set(o.numeroEcommerce, (inTiny.get(o.numeroEcommerce) ?? 0) + 1);
  for (const code of s.orderCodes) {
    const n = inTiny.get(code) ?? 0;
    flows.orders.expected++;
    if (n > 0) flows.orders.delivered++;
    else if (lostSamples.length < 5) lostSamples.push({ connection: s.i, order: code });
    flows.orders.duplicates += Math.max(0, n - 1);
  }
  const products = new Map(tiny.products.map((p) => [p.codigo, p]));
  const available = (p) => p.depositos.filter((d) => !d.desconsiderar).reduce((sum, d) => sum + Number(d.saldo), 0) - Number(p.saldoReservado ?? 0);
  const skus = new Map(ideris.skus.map((k) => [k.sku, k]));
  for (const codigo of s.stockTouched) {
    flows.stock.expected++;
    if (skus.get(codigo)?.currentStock === Math.max(0, available(products.get(codigo)))) flows.stock.delivered++;
    else if (lostSamples.length < 5) lostSamples.push({ connection: s.i, sku: codigo, tiny: available(products.get(codigo)), ideris: skus.get(codigo)?.currentStock });
  }
  const writes = (ideris.catalogChanges ?? []).filter((c) => c.kind === 'stock');
  flows.stock.writes += writes.length;
  flows.stock.duplicates += writes.filter((c) => c.value === c.previous).length;
});
flows.orders.lost = flows.orders.expected - flows.orders.delivered;
flows.stock.lost = flows.stock.expected - flows.stock.delivered;

// ---- results: PostgreSQL, CPU, memory -------------------------------------------------------------------------
const peakPg = pgSamples.reduce((best, s) => (s.total > (best?.total ?? -1) ? s : best), undefined);
const windowSeconds = (drainedAt - peakStart) / 1000;
const cpuWindow = Object.fromEntries(Object.entries(tracked.cpuSeconds).map(([name, s]) => [name, round(s - (cpuAtPeakStart[name] ?? 0), 2)]));
const [ordersImported] = await q(`SELECT count(*)::int AS n FROM orders.order_sync WHERE state = 'imported'`);
const [pushes] = await q('SELECT count(*)::int AS n FROM catalog.stock_push_log');
const streamInfo = await jsm.streams.info('TINY_NOTIFICATIONS');
const serviceCpu = (service) => Object.entries(cpuWindow).filter(([name]) => name.startsWith(`${service}-`)).reduce((n, [, s]) => n + s, 0);
// ---- results: the ramp --------------------------------------------------------------------------------------
/** Seconds from the peak's start to each busy connection's first order discovered (its poller's first search of the peak that found one). */
const firstFound = new Map((await q(`SELECT connection_id::text AS id, (extract(epoch FROM min(discovered_at)) * 1000)::float8 AS at FROM orders.order_sync GROUP BY connection_id`)
  .catch((error) => { problems.push(`ramp: ${error.message}`); return []; })).map((r) => [r.id, r.at]));
const rampSeconds = busy.map((s) => firstFound.get(s.id)).filter((at) => at !== undefined).map((at) => (at - peakStart) / 1000);
const ramp = { firstOrderDiscoveredSeconds: { p50: round(pct(rampSeconds, 0.5), 1), p90: round(pct(rampSeconds, 0.9), 1), max: round(pct(rampSeconds, 1), 1) }, measuredFromSecond: round((measuredFrom - peakStart) / 1000, 1) };

// ---- results: demand against grants ----------------------------------------------------------------------------
const measuredDemand = demandSamples.filter((d) => d.at >= measuredFrom && d.at < measuredTo);
const grantsByKey = new Map();
for (const r of grantRows) {
  if (!grantsByKey.has(r.key)) grantsByKey.set(r.key, []);
  grantsByKey.get(r.key).push(r);
}
/**
 * Per busy connection, over the measured minutes: `waitingShare`, the share of the 1 s samples with a process waiting
 * for an Ideris grant; `idleGapSeconds`, the time in grant gaps over 1.5 spacings with nobody waiting at the gap's
 * middle (the hub had no Ideris work ready), `waitingGapSeconds` the same with a waiter (the budget's own loss).
 */
const spacingMs = 61_000 / IDERIS_LIMIT;
/** The demand sample nearest to `t` (samples are in time order, one a second). */
const demandSampleAt = (t) => {
  let lo = 0;
  let hi = demandSamples.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (demandSamples[mid].at < t) lo = mid + 1;
    else hi = mid;
  }
  return [demandSamples[lo - 1], demandSamples[lo]].filter(Boolean).sort((x, y) => Math.abs(x.at - t) - Math.abs(y.at - t))[0];
};
for (const s of busy) {
  const key = budgetKeyOf('ideris', s.key);
  s.waitingShare = measuredDemand.length ? measuredDemand.filter((d) => d.keys.has(key)).length / measuredDemand.length : null;
  const grants = (grantsByKey.get(key) ?? []).filter((g) => g.at >= measuredFrom - spacingMs && g.at < measuredTo);
  let idleGap = 0;
  let waitingGap = 0;
  for (let k = 1; k < grants.length; k++) {
    const gap = grants[k].at - grants[k - 1].at;
    if (gap < 1.5 * spacingMs) continue;
    const middle = grants[k - 1].at + gap / 2;
    const sample = demandSampleAt(middle);
    if (sample?.keys.has(key)) waitingGap += gap - spacingMs;
    else idleGap += gap - spacingMs;
  }
  s.idleGapSeconds = idleGap / 1000;
  s.waitingGapSeconds = waitingGap / 1000;
  /** 10 s buckets from the first measured minute: grants (lane initials) and the share of samples with a waiter. */
  s.timeline = [];
  for (let t = measuredFrom; t < measuredTo; t += 10_000) {
    const inBucket = grants.filter((g) => g.at >= t && g.at < t + 10_000).map((g) => g.lane[0]).join('');
    const samples = measuredDemand.filter((d) => d.at >= t && d.at < t + 10_000);
    const waiting = samples.filter((d) => d.keys.has(key)).map((d) => d.keys.get(key));
    s.timeline.push(`${inBucket || '-'}/${samples.length ? round(waiting.length / samples.length, 1) : '?'}${waiting.length ? `:${[...new Set(waiting.join(',').split(','))].map((l) => l[0]).join('')}` : ''}`);
  }
}
const demandVsGrants = {
  samples: measuredDemand.length,
  waitingShare: summary(busy.map((s) => s.waitingShare ?? 0)),
  // Unspent budget over the measured minutes, summed over busy connections, by whether anyone waited.
  idleGapSeconds: round(busy.reduce((n, s) => n + s.idleGapSeconds, 0), 1),
  waitingGapSeconds: round(busy.reduce((n, s) => n + s.waitingGapSeconds, 0), 1),
};

/**
 * What the budget's bookkeeping cost over the whole run, per grant (the private PostgreSQL counts PL/pgSQL calls:
 * `track_functions`): `try_grant` transactions (refused ones included) and `demand` row writes (announcements).
 */
const [budgetCost] = await q(`SELECT (SELECT calls::int FROM pg_stat_user_functions WHERE schemaname = 'api_budget' AND funcname = 'try_grant') AS "tryGrant",
                                     (SELECT (n_tup_ins + n_tup_upd)::int FROM pg_stat_user_tables WHERE schemaname = 'api_budget' AND relname = 'demand') AS "demandWrites",
                                     (SELECT sum(n)::int FROM api_budget.grant_minute) AS grants`).catch(() => [{}]);
const items = { ordersImported: ordersImported.n, stockPushes: pushes.n, notificationsStored: streamInfo.state.messages, connectionMinutes: Math.round((sizes.connections * windowSeconds) / 60) };
const perItem = (cpu, n) => (n > 0 ? round(cpu / n, 4) : null);
const out = {
  benchmark: 'scale',
  sizes,
  processes: { gateways: sizes.gateways, replicasPerWorker: sizes.replicas, names: Object.keys(procs) },
  connections: { total: sizes.connections, busy: busy.length, idle: idle.length, plans: Object.fromEntries(TINY_PLANS.map((p) => [`tiny${p}`, sellers.filter((s) => s.tiny === p).length])), iderisPerMinute: IDERIS_LIMIT },
  demandPerBusyConnection: Object.fromEntries(TINY_PLANS.map((p) => [`tiny${p}`, { ordersPerMinute: round(busy.find((s) => s.tiny === p)?.ordersPerMinute ?? 0, 1), stockChangesPerMinute: round(busy.find((s) => s.tiny === p)?.stockPerMinute ?? 0, 1) }])),
  peakMinutesMeasured: measuredMinutes.length,
  peakMinutesWithRamp: peakMinutes.length,
  budgets: {
    blocksProvokedByHub: blocks,
    minutesOverLimit,
    maxMinuteShare: { tiny: round(Math.max(...sellers.map((s) => s.use.tiny.maxShare ?? 0))), ideris: round(Math.max(...sellers.map((s) => s.use.ideris.maxShare ?? 0))) },
    byPlan,
  },
  fairness: {
    bindingShare: summary(busy.map((s) => s.binding)),
    iderisShare: summary(busy.map((s) => s.use.ideris.share ?? 0)),
    tinyShare: summary(busy.map((s) => s.use.tiny.share ?? 0)),
    under90: busy.filter((s) => s.binding < 0.9).length,
    under50: busy.filter((s) => s.binding < 0.5).length,
    withRamp: { bindingShare: summary(busy.map((s) => s.bindingWithRamp)), under90: busy.filter((s) => s.bindingWithRamp < 0.9).length },
    ramp,
    demandVsGrants,
    worst: [...busy].sort((a, b) => a.binding - b.binding).slice(0, 3).map((s) => ({ connection: s.i, tiny: s.tiny, bindingShare: round(s.binding), waitingShare: round(s.waitingShare ?? 0), idleGapSeconds: round(s.idleGapSeconds, 1), waitingGapSeconds: round(s.waitingGapSeconds, 1), timeline: s.timeline.join(' '), iderisPerMinute: s.use.ideris.perMinute, tinyPerMinute: s.use.tiny.perMinute, iderisEndpoints: s.iderisEndpoints, tinyEndpoints: s.tinyEndpoints })),
    // Whole run (peak and drain), the mean busy connection: what its budget went to.
    iderisEndpointsPerConnection: meanEndpoints(busy, 'iderisEndpoints'),
    tinyEndpointsPerConnection: meanEndpoints(busy, 'tinyEndpoints'),
  },
  idlePolling: {
    connections: idle.length,
    minutes: idleMinutes.length,
    iderisShare: summary(idle.map((s) => s.use.ideris.share ?? 0)),
    tinyShare: summary(idle.map((s) => s.use.tiny.share ?? 0)),
    iderisEndpoints: idleEndpoints,
    withinTwentyPercent: idle.every((s) => (s.use.ideris.share ?? 0) <= 0.2),
  },
  flows,
  lostSamples,
  takeover,
  postgres: {
    maxConnections: Number(maxConnections),
    peak: peakPg ? { total: peakPg.total, active: peakPg.active, atSecond: Math.round((peakPg.at - peakStart) / 1000) } : null,
    activeMax: Math.max(0, ...pgSamples.map((s) => s.active)),
    samples: pgSamples.length,
    shareOfMax: peakPg ? round(peakPg.total / Number(maxConnections), 2) : null,
  },
  // Samples with orders waiting: imports in flight, and the share of the connections with orders waiting that had one.
  importsInFlight: (() => {
    const backlog = importSamples.filter((r) => r.waiting > 0);
    if (backlog.length === 0) return { samples: 0 };
    return {
      samples: backlog.length,
      inFlight: summary(backlog.map((r) => r.inFlight)),
      connectionsWaiting: summary(backlog.map((r) => r.connectionsWaiting)),
      connectionsInFlight: summary(backlog.map((r) => r.connectionsInFlight)),
      shareOfWaitingConnectionsServed: summary(backlog.map((r) => r.connectionsInFlight / r.connectionsWaiting)),
      waitingMax: Math.max(...backlog.map((r) => r.waiting)),
    };
  })(),
  memoryPeakMB: tracked.peaks,
  memoryAtEndMB: memoryNowMB,
  cpuSecondsInWindow: cpuWindow,
  windowSeconds: Math.round(windowSeconds),
  coresInWindow: Object.fromEntries(Object.entries(cpuWindow).map(([name, s]) => [name, round(s / windowSeconds, 2)])),
  items,
  cpuSecondsPerItem: {
    orders: perItem(serviceCpu('orders'), items.ordersImported),
    catalog: perItem(serviceCpu('catalog'), items.stockPushes),
    gateway: perItem(serviceCpu('gateway'), items.notificationsStored),
    // These two only poll in this bench (no invoices, no situation changes): their cost per connection and minute.
    'fiscal-shipping': { perConnectionMinute: perItem(serviceCpu('fiscal-shipping'), items.connectionMinutes) },
    'status-sync': { perConnectionMinute: perItem(serviceCpu('status-sync'), items.connectionMinutes) },
  },
  seconds: { setup: Math.round(setupSeconds), peak: sizes.peakMinutes * 60, drain: Math.round((drainedAt - drainStart) / 1000), total: Math.round((Date.now() - startedAt) / 1000) },
  ticks,
  timedOut,
  database: db.source,
  budgetGrants: grantGaps && { iderisAccounts: grantGaps.accounts, gaps: grantGaps.gaps, gapInSpacings: grantGaps.pct && { p10: round(grantGaps.pct[0]), p50: round(grantGaps.pct[1]), p90: round(grantGaps.pct[2]), p99: round(grantGaps.pct[3]), mean: round(grantGaps.mean) }, lanes: grantGaps.lanes, grantsInRun: budgetCost?.grants ?? null, tryGrantCallsPerGrant: budgetCost?.tryGrant && budgetCost.grants ? round(budgetCost.tryGrant / budgetCost.grants, 2) : null, demandWritesPerGrant: budgetCost?.demandWrites && budgetCost.grants ? round(budgetCost.demandWrites / budgetCost.grants, 2) : null },
  blockSamples,
  problems: problems.slice(0, 10),
};
await pool.end();
await nc.close();
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);

// Benchmark: orders and stock flowing together through the running services (sandbox, gateway, orders, catalog as
// real processes, on a NATS of their own). Prints one JSON line. Usage:
//   node tools/bench/flow.mjs --mode steady   [--minutes 2] [--orders-per-second 5] [--changes-per-second 20]
//        [--skus 500] [--tiny-limit 6000] [--ideris-limit 6000] [--burst-orders 300] [--burst-changes 3000]
//   node tools/bench/flow.mjs --mode combined [--orders 120] [--tiny-limit 60] [--ideris-limit 50] [--timeout s]
//
// steady (issue 14, target 4): generous limits, so the budget does not bind. Every second `--orders-per-second`
//   Ideris orders appear and `--changes-per-second` Tiny stock changes are made (slices every 100 ms, Tiny's
//   `estoque` notifications delivered by the sandbox to the gateway). Latencies: discovered → created in Tiny
//   (order_sync, the orders service's clock) and notification → Ideris (catalog's stock_push_log: gateway receipt →
//   Ideris confirmed; and, on the bench's clock, Tiny's change → the Ideris write through a pass-through). Then a
//   burst (all orders and changes at once) whose drain is compared with the limits: `drainBoundBy` is "budget" when
//   the busiest API used ≥ 90 % of its limit per minute while draining, else "hub".
// combined (target 5): the real limits, an order peak imported with settings.autoPostStock (pedido.lancar.estoque),
//   so Tiny's stock moves and Tiny sends `estoque` notifications while the hub also re-reads the sold SKUs
//   (order-stock recheck, catalog). A pass-through journals every Tiny call (endpoint, time): orders imported per
//   minute against what the Tiny budget allows after the unavoidable calls (the order's own calls, and any other
//   call that is not a stock read), and against what Ideris allows after its own (the order's detail read, one stock
//   write per distinct sold SKU whose value changed, any other call that is not a stock read): `targetRatio` is
//   against the tighter of the two (`bindingAccount`). And every stock read granted while an order was waiting.
import { rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensurePostgres, privateNatsForTests } from '../infra.mjs';
import { argOf, budgetKeyOf, call, freePort, numberArg, passThrough, pct, perItem, privateDist, seeded, trackProcesses, waitOk } from './bench-kit.mjs';

const mode = argOf('mode') === 'combined' ? 'combined' : 'steady';
const combined = mode === 'combined';
const tinyLimit = numberArg('tiny-limit', combined ? 60 : 6000);
const iderisLimit = numberArg('ideris-limit', combined ? 50 : 6000);
const minutes = numberArg('minutes', 2);
const ordersPerSecond = numberArg('orders-per-second', 5);
const changesPerSecond = numberArg('changes-per-second', 20);
const skuCount = numberArg('skus', 500);
const burstOrders = numberArg('burst-orders', 300);
const burstChanges = numberArg('burst-changes', 3000);
const peakOrders = numberArg('orders', 120);
const timeoutS = numberArg('timeout', combined ? 1800 : 900);
const seed = numberArg('seed', 11);

const log = (msg) => process.stderr.write(`[flow-bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- processes --------------------------------------------------------------------------------------------------
const profiled = argOf('profile');
const { run, distCopy, startApp } = privateDist('flow', { profiled });
const [db, nats] = await Promise.all([ensurePostgres('test'), privateNatsForTests()]);
const [gwPort, sbPort, ordersPort, catalogPort, tinyProxyPort, iderisProxyPort] = await Promise.all(Array.from({ length: 6 }, freePort));
const secrets = { HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'), ADMIN_API_KEYS: `bench-${randomBytes(12).toString('hex')}` };
const common = { DATABASE_URL: db.url, NATS_URL: nats.url, ...secrets };
const ordersSchema = `bench_orders_${run}`;
const catalogSchema = `bench_catalog_${run}`;
const { procs, peaks, cpuSeconds, memoryIdleMB, measureIdle, stopSampling } = trackProcesses(() => {
  nats.stop?.();
  rmSync(distCopy, { recursive: true, force: true });
});
procs.sandbox = startApp('sandbox', { PORT: String(sbPort), LOG_LEVEL: 'silent' });
procs.gateway = startApp('gateway', { ...common, PORT: String(gwPort), DB_SCHEMA: `bench_gw_${run}`, PUBLIC_BASE_URL: `http://127.0.0.1:${gwPort}` });
procs.orders = startApp('orders', { ...common, PORT: String(ordersPort), DB_SCHEMA: ordersSchema });
procs.catalog = startApp('catalog', { ...common, PORT: String(catalogPort), DB_SCHEMA: catalogSchema });
const sb = `http://127.0.0.1:${sbPort}`;
const gw = `http://127.0.0.1:${gwPort}`;

// ---- pass-throughs: the bench's journal of every Tiny call and every Ideris call ----------------------------------
/** Tiny calls in the order the sandbox answered them: endpoint (e.g. pedido.incluir), sent and answered times. */
const tinyCalls = [];
/** Ideris calls: method + path, and for stock writes the SKU and value. */
const iderisCalls = [];
const tinyProxy = await passThrough(tinyProxyPort, sbPort, (req, body, status, answer, sentAt) => {
  const endpoint = /\/tiny\/api2\/([^?]+?)(?:\.php)?(?:\?|$)/.exec(req.url)?.[1] ?? req.url;
  tinyCalls.push({ endpoint, sentAt, answeredAt: Date.now(), status });
});
const iderisProxy = await passThrough(iderisProxyPort, sbPort, (req, body, status, answer, sentAt) => {
  const path = req.url.replace(/^\/ideris\//, '').replace(/\?.*/, '').replace(/\/\d+(?=\/|$)/g, '/:id');
  const entry = { endpoint: `${req.method} ${path}`, sentAt, answeredAt: Date.now(), status };
  if (req.method === 'PUT' && path === 'sku/stock') {
    try {
      const parsed = JSON.parse(body);
      Object.assign(entry, { sku: parsed.sku, qty: parsed.currentStock });
    } catch {
      /* Ideris's business */
    }
  }
  iderisCalls.push(entry);
});

await Promise.all([waitOk(`${gw}/health/ready`), waitOk(`http://127.0.0.1:${ordersPort}/health/ready`), waitOk(`http://127.0.0.1:${catalogPort}/health/ready`), waitOk(`${sb}/health/live`)]);

// ---- accounts, products, connection, webhooks ---------------------------------------------------------------------
const seller = { token: `bench-tiny-${run}`, key: randomBytes(48).toString('hex'), cnpj: '12345678000195', idEcommerce: 4321 };
await call('POST', `${sb}/control/tiny/accounts`, { token: seller.token, cnpj: seller.cnpj, limitPerMinute: tinyLimit });
await call('POST', `${sb}/control/ideris/accounts`, { privateKey: seller.key, limitPerMinute: iderisLimit });
for (const name of ['Mercado Livre', 'Shopee', 'Amazon']) await call('POST', `${sb}/control/ideris/marketplaces`, { privateKey: seller.key, marketplaceName: name });
// The products the sandbox's orders sell (SKU-1-P … SKU-20-G), in Tiny with room to sell and in Ideris; and the
// stock-only SKUs of the steady flow.
const orderCodes = Array.from({ length: 20 }, (_, p) => ['P', 'M', 'G'].map((s) => `SKU-${p + 1}-${s}`)).flat();
const stockCodes = combined ? [] : Array.from({ length: skuCount }, (_, i) => `STK-${String(i + 1).padStart(5, '0')}`);
const random = seeded(seed);
const saldo = new Map();
{
  const all = [...orderCodes.map((c) => [c, 100_000]), ...stockCodes.map((c) => [c, Math.floor(random() * 61)])];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < all.length) {
        const [codigo, initial] = all[next++];
        saldo.set(codigo, initial);
        await call('POST', `${sb}/control/tiny/products`, { token: seller.token, codigo, saldo: initial, saldoReservado: 0 });
        await call('POST', `${sb}/control/ideris/skus`, { privateKey: seller.key, sku: codigo, currentStock: initial });
      }
    }),
  );
}
const auth = { authorization: `Bearer ${secrets.ADMIN_API_KEYS}` };
const connection = await call('POST', `${gw}/api/v1/connections`, {
  name: `bench flow ${run}`, tinyToken: seller.token, iderisPrivateKey: seller.key, cnpj: seller.cnpj, tinyIntegrationId: seller.idEcommerce,
  tinyBaseUrl: `http://127.0.0.1:${tinyProxyPort}/tiny/api2`, iderisBaseUrl: `http://127.0.0.1:${iderisProxyPort}/ideris`,
  settings: { tinyCallsPerMinute: tinyLimit, iderisCallsPerMinute: iderisLimit, newMarketplaceAccounts: 'import', stockType: 'available', safetyBuffer: 0, autoPostStock: combined },
}, auth);
await call('POST', `${gw}/api/v1/connections/${connection.id}/activate`, undefined, auth);
const pool = new pg.Pool({ connectionString: db.url, max: 3 });
const q = async (text, params = []) => (await pool.query(text, params)).rows;
{
  const deadline = Date.now() + 30_000;
  while ((await q(`SELECT 1 FROM "${catalogSchema}".connection_view WHERE id = $1 AND situation = 'active'`, [connection.id]).catch(() => [])).length === 0) {
    if (Date.now() > deadline) throw new Error('catalog never saw the connection active');
    await sleep(200);
  }
}
await call('POST', `${sb}/control/tiny/webhooks/settings`, { timeScale: 0.001 });
await call('POST', `${sb}/control/tiny/webhooks`, { token: seller.token, idEcommerce: seller.idEcommerce, tipoEstoque: 'D', urls: { estoque: connection.webhookUrls.estoque } });
await measureIdle();

// ---- helpers --------------------------------------------------------------------------------------------------
let peakSeed = seed * 1000;
const createOrders = (orders) => call('POST', `${sb}/control/ideris/orders/peak`, { privateKey: seller.key, orders, accounts: 3, spreadSeconds: 0, seed: ++peakSeed, nullSkuRate: 0 });
/** Tiny stock changes (the bench's clock: when the sandbox answered), per SKU: [{at, qty}]. */
const changesOf = new Map();
const changeStock = async (codes) => {
  const changes = codes.map((codigo) => {
    const next = Math.random() < 0.1 ? 20 + Math.floor(random() * 61) : Math.max(0, saldo.get(codigo) + Math.floor(random() * 5) - 2);
    saldo.set(codigo, next);
    return { codigo, saldo: next };
  });
  await call('POST', `${sb}/control/tiny/stock/burst`, { token: seller.token, changes });
  const at = Date.now();
  for (const c of changes) (changesOf.get(c.codigo) ?? changesOf.set(c.codigo, []).get(c.codigo)).push({ at, qty: c.saldo });
  return changes.length;
};
const pickStockCodes = (n) => Array.from({ length: n }, () => stockCodes[random() < 0.3 ? Math.floor(random() * Math.max(1, stockCodes.length * 0.05)) : Math.floor(random() * stockCodes.length)]);
const orderStates = async () => Object.fromEntries((await q(`SELECT state, count(*)::int AS n FROM "${ordersSchema}".order_sync GROUP BY state`).catch(() => [])).map((r) => [r.state, r.n]));
const settledOrders = (s) => (s.imported ?? 0) + (s.needs_mapping ?? 0) + (s.invalid ?? 0) + (s.refused ?? 0) + (s.cancelled_before_import ?? 0) + (s.skipped ?? 0);
/** Waits until every order of the ids so far is settled and the stock queues are empty (twice in a row, 2 s apart). */
const drain = async (expectedOrders, label, deadline) => {
  let quietSince = null;
  let lastLog = 0;
  for (;;) {
    const s = await orderStates();
    const [p] = await q(`SELECT count(*)::int AS n FROM "${catalogSchema}".stock_pending WHERE connection_id = $1`, [connection.id]).catch(() => [{ n: 1 }]);
    const deliveries = await call('GET', `${sb}/control/tiny/webhooks/deliveries?token=${encodeURIComponent(seller.token)}&kind=estoque`);
    const quiet = settledOrders(s) >= expectedOrders && p.n === 0 && deliveries.pending === 0;
    quietSince = quiet ? (quietSince ?? Date.now()) : null;
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      log(`${label}: orders settled ${settledOrders(s)}/${expectedOrders}, stock pending ${p.n}, deliveries pending ${deliveries.pending}, Tiny calls ${tinyCalls.length}, Ideris calls ${iderisCalls.length}`);
    }
    if (quietSince && Date.now() - quietSince >= 2000) return { at: quietSince, timedOut: false };
    if (Date.now() > deadline) return { at: Date.now(), timedOut: true };
    await sleep(500);
  }
};
/** Calls per minute in [from, to] of a journal, and its share of the limit. */
const usage = (journal, from, to, limit) => {
  const n = journal.filter((c) => c.sentAt >= from && c.sentAt <= to).length;
  const perMinute = to > from ? (n / (to - from)) * 60_000 : 0;
  return { calls: n, perMinute: Math.round(perMinute), shareOfLimit: Math.round((perMinute / limit) * 1000) / 1000 };
};
const byEndpoint = (journal, from = -Infinity, to = Infinity) => {
  const out = {};
  for (const c of journal) if (c.sentAt >= from && c.sentAt <= to) out[c.endpoint] = (out[c.endpoint] ?? 0) + 1;
  return out;
};
/** Each accepted Ideris stock write: from the Tiny change it carries (the oldest of the run of changes with that value right before it) to Ideris's answer. */
const changeToIderis = (from, to) => {
  const out = [];
  for (const w of iderisCalls) {
    if (w.qty === undefined || w.status !== 200 || w.sentAt < from || w.sentAt > to) continue;
    const changes = (changesOf.get(w.sku) ?? []).filter((c) => c.at <= w.sentAt);
    let k = changes.length - 1;
    if (k < 0 || changes[k].qty !== w.qty) continue; // not the latest value (stale or an order's sale): left out
    while (k > 0 && changes[k - 1].qty === w.qty) k--;
    out.push(w.answeredAt - changes[k].at);
  }
  return out;
};
const ordersLatency = async (firstId, lastId) => {
  const rows = await q(
    `SELECT extract(epoch FROM imported_at - discovered_at)::float8 * 1000 AS d2c, extract(epoch FROM imported_at - visible_at)::float8 * 1000 AS v2c
       FROM "${ordersSchema}".order_sync WHERE state = 'imported' AND ideris_order_id BETWEEN $1 AND $2`,
    [firstId, lastId],
  );
  return {
    orders: rows.length,
    discoveredToCreatedMs: { p50: pct(rows.map((r) => r.d2c), 0.5), p95: pct(rows.map((r) => r.d2c), 0.95), max: pct(rows.map((r) => r.d2c), 1) },
    visibleToCreatedMs: { p50: pct(rows.map((r) => r.v2c), 0.5), p95: pct(rows.map((r) => r.v2c), 0.95) },
  };
};
const stockLatency = async (from, to) => {
  const rows = await q(
    `SELECT latency_ms FROM "${catalogSchema}".stock_push_log WHERE connection_id = $1 AND at >= to_timestamp($2 / 1000.0) AND at <= to_timestamp($3 / 1000.0)`,
    [connection.id, from, to],
  );
  const journal = rows.map((r) => (r.latency_ms === null ? NaN : Number(r.latency_ms)));
  const clock = changeToIderis(from, to);
  return {
    pushes: rows.length,
    notificationToIderisMs: { p50: pct(journal, 0.5), p95: pct(journal, 0.95), max: pct(journal, 1) },
    tinyChangeToIderisMs: { writes: clock.length, p50: pct(clock, 0.5), p95: pct(clock, 0.95), max: pct(clock, 1) },
  };
};

const started = Date.now();
let result;
if (!combined) {
  // ---- steady flow ----------------------------------------------------------------------------------------------
  log(`steady: ${ordersPerSecond} orders/s and ${changesPerSecond} stock changes/s for ${minutes} min`);
  let firstId = null;
  let lastId = null;
  let changesSent = 0;
  const steadyEnd = started + minutes * 60_000;
  const ordersLoop = (async () => {
    for (let tick = started; tick < steadyEnd; tick += 1000) {
      const peak = await createOrders(ordersPerSecond);
      firstId ??= peak.firstId;
      lastId = peak.lastId;
      await sleep(Math.max(0, tick + 1000 - Date.now()));
    }
  })();
  const stockLoop = (async () => {
    const perSlice = changesPerSecond / 10;
    let owed = 0;
    for (let tick = started; tick < steadyEnd; tick += 100) {
      owed += perSlice;
      const n = Math.floor(owed);
      owed -= n;
      if (n > 0) changesSent += await changeStock(pickStockCodes(n));
      await sleep(Math.max(0, tick + 100 - Date.now()));
    }
  })();
  await Promise.all([ordersLoop, stockLoop]);
  const steadyOrders = lastId - firstId + 1;
  const steadyDrained = await drain(steadyOrders, 'steady', Date.now() + timeoutS * 1000);
  const steadyLatencyOrders = await ordersLatency(firstId, lastId);
  const steadyLatencyStock = await stockLatency(started, steadyDrained.at);
  const steadyTiny = usage(tinyCalls, started, steadyEnd, tinyLimit);
  const steadyIderis = usage(iderisCalls, started, steadyEnd, iderisLimit);

  // ---- burst ----------------------------------------------------------------------------------------------------
  await sleep(3000);
  const burstStart = Date.now();
  log(`burst: ${burstOrders} orders and ${burstChanges} stock changes at once`);
  const burstPeak = burstOrders > 0 ? await createOrders(burstOrders) : null;
  let burstChangesSent = 0;
  for (let from = 0; from < burstChanges; from += 500) burstChangesSent += await changeStock(pickStockCodes(Math.min(500, burstChanges - from)));
  const burstDrained = await drain(steadyOrders + (burstPeak?.created ?? 0), 'burst', Date.now() + timeoutS * 1000);
  // The drain of each flow: until its last call (the final quiet check excluded).
  const lastOf = (journal, pred) => journal.filter((c) => c.sentAt >= burstStart && pred(c)).reduce((m, c) => Math.max(m, c.sentAt), burstStart);
  const ordersDrainEnd = lastOf(tinyCalls, (c) => c.endpoint.startsWith('pedido'));
  const stockDrainEnd = lastOf(iderisCalls, (c) => c.qty !== undefined);
  const burstTiny = usage(tinyCalls, burstStart, ordersDrainEnd, tinyLimit);
  const burstIderis = usage(iderisCalls, burstStart, Math.max(ordersDrainEnd, stockDrainEnd), iderisLimit);
  const busiest = Math.max(burstTiny.shareOfLimit, burstIderis.shareOfLimit);
  const burstOrdersLatency = burstPeak ? await ordersLatency(burstPeak.firstId, burstPeak.lastId) : null;
  const [pushesBurst] = await q(`SELECT count(*)::int AS n FROM "${catalogSchema}".stock_push_log WHERE connection_id = $1 AND at >= to_timestamp($2 / 1000.0)`, [connection.id, burstStart]);
  stopSampling();
  const s = await orderStates();
  const [pushes] = await q(`SELECT count(*)::int AS n FROM "${catalogSchema}".stock_push_log WHERE connection_id = $1`, [connection.id]);
  const items = (s.imported ?? 0) + pushes.n;
  const ms = (a, b) => Math.round(b - a);
  result = {
    benchmark: 'flow',
    mode,
    steady: {
      minutes,
      ordersPerSecond,
      changesPerSecond,
      orders: steadyOrders,
      stockChanges: changesSent,
      ...steadyLatencyOrders,
      stock: steadyLatencyStock,
      targetsMet: { discoveredToCreatedP95: (steadyLatencyOrders.discoveredToCreatedMs.p95 ?? Infinity) <= 2000, notificationToIderisP95: (steadyLatencyStock.notificationToIderisMs.p95 ?? Infinity) <= 2000 },
      tiny: steadyTiny,
      ideris: steadyIderis,
      drainedAfterFlowMs: ms(steadyEnd, steadyDrained.at),
      timedOut: steadyDrained.timedOut,
    },
    burst: {
      orders: burstPeak?.created ?? 0,
      stockChanges: burstChangesSent,
      ordersDrainSeconds: Math.round((ordersDrainEnd - burstStart) / 100) / 10,
      stockDrainSeconds: Math.round((stockDrainEnd - burstStart) / 100) / 10,
      ordersPerMinute: burstPeak ? Math.round((burstPeak.created / Math.max(1, ordersDrainEnd - burstStart)) * 60_000) : null,
      pushes: pushesBurst.n,
      pushesPerSecond: Math.round((pushesBurst.n / Math.max(1, stockDrainEnd - burstStart)) * 10_000) / 10,
      tiny: burstTiny,
      ideris: burstIderis,
      drainBoundBy: busiest >= 0.9 ? 'budget' : 'hub',
      ordersLatency: burstOrdersLatency,
      timedOut: burstDrained.timedOut,
    },
    drainBoundBy: busiest >= 0.9 ? 'budget' : 'hub',
    orderStates: s,
    tinyEndpoints: byEndpoint(tinyCalls),
    iderisEndpoints: byEndpoint(iderisCalls),
    limits: { tinyPerMinute: tinyLimit, iderisPerMinute: iderisLimit },
    memoryIdleMB,
    memoryPeakMB: peaks,
    cpuSeconds,
    items: { importedOrders: s.imported ?? 0, stockPushes: pushes.n },
    cpuSecondsPerItem: perItem(cpuSeconds, items),
  };
} else {
  // ---- combined: the real limits, an order peak, stock posted by each import --------------------------------------
  log(`combined: ${peakOrders} orders at once, Tiny ${tinyLimit}/min, Ideris ${iderisLimit}/min, autoPostStock`);
  // The hub's own record of who waits for a Tiny grant: the budget's demand rows (one per process and lane),
  // sampled every 100 ms. A stock read sent while a real-time demand was there took a slot an order was waiting for.
  const tinyKey = budgetKeyOf('tiny', seller.token);
  const realtimeWaiting = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const rows = await q(`SELECT lane FROM api_budget.demand WHERE key = $1 AND heartbeat_at > clock_timestamp() - interval '3 seconds'`, [tinyKey]).catch(() => []);
      realtimeWaiting.push({ at: Date.now(), realtime: rows.some((r) => r.lane === 'realtime') });
      await sleep(100);
    }
  })();
  const peak = await createOrders(peakOrders);
  const drained = await drain(peak.created, 'combined', Date.now() + timeoutS * 1000);
  sampling = false;
  await sampler;
  const realtimeAt = (t) => {
    const before = realtimeWaiting.filter((x) => x.at <= t).at(-1);
    const after = realtimeWaiting.find((x) => x.at > t);
    return Boolean(before?.realtime && after?.realtime);
  };
  stopSampling();
  const rows = await q(
    `SELECT ideris_order_id::int AS id, state, skus, (extract(epoch FROM discovered_at) * 1000)::float8 AS discovered, (extract(epoch FROM imported_at) * 1000)::float8 AS imported
       FROM "${ordersSchema}".order_sync WHERE ideris_order_id BETWEEN $1 AND $2`,
    [peak.firstId, peak.lastId],
  );
  const imported = rows.filter((r) => r.state === 'imported').sort((a, b) => a.imported - b.imported);
  const s = await orderStates();
  // Tiny's calls, by what they are for. An order's own calls: creating it (and looking for it after a doubtful
  // answer) and posting its stock. Stock reads: what catalog reads to learn a balance (a re-read of a sold SKU, a SKU
  // in doubt, finding a product by code). Anything else (the connection's checks, …) is unavoidable too.
  const orderEndpoints = new Set(['pedido.incluir', 'pedido.lancar.estoque', 'pedidos.pesquisa', 'pedido.obter']);
  const stockReadEndpoints = new Set(['produto.obter.estoque', 'produtos.pesquisa', 'produto.obter', 'lista.atualizacoes.estoque']);
  const kind = (c) => (orderEndpoints.has(c.endpoint) ? 'order' : stockReadEndpoints.has(c.endpoint) ? 'stockRead' : 'other');
  // The window: from the first to the last order creation sent (the import drain).
  const creations = tinyCalls.filter((c) => c.endpoint === 'pedido.incluir');
  const from = creations[0]?.sentAt ?? started;
  const to = creations.at(-1)?.sentAt ?? drained.at;
  const inWindow = tinyCalls.filter((c) => c.sentAt >= from && c.sentAt <= to);
  const count = (k) => inWindow.filter((c) => kind(c) === k).length;
  const windowMinutes = Math.max(1e-9, (to - from) / 60_000);
  const importedInWindow = imported.filter((r) => r.imported >= from && r.imported <= to + 5000).length;
  const orderCallsPerOrder = importedInWindow ? count('order') / importedInWindow : null;
  const allowedPerMinute = orderCallsPerOrder ? (tinyLimit - count('other') / windowMinutes) / orderCallsPerOrder : null;
  const ordersPerMinute = (importedInWindow - 1) / windowMinutes;
  // Ideris in the same window, by what the calls are for. The order's own call: its detail read (`GET order/:id`).
  // Stock writes: unavoidable only once per distinct sold SKU whose value changed (coalesced over the peak: the SKUs
  // of the imported orders whose Ideris count ended elsewhere than where it started). Stock reads (`GET sku/search`,
  // SKU pages) are avoidable; any other call (order polls, …) is unavoidable.
  const iderisKind = (c) =>
    c.endpoint === 'GET order/:id' ? 'order' : c.endpoint === 'PUT sku/stock' ? 'stockWrite' : c.endpoint.startsWith('GET sku') ? 'stockRead' : 'other';
  const iderisInWindow = iderisCalls.filter((c) => c.sentAt >= from && c.sentAt <= to);
  const iderisCount = (k) => iderisInWindow.filter((c) => iderisKind(c) === k).length;
  const iderisState = await call('GET', `${sb}/control/ideris/state?privateKey=${encodeURIComponent(seller.key)}`);
  const finalIderis = new Map(iderisState.skus.map((x) => [x.sku, x.currentStock]));
  const soldSkus = new Set(imported.flatMap((r) => r.skus ?? []));
  const changedSoldSkus = [...soldSkus].filter((sku) => finalIderis.has(sku) && finalIderis.get(sku) !== 100_000).length;
  const iderisOrderReadsPerOrder = importedInWindow ? iderisCount('order') / importedInWindow : null;
  const unavoidableWritesPerOrder = imported.length ? changedSoldSkus / imported.length : 0;
  const iderisUnavoidablePerOrder = iderisOrderReadsPerOrder === null ? null : iderisOrderReadsPerOrder + unavoidableWritesPerOrder;
  const iderisAllowedPerMinute = iderisUnavoidablePerOrder ? (iderisLimit - iderisCount('other') / windowMinutes) / iderisUnavoidablePerOrder : null;
  const bounds = [['tiny', allowedPerMinute], ['ideris', iderisAllowedPerMinute]].filter(([, v]) => v !== null && Number.isFinite(v));
  const [bindingAccount, tighterBound] = bounds.length ? bounds.reduce((a, b) => (b[1] < a[1] ? b : a)) : [null, null];
  // A stock read granted while an order was waiting to be created (discovered, not yet imported): a slot the order could have had.
  const waiting = (t) => rows.filter((r) => r.discovered <= t && (r.imported === null || r.imported > t)).length;
  const readsWhileWaiting = tinyCalls.filter((c) => kind(c) === 'stockRead').map((c) => ({ ...c, waitingOrders: waiting(c.sentAt) })).filter((c) => c.waitingOrders > 0);
  const [pushes] = await q(`SELECT count(*)::int AS n FROM "${catalogSchema}".stock_push_log WHERE connection_id = $1`, [connection.id]);
  const stockLat = await stockLatency(started, drained.at);
  const deliveries = await call('GET', `${sb}/control/tiny/webhooks/deliveries?token=${encodeURIComponent(seller.token)}&kind=estoque`);
  const items = (s.imported ?? 0) + pushes.n;
  result = {
    benchmark: 'flow',
    mode,
    orders: peak.created,
    imported: s.imported ?? 0,
    orderStates: s,
    ordersPerMinute: Math.round(ordersPerMinute * 10) / 10,
    tinyAllowsOrdersPerMinute: allowedPerMinute === null ? null : Math.round(allowedPerMinute * 10) / 10,
    shareOfAllowed: allowedPerMinute ? Math.round((ordersPerMinute / allowedPerMinute) * 1000) / 1000 : null,
    orderCallsPerOrder: orderCallsPerOrder === null ? null : Math.round(orderCallsPerOrder * 1000) / 1000,
    // Both accounts' bounds after each one's unavoidable calls per order; the target ratio is against the tighter one.
    iderisAllowsOrdersPerMinute: iderisAllowedPerMinute === null ? null : Math.round(iderisAllowedPerMinute * 10) / 10,
    iderisUnavoidablePerOrder: iderisUnavoidablePerOrder === null ? null : { total: Math.round(iderisUnavoidablePerOrder * 1000) / 1000, orderReads: Math.round(iderisOrderReadsPerOrder * 1000) / 1000, stockWrites: Math.round(unavoidableWritesPerOrder * 1000) / 1000, changedSoldSkus },
    bindingAccount,
    allowedByTighterPerMinute: tighterBound === null ? null : Math.round(tighterBound * 10) / 10,
    targetRatio: tighterBound ? Math.round((ordersPerMinute / tighterBound) * 1000) / 1000 : null,
    targetMet: tighterBound ? ordersPerMinute / tighterBound >= 0.9 : false,
    window: { seconds: Math.round((to - from) / 100) / 10, tinyCalls: inWindow.length, tinyPerMinute: Math.round(inWindow.length / windowMinutes), orderCalls: count('order'), stockReads: count('stockRead'), other: count('other'), endpoints: byEndpoint(tinyCalls, from, to) },
    // Ideris in the same window: order reads and stock pushes share its real-time lane (50/min), so it may bind first.
    iderisWindow: { ...usage(iderisCalls, from, to, iderisLimit), orderReads: iderisCount('order'), stockWrites: iderisCount('stockWrite'), stockReads: iderisCount('stockRead'), other: iderisCount('other'), endpoints: byEndpoint(iderisCalls, from, to) },
    // Orders not yet imported when a stock read went out (waiting for Tiny or for Ideris alike)…
    stockReadsWhileOrdersWaited: readsWhileWaiting.length,
    // …and the stricter count: a real-time demand (an order's creation or stock posting) waited for a Tiny grant then.
    stockReadsWhileOrderWaitedForTinyGrant: tinyCalls.filter((c) => kind(c) === 'stockRead' && realtimeAt(c.sentAt)).length,
    demandSamples: realtimeWaiting.length,
    stockReadsWhileOrdersWaitedByEndpoint: byEndpoint(readsWhileWaiting),
    firstStockReadWhileWaiting: readsWhileWaiting[0] ? { endpoint: readsWhileWaiting[0].endpoint, atSecond: Math.round((readsWhileWaiting[0].sentAt - started) / 1000), waitingOrders: readsWhileWaiting[0].waitingOrders } : null,
    estoqueNotifications: deliveries.notifications?.length ?? null,
    stock: { ...stockLat, pushes: pushes.n },
    drainSeconds: Math.round((drained.at - started) / 100) / 10,
    timedOut: drained.timedOut,
    tinyEndpoints: byEndpoint(tinyCalls),
    iderisEndpoints: byEndpoint(iderisCalls),
    limits: { tinyPerMinute: tinyLimit, iderisPerMinute: iderisLimit },
    memoryIdleMB,
    memoryPeakMB: peaks,
    cpuSeconds,
    items: { importedOrders: s.imported ?? 0, stockPushes: pushes.n },
    cpuSecondsPerItem: perItem(cpuSeconds, items),
  };
}

// `--journal <file>`: both pass-throughs' journals, for a closer look at a run.
if (argOf('journal')) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(argOf('journal'), JSON.stringify({ started, tinyCalls, iderisCalls }));
}
// Deleting the connection announces it: no other run's read model keeps polling a sandbox that is gone.
await call('DELETE', `${gw}/api/v1/connections/${connection.id}`, undefined, auth).catch(() => undefined);
await pool.end();
tinyProxy.close();
iderisProxy.close();
if (profiled && procs[profiled]) {
  procs[profiled].kill('SIGTERM');
  await new Promise((done) => procs[profiled].once('exit', done));
  delete procs[profiled];
}
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);

// Benchmark: a burst of Tiny stock changes pushed to Ideris by the running services (sandbox, gateway, catalog as
// real processes). Tiny's `estoque` notifications are delivered by the sandbox to the gateway's webhook URL, with
// duplicated and reordered deliveries, Ideris faults on `sku/stock`, and optionally a kill -9 of catalog mid-run.
// Prints one JSON line. Usage:
//   node tools/bench/stock.mjs [--changes 10000] [--skus 2000] [--ideris-limit 6000] [--tiny-limit 6000] [--kill 1]
//        [--faults 0.05] [--no-429 1] [--rate 500] [--duplicates 0.05] [--reorder-ms 200] [--buffer 2] [--tipo D|F] [--timeout s] [--seed n] [--feed 1]
// --rate: Tiny stock changes applied per second (sent to the sandbox in slices every 100 ms; 0 = all in one call).
// --tipo: the balance Tiny's notifications carry (D available, F physical). The connection sends the available
//   balance, so with F every push re-reads Tiny first (`produto.obter.estoque`).
//
// How it measures (the bench's own clock for everything it compares):
// - An HTTP pass-through in this process sits between catalog and the sandbox's Ideris API and records every
//   `PUT /sku/stock` (SKU, value, answer, time). What Ideris held before each accepted write is known from the
//   seeded value and the accepted writes before it: a write of that same value is a no-op push.
// - Tiny's change timeline is the bench's own (each slice's changes are stamped when the sandbox answered). An
//   accepted write is stale when its value was not Tiny's rule-applied value at any moment of the second before it
//   (`stalePushes`). `stalePushesAfterHubNotified` keeps only those the hub could have avoided: the gateway had
//   stored a newer change of that SKU (in Tiny's order) more than a second before the write. The difference is
//   Tiny's delivery lag (`latencyMs.tinyChangeToGatewayStored`: the sandbox's queue, duplicates, reorder window).
// - Mismatches: Ideris's final quantities (read from the sandbox after the drain) against the rule applied to
//   Tiny's final balances (`/control/tiny/state`, cross-checked with the burst's `finalBalances`).
// - Latency: JetStream message of each journal row (`stock_push_log.source_seq`) → its `receivedAt` at the gateway
//   → the journal row's commit (`at`). `catalogRecordedLatency` is catalog's own `latency_ms`, for comparison.
import { rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { ensurePostgres, privateNatsForTests } from '../infra.mjs';
import { argOf, call, freePort, numberArg, passThrough, pct, perItem, privateDist, seeded, trackProcesses, waitOk } from './bench-kit.mjs';

const arg = numberArg;
const changes = arg('changes', 10000);
const skuCount = arg('skus', 2000);
const iderisLimit = arg('ideris-limit', 6000);
const tinyLimit = arg('tiny-limit', 6000);
const kill = arg('kill', 0) === 1;
const faultRate = arg('faults', 0.05);
const rate = arg('rate', 500);
const duplicateRate = arg('duplicates', 0.05);
const reorderMs = arg('reorder-ms', 200);
const safetyBuffer = arg('buffer', 2);
const tipo = argOf('tipo') === 'F' ? 'F' : 'D';
const seed = arg('seed', 7);
// --prices N: N price changes (one per SKU, +1 % each) spread over the burst, to see that prices still get their
// share of the Ideris budget while stock saturates it (prices ride the normal lane, stock the real-time one).
const priceChanges = arg('prices', 0);
// --feed 1: the connection reads Tiny's stock-change queue (settings.stockUpdatesFeed), which settles SKUs in doubt.
const feed = arg('feed', 0) === 1;

const log = (msg) => process.stderr.write(`[stock-bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- the burst, generated up front (seeded): a random walk per SKU, hot SKUs, repeated values ----------------
const random = seeded(seed);
const codes = Array.from({ length: skuCount }, (_, i) => `STK-${String(i + 1).padStart(5, '0')}`);
const initialSaldo = codes.map(() => Math.floor(random() * 61));
const reserved = codes.map((_, i) => (i % 4 === 3 ? 1 + Math.floor(random() * 5) : 0));
/** The connection's rule: available balance (saldo − reserved), minus the safety buffer, whole units, never below zero. */
const rule = (saldo, reservedQty) => Math.max(0, Math.floor(saldo - reservedQty) - safetyBuffer);
const hot = Math.max(1, Math.round(skuCount * 0.05));
const burst = [];
{
  const saldo = [...initialSaldo];
  for (let k = 0; k < changes; k++) {
    const i = random() < 0.3 ? Math.floor(random() * hot) : Math.floor(random() * skuCount);
    const r = random();
    // 5 % restocks, 10 % the same balance announced again, otherwise a small step either way.
    saldo[i] = r < 0.05 ? 20 + Math.floor(random() * 61) : r < 0.15 ? saldo[i] : Math.max(0, saldo[i] + Math.floor(random() * 5) - 2);
    burst.push({ i, saldo: saldo[i] });
  }
}
const modelFinal = [...initialSaldo];
for (const c of burst) modelFinal[c.i] = c.saldo;
const touched = new Set(burst.map((c) => c.i));
const changedSkus = codes.filter((_, i) => rule(modelFinal[i], reserved[i]) !== rule(initialSaldo[i], reserved[i])).length;
/** Ideris calls the drain needs at least: one push per changed SKU, one SKU search per 50 SKUs never pushed, the injected faults. */
const minIderisCalls = Math.ceil(changedSkus * (1 + faultRate)) + Math.ceil(touched.size / 50);
const expectedDrainMinutes = Math.round((minIderisCalls / iderisLimit) * 10) / 10;
const timeoutS = arg('timeout', Math.max(900, Math.ceil(expectedDrainMinutes * 60 * 1.5) + 600));

// ---- processes ------------------------------------------------------------------------------------------------
// --profile <app>: that app runs with --cpu-prof; it is stopped with SIGTERM at the end so the profile is written (.run/profiles).
const profiled = argOf('profile');
const { run, distCopy, startApp } = privateDist('stock', { profiled });

const [db, nats] = await Promise.all([ensurePostgres('test'), privateNatsForTests()]);
const [gwPort, sbPort, catalogPort, proxyPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
const secrets = { HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'), ADMIN_API_KEYS: `bench-${randomBytes(12).toString('hex')}` };
const common = { DATABASE_URL: db.url, NATS_URL: nats.url, ...secrets };
const schema = `bench_catalog_${run}`;
const { procs, peaks, cpuSeconds, memoryIdleMB, measureIdle, stopSampling } = trackProcesses(() => {
  nats.stop?.();
  rmSync(distCopy, { recursive: true, force: true });
});
procs.sandbox = startApp('sandbox', { PORT: String(sbPort), LOG_LEVEL: 'silent' });
procs.gateway = startApp('gateway', { ...common, PORT: String(gwPort), DB_SCHEMA: `bench_gw_${run}`, PUBLIC_BASE_URL: `http://127.0.0.1:${gwPort}` });
const startCatalog = () => startApp('catalog', { ...common, PORT: String(catalogPort), DB_SCHEMA: schema });
procs.catalog = startCatalog();

const sb = `http://127.0.0.1:${sbPort}`;
const gw = `http://127.0.0.1:${gwPort}`;

// ---- the Ideris pass-through: records every stock write -------------------------------------------------------
/** Accepted-or-not stock writes, in the order Ideris answered them. */
const writes = [];
/** Accepted-or-not price writes. */
const priceWrites = [];
const proxyServer = await passThrough(proxyPort, sbPort, (req, body, status, answer, sentAt) => {
  const parse = () => {
    try {
      return JSON.parse(body);
    } catch {
      return {}; // a bad body is Ideris's business
    }
  };
  if (req.method === 'PUT' && req.url.startsWith('/ideris/sku/stock')) {
    const parsed = parse();
    writes.push({ sku: parsed.sku, qty: parsed.currentStock, status, sentAt, answeredAt: Date.now() });
  }
  if (req.method === 'PUT' && req.url.startsWith('/ideris/listingModel/price')) {
    const parsed = parse();
    priceWrites.push({ listingModelId: parsed.listingModelId, value: parsed.value, status, sentAt });
  }
});


await Promise.all([waitOk(`${gw}/health/ready`), waitOk(`http://127.0.0.1:${catalogPort}/health/ready`), waitOk(`${sb}/health/live`)]);
log(`services up (schema ${schema}); seeding ${skuCount} SKUs, ${changes} changes (${touched.size} SKUs touched, ${changedSkus} end with another value)`);

// ---- accounts, SKUs, connection, webhooks, faults -------------------------------------------------------------
const seller = { token: `bench-tiny-${run}`, key: randomBytes(48).toString('hex'), cnpj: '12345678000195', idEcommerce: 4321 };
await call('POST', `${sb}/control/tiny/accounts`, { token: seller.token, cnpj: seller.cnpj, limitPerMinute: tinyLimit });
await call('POST', `${sb}/control/ideris/accounts`, { privateKey: seller.key, limitPerMinute: iderisLimit });
const tinyIds = new Map();
{
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < skuCount) {
        const i = next++;
        const product = await call('POST', `${sb}/control/tiny/products`, { token: seller.token, codigo: codes[i], saldo: initialSaldo[i], saldoReservado: reserved[i] });
        tinyIds.set(codes[i], product.id);
        await call('POST', `${sb}/control/ideris/skus`, { privateKey: seller.key, sku: codes[i], currentStock: rule(initialSaldo[i], reserved[i]) });
      }
    }),
  );
}
const auth = { authorization: `Bearer ${secrets.ADMIN_API_KEYS}` };
const connection = await call('POST', `${gw}/api/v1/connections`, {
  name: `bench stock ${run}`, tinyToken: seller.token, iderisPrivateKey: seller.key, cnpj: seller.cnpj, tinyIntegrationId: seller.idEcommerce,
  tinyBaseUrl: `${sb}/tiny/api2`, iderisBaseUrl: `http://127.0.0.1:${proxyPort}/ideris`,
  settings: { stockType: 'available', safetyBuffer, tinyCallsPerMinute: tinyLimit, iderisCallsPerMinute: iderisLimit, stockUpdatesFeed: feed },
}, auth);
await call('POST', `${gw}/api/v1/connections/${connection.id}/activate`, undefined, auth);
const pool = new pg.Pool({ connectionString: db.url, max: 3 });
const q = async (text, params = []) => (await pool.query(text, params)).rows;
{
  const deadline = Date.now() + 30_000;
  while ((await q(`SELECT 1 FROM "${schema}".connection_view WHERE id = $1 AND situation = 'active'`, [connection.id]).catch(() => [])).length === 0) {
    if (Date.now() > deadline) throw new Error('catalog never saw the connection active');
    await sleep(200);
  }
}
await call('POST', `${sb}/control/tiny/webhooks/settings`, { timeScale: 0.001 });
await call('POST', `${sb}/control/tiny/webhooks`, {
  token: seller.token,
  idEcommerce: seller.idEcommerce,
  tipoEstoque: tipo,
  urls: { estoque: connection.webhookUrls.estoque, ...(priceChanges > 0 ? { precos: connection.webhookUrls.precos } : {}) },
});
await call('POST', `${sb}/control/tiny/webhooks/faults`, { token: seller.token, duplicateRate, reorderWindowMs: reorderMs, seed });
// The stack idles with the connection active (2,000 SKUs seeded) before the burst: what each process holds then.
await measureIdle();

// Ideris faults on the stock writes, spread over the run: 503s and (unless --no-429 1) as many 429s, which are
// counted as injected blocks and pause the account for their Retry-After (1 s) each.
const with429 = arg('no-429', 0) !== 1;
const every = faultRate > 0 ? Math.max(2, Math.round((with429 ? 2 : 1) / faultRate)) : 0;
const faults = faultRate > 0
  ? [
      { system: 'ideris', account: seller.key, endpoint: 'sku/stock', httpStatus: 503, times: 1_000_000, skip: 3, every },
      ...(with429 ? [{ system: 'ideris', account: seller.key, endpoint: 'sku/stock', httpStatus: 429, times: 1_000_000, skip: 3 + Math.floor(every / 2), every }] : []),
    ]
  : [];
for (const f of faults) await call('POST', `${sb}/control/faults`, f);

const nc = await connect({ servers: nats.url });
const jsm = await jetstreamManager(nc);

// ---- the burst ------------------------------------------------------------------------------------------------
/** Per SKU index: [{t, v}] Tiny's rule-applied value from time t on (t = when the sandbox had applied it). */
const timeline = codes.map((_, i) => [{ t: -Infinity, v: rule(initialSaldo[i], reserved[i]), k: -1 }]);
/** When the sandbox had applied change k (the bench's clock). */
const changeAt = new Array(burst.length);
const finalBalances = {};
let sent = 0;
const started = Date.now();
const burstDone = (async () => {
  const slice = rate > 0 ? Math.max(1, Math.round(rate / 10)) : changes;
  for (let from = 0; from < burst.length; from += slice) {
    const tick = Date.now();
    const part = burst.slice(from, from + slice);
    const answer = await call('POST', `${sb}/control/tiny/stock/burst`, { token: seller.token, changes: part.map((c) => ({ codigo: codes[c.i], saldo: c.saldo })) });
    const at = Date.now();
    part.forEach((c, n) => {
      changeAt[from + n] = at;
      timeline[c.i].push({ t: at, v: rule(c.saldo, reserved[c.i]), k: from + n });
    });
    Object.assign(finalBalances, answer.finalBalances);
    sent += part.length;
    if (rate > 0) await sleep(Math.max(0, 100 - (Date.now() - tick)));
  }
  return Date.now();
})();

// Price changes, spread over the burst: SKUs from the end of the list, each once.
const priceChanged = new Map();
const pricesDone = (async () => {
  if (priceChanges <= 0) return;
  const burstSeconds = rate > 0 ? changes / rate : 1;
  const gap = (burstSeconds * 1000) / priceChanges;
  for (let n = 0; n < priceChanges; n++) {
    const codigo = codes[codes.length - 1 - n];
    const answer = await call('POST', `${sb}/control/tiny/prices`, { token: seller.token, codigo, preco: '100.90' });
    priceChanged.set(codigo, { at: Date.now(), preco: answer.preco });
    await sleep(gap);
  }
})();

// ---- watch: pending rows, the kill, the end -------------------------------------------------------------------
let maxPending = 0;
let maxRowsPerSku = 0;
let pendingSamples = 0;
let killed = null;
let burstEndedAt = null;
burstDone.then((t) => (burstEndedAt = t));
let lastDeliveriesCheck = 0;
let sandboxPending = null;
let quietSince = null;
const okWrites = () => writes.filter((w) => w.status === 200).length;
for (;;) {
  const [p] = await q(`SELECT count(*)::int AS n, (SELECT coalesce(max(c), 0)::int FROM (SELECT count(*) AS c FROM "${schema}".stock_pending GROUP BY connection_id, sku) x) AS per_sku FROM "${schema}".stock_pending WHERE connection_id = $1`, [connection.id]).catch(() => [{ n: null, per_sku: 0 }]);
  if (p.n !== null) {
    pendingSamples++;
    maxPending = Math.max(maxPending, p.n);
    maxRowsPerSku = Math.max(maxRowsPerSku, p.per_sku);
  }
  if (kill && !killed && okWrites() >= Math.max(1, Math.ceil(changedSkus / 3))) {
    procs.catalog.kill('SIGKILL');
    killed = { at: Date.now(), changesSent: sent, acceptedWrites: okWrites() };
    procs.catalog = startCatalog();
    log(`catalog killed (kill -9) after ${killed.acceptedWrites} accepted writes, ${sent} changes sent; restarted`);
  }
  if (burstEndedAt && Date.now() - lastDeliveriesCheck > 3000) {
    lastDeliveriesCheck = Date.now();
    sandboxPending = (await call('GET', `${sb}/control/tiny/webhooks/deliveries?token=${encodeURIComponent(seller.token)}&kind=estoque`)).pending;
    const consumer = await jsm.consumers.info('TINY_NOTIFICATIONS', 'catalog-stock').catch(() => null);
    const inConsumer = consumer ? consumer.num_pending + consumer.num_ack_pending : 1;
    const [pp] = priceChanges > 0 ? await q(`SELECT count(*)::int AS n FROM "${schema}".price_pending WHERE connection_id = $1`, [connection.id]).catch(() => [{ n: 1 }]) : [{ n: 0 }];
    const pricesOut = priceChanges > 0 && (priceChanged.size < priceChanges || pp.n > 0);
    const quiet = sandboxPending === 0 && inConsumer === 0 && p.n === 0 && !pricesOut;
    quietSince = quiet ? (quietSince ?? Date.now()) : null;
    log(`sent ${sent}/${changes}, sandbox pending ${sandboxPending}, in catalog's consumer ${inConsumer}, pending rows ${p.n}, accepted writes ${okWrites()}`);
    // Twice in a row quiet (3 s apart): nothing in flight anywhere.
    if (quietSince && Date.now() - quietSince >= 2500) break;
  }
  if (Date.now() - started > timeoutS * 1000) {
    log('timeout');
    break;
  }
  await sleep(500);
}
const drainedAt = Date.now();
await pricesDone;
const timedOut = drainedAt - started > timeoutS * 1000;
stopSampling();

// ---- results --------------------------------------------------------------------------------------------------
const stats = await call('GET', `${sb}/control/calls`);
const activeFaults = await call('GET', `${sb}/control/faults`);
const injected429 = activeFaults.filter((f) => f.account === seller.key && f.httpStatus === 429).reduce((s, f) => s + f.applied, 0);
const injected503 = activeFaults.filter((f) => f.account === seller.key && f.httpStatus === 503).reduce((s, f) => s + f.applied, 0);
const tinyAcc = stats.tiny[seller.token] ?? { calls: 0, blocks: 0, endpoints: {} };
const iderisAcc = stats.ideris[seller.key] ?? Object.values(stats.ideris).find((a) => a.calls > 0) ?? { calls: 0, blocks: 0, endpoints: {} };

// Ideris's final quantities, read from the sandbox directly with the limit lifted (not through the hub's budget).
await call('POST', `${sb}/control/ideris/accounts`, { privateKey: seller.key, limitPerMinute: 1_000_000 });
const jwt = await call('POST', `${sb}/ideris/login`, seller.key);
const iderisNow = new Map();
for (let offset = 0; ; offset += 50) {
  const page = await call('GET', `${sb}/ideris/sku/search?limit=50&offset=${offset}`, undefined, { authorization: `Bearer ${jwt}` });
  for (const s of page.obj) iderisNow.set(s.sku, s.stocks?.[0]?.currentStock ?? null);
  if (page.obj.length < 50) break;
}
const tinyState = await call('GET', `${sb}/control/tiny/state?token=${encodeURIComponent(seller.token)}`);
const tinyByCode = new Map(tinyState.products.map((p) => [p.codigo, p]));
const tinyAvailable = (p) => p.depositos.filter((d) => !d.desconsiderar).reduce((s, d) => s + Number(d.saldo), 0) - Number(p.saldoReservado ?? 0);

// When the hub first held each change: the sandbox's deliveries in creation order are the burst's changes (a
// duplicate follows its original); the first answered 200 marks the gateway having stored it.
const deliveries = await call('GET', `${sb}/control/tiny/webhooks/deliveries?token=${encodeURIComponent(seller.token)}&kind=estoque`);
const storedAt = new Map();
for (const a of deliveries.attempts) if (a.status === 200) storedAt.set(a.notificationId, Math.min(storedAt.get(a.notificationId) ?? Infinity, Date.parse(a.at) + (a.durationMs ?? 0)));
const knownAt = new Array(burst.length).fill(Infinity);
{
  let k = -1;
  for (const n of [...deliveries.notifications].sort((a, b) => a.id - b.id)) {
    if (!n.duplicate) k++;
    if (k >= 0 && k < burst.length) knownAt[k] = Math.min(knownAt[k], storedAt.get(n.id) ?? Infinity);
  }
}
const deliveryLag = burst.map((_, k) => knownAt[k] - changeAt[k]);

// Every notification the gateway stored: sequence → received time and what it said.
const streamInfo = await jsm.streams.info('TINY_NOTIFICATIONS');
const lastSeq = streamInfo.state.last_seq;
const notices = new Map();
{
  let seq = streamInfo.state.first_seq;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (seq <= lastSeq) {
        const s = seq++;
        const m = await jsm.streams.getMessage('TINY_NOTIFICATIONS', { seq: s }).catch(() => null);
        if (!m) continue;
        const payload = m.json();
        if (payload.connectionId !== connection.id) continue;
        let dados = {};
        try {
          dados = JSON.parse(payload.rawBody).dados ?? {};
        } catch {
          /* unparseable: catalog parks it */
        }
        notices.set(s, { receivedAt: Date.parse(payload.receivedAt), sku: dados.skuMapeamento || dados.sku, saldo: Number(dados.saldo), tipo: dados.tipoEstoque });
      }
    }),
  );
}
// The value the last-stored notification of each SKU carried (what coalescing by stream position ends with).
const lastNotice = new Map();
for (const [, n] of [...notices.entries()].sort((a, b) => a[0] - b[0])) lastNotice.set(n.sku, n);

const index = new Map(codes.map((c, i) => [c, i]));
let mismatches = 0;
let mismatchesFromLastNotice = 0;
let finalBalanceDisagreements = 0;
const mismatchSamples = [];
for (const [i, code] of codes.entries()) {
  const product = tinyByCode.get(code);
  const expected = product ? rule(tinyAvailable(product), 0) : null;
  if (finalBalances[code] !== undefined && finalBalances[code] !== modelFinal[i]) finalBalanceDisagreements++;
  if (product && tinyAvailable(product) !== modelFinal[i] - reserved[i]) finalBalanceDisagreements++;
  const actual = iderisNow.get(code);
  if (actual !== expected) {
    mismatches++;
    const last = lastNotice.get(code);
    // Catalog's rule on what the last-stored notification said (tipo D carries the available balance).
    const lastValue = last && last.tipo === 'D' ? rule(last.saldo, 0) : null;
    if (lastValue !== null && lastValue === actual) mismatchesFromLastNotice++;
    if (mismatchSamples.length < 5) mismatchSamples.push({ sku: code, tiny: expected, ideris: actual, lastStoredNotice: lastValue });
  }
}

// Stale and no-op writes, from the pass-through's record.
const iderisHeld = new Map(codes.map((c, i) => [c, rule(initialSaldo[i], reserved[i])]));
let stale = 0;
let staleAfterNotified = 0;
let noop = 0;
const staleSamples = [];
const valueAt = (tl, t) => {
  let v = tl[0].v;
  for (const e of tl) if (e.t <= t) v = e.v;
  return v;
};
for (const w of writes) {
  if (w.status !== 200) continue;
  if (iderisHeld.get(w.sku) === w.qty) noop++;
  iderisHeld.set(w.sku, w.qty);
  const tl = timeline[index.get(w.sku)];
  if (!tl) continue;
  const from = w.sentAt - 1000;
  const acceptable = new Set([valueAt(tl, from), ...tl.filter((e) => e.t > from && e.t <= w.sentAt).map((e) => e.v)]);
  if (!acceptable.has(w.qty)) {
    stale++;
    // Was the hub told? The newest change (in Tiny's order) the gateway had stored a second before the write:
    // the write is the hub's fault when its value is older than that change.
    const applied = tl.filter((e) => e.t <= w.sentAt);
    const told = applied.filter((e) => e.k >= 0 && knownAt[e.k] <= w.sentAt - 1000).at(-1);
    const hubStale = told !== undefined && !applied.some((e) => e.k >= told.k && e.v === w.qty);
    if (hubStale) staleAfterNotified++;
    const held = applied.findLastIndex((e) => e.v === w.qty);
    const replacedAt = held >= 0 ? tl[held + 1]?.t : undefined;
    // The hub's own stale writes first: they are the ones to explain.
    if (hubStale && staleSamples.filter((x) => x.hubStale).length < 5) staleSamples.unshift({ sku: w.sku, pushed: w.qty, tinyThen: valueAt(tl, w.sentAt), sentAt: new Date(w.sentAt).toISOString(), hubStale });
    else if (staleSamples.length < 5) staleSamples.push({ sku: w.sku, pushed: w.qty, tinyThen: valueAt(tl, w.sentAt), replacedMsBefore: replacedAt === undefined ? null : w.sentAt - replacedAt, hubHadNewerForMs: told ? w.sentAt - knownAt[told.k] : null, hubStale });
  }
}

const journal = await q(`SELECT sku, qty, previous_qty, source_seq::text AS seq, latency_ms, (extract(epoch FROM at) * 1000)::float8 AS at_ms FROM "${schema}".stock_push_log WHERE connection_id = $1 ORDER BY id`, [connection.id]);
const [left] = await q(`SELECT count(*)::int AS n FROM "${schema}".stock_pending WHERE connection_id = $1`, [connection.id]);
const [dupRows] = await q(`SELECT count(*)::int AS n FROM (SELECT 1 FROM "${schema}".stock_pending GROUP BY connection_id, sku HAVING count(*) > 1) x`);
const problems = await q(`SELECT kind, count(*)::int AS n FROM "${schema}".stock_problem WHERE connection_id = $1 GROUP BY kind`, [connection.id]);
const measured = journal.map((r) => r.at_ms - (notices.get(Number(r.seq))?.receivedAt ?? NaN));
const recorded = journal.map((r) => (r.latency_ms === null ? NaN : Number(r.latency_ms)));
const okCount = okWrites();
const stockEp = iderisAcc.endpoints['sku/stock'] ?? { calls: 0, ok: 0, errors: 0, blocks: 0 };
const firstWriteAfterKill = killed ? writes.find((w) => w.sentAt > killed.at && w.status === 200) : undefined;

// Prices: each changed SKU's listing model write, and the time from Tiny's change to Ideris's answer.
let priceResult;
if (priceChanges > 0) {
  const models = new Map();
  for (let offset = 0; ; offset += 50) {
    const page = await call('GET', `${sb}/ideris/listingModel/search?limit=50&offset=${offset}`, undefined, { authorization: `Bearer ${jwt}` });
    for (const m of page.obj) models.set(m.id, m.sku);
    if (page.obj.length < 50) break;
  }
  const firstWrite = new Map();
  for (const w of priceWrites) {
    const sku = models.get(w.listingModelId);
    if (w.status === 200 && sku && !firstWrite.has(sku)) firstWrite.set(sku, w.sentAt);
  }
  const priceLatency = [...priceChanged].map(([sku, c]) => (firstWrite.has(sku) ? firstWrite.get(sku) - c.at : NaN));
  priceResult = {
    changed: priceChanged.size,
    pushed: [...priceChanged.keys()].filter((sku) => firstWrite.has(sku)).length,
    iderisPriceCalls: priceWrites.length,
    tinyChangeToIderisMs: { p50: pct(priceLatency, 0.5), p95: pct(priceLatency, 0.95), max: pct(priceLatency, 1) },
  };
}

// Deleting the connection announces it: no other run's read model keeps a connection whose sandbox is gone.
await call('DELETE', `${gw}/api/v1/connections/${connection.id}`, undefined, auth).catch(() => undefined);
const result = {
  benchmark: 'stock',
  events: changes,
  notificationsStored: notices.size,
  duplicatesDelivered: notices.size - changes,
  skus: skuCount,
  skusTouched: touched.size,
  changedSkus,
  iderisStockCalls: stockEp.calls,
  iderisStockAccepted: okCount,
  callsPerChangedSku: changedSkus ? Math.round((stockEp.calls / changedSkus) * 1000) / 1000 : null,
  // Tiny reads the drain spent on stock (a SKU read alone, and pages of the stock-change queue), per changed SKU.
  tinyStockReads: { single: tinyAcc.endpoints['produto.obter.estoque']?.calls ?? 0, queuePages: tinyAcc.endpoints['lista.atualizacoes.estoque']?.calls ?? 0 },
  tinyReadsPerChangedSku: changedSkus
    ? Math.round((((tinyAcc.endpoints['produto.obter.estoque']?.calls ?? 0) + (tinyAcc.endpoints['lista.atualizacoes.estoque']?.calls ?? 0)) / changedSkus) * 1000) / 1000
    : null,
  acceptedWritesPerChangedSku: changedSkus ? Math.round((okCount / changedSkus) * 1000) / 1000 : null,
  stalePushes: stale,
  stalePushesAfterHubNotified: staleAfterNotified,
  noopPushes: noop,
  mismatches,
  mismatchesEqualToLastStoredNotice: mismatchesFromLastNotice,
  blocks: { ideris: iderisAcc.blocks ?? 0, tiny: tinyAcc.blocks ?? 0, injected: injected429, provokedByHub: (iderisAcc.blocks ?? 0) + (tinyAcc.blocks ?? 0) - injected429 },
  maxPendingEntries: maxPending,
  maxPendingRowsPerSku: maxRowsPerSku,
  pendingSamples,
  pendingLeft: left.n,
  duplicateSkuGroupsAtEnd: dupRows.n,
  latencyMs: {
    notificationToIderis: { pushes: journal.length, p50: pct(measured, 0.5), p95: pct(measured, 0.95), max: pct(measured, 1) },
    tinyChangeToGatewayStored: { p50: pct(deliveryLag, 0.5), p95: pct(deliveryLag, 0.95), max: pct(deliveryLag, 1), undelivered: deliveryLag.filter((x) => !Number.isFinite(x)).length },
    catalogRecorded: { p50: pct(recorded, 0.5), p95: pct(recorded, 0.95), max: pct(recorded, 1) },
  },
  journal: { rows: journal.length, acceptedWritesNotJournaled: okCount - journal.length, previousQtyEqualsQty: journal.filter((r) => r.previous_qty === r.qty).length },
  problems: Object.fromEntries(problems.map((r) => [r.kind, r.n])),
  ideris: { calls: iderisAcc.calls, endpoints: Object.fromEntries(Object.entries(iderisAcc.endpoints).map(([k, v]) => [k, v.calls])), injected: { http503: injected503, http429: injected429 } },
  tiny: { calls: tinyAcc.calls, endpoints: Object.fromEntries(Object.entries(tinyAcc.endpoints).map(([k, v]) => [k, v.calls])) },
  seconds: { burst: burstEndedAt ? Math.round((burstEndedAt - started) / 100) / 10 : null, drain: Math.round((drainedAt - started) / 100) / 10 },
  expectedDrainMinutes,
  timedOut,
  killedCatalog: kill ? (killed ? { atSecond: Math.round((killed.at - started) / 1000), changesSent: killed.changesSent, acceptedWritesBefore: killed.acceptedWrites, firstWriteAfterMs: firstWriteAfterKill ? firstWriteAfterKill.sentAt - killed.at : null } : 'not reached') : false,
  limits: { iderisPerMinute: iderisLimit, tinyPerMinute: tinyLimit },
  settings: { ratePerSecond: rate || 'all at once', duplicateRate, reorderWindowMs: reorderMs, faultRate, injected429: with429, safetyBuffer, tipoEstoque: tipo, seed, stockUpdatesFeed: feed },
  checks: { finalBalanceDisagreements, iderisSkusRead: iderisNow.size },
  samples: { mismatches: mismatchSamples, stale: staleSamples },
  prices: priceResult ?? null,
  memoryIdleMB,
  memoryPeakMB: peaks,
  cpuSeconds,
  cpuSecondsPerPush: perItem(cpuSeconds, okCount),
};
await pool.end();
await nc.close();
proxyServer.close();
if (profiled && procs[profiled]) {
  procs[profiled].kill('SIGTERM');
  await new Promise((done) => procs[profiled].once('exit', done));
  delete procs[profiled];
}
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);

// Benchmark (issue 6's acceptance run): invoices, tracking and order situations between Tiny and Ideris for a peak of
// imported orders, through the running services (sandbox, gateway, orders, fiscal-shipping, status-sync as real
// processes), with duplicated, reordered and early notifications, and optionally a kill -9 of fiscal-shipping and of
// status-sync in the middle. Prints one JSON line. Usage:
//   node tools/bench/fiscal-status.mjs [--orders 500] [--cancellations 50] [--kill 1] [--seed 7]
//        [--tiny-limit 6000] [--ideris-limit 6000] [--duplicates 0.2] [--reorder-ms 300] [--repost 0.15]
//        [--drop-rate 0.03] [--faults 0.05] [--status-poll-ms 2000] [--timeout 420] [--keep 1]
//        [--path ideris_api|notification_urls]
// - `--path` (default ideris_api): how invoices and tracking reach Ideris. `notification_urls` sets the seller's two
//   Ideris notification URLs (the sandbox's receivers) and sends Tiny-format notifications there; the 503 faults then
//   hit those URLs instead of the v3 writes, and `--drop-rate` of the URL posts are processed and their answer cut.
//   Invoices and tracking are then counted from what the URLs journaled: raw posts processed per order
//   (`redeliveries`: byte-identical copies after a lost answer, which the receiver de-duplicates by the payload's key)
//   and facts applied after that de-duplication (`duplicates`).
//
// What the seller and the marketplace do (the sandbox's control API; seeded plan per order):
// - Ideris: a peak of `--orders` orders; the orders service imports them into Tiny. A share of `pedido.incluir` calls
//   is committed and its answer cut (`--drop-rate`), so those orders exist in Tiny seconds before the hub knows it.
// - Tiny: most orders are invoiced the moment they appear in Tiny (so some `nota_fiscal` arrive before the import is
//   known: "early"); the rest stay open. Invoiced orders then go (a) into a Correios PLP, (b) into a coleta of a named
//   transportadora, (c) without a carrier: half get a tracking code typed with a shipping method that is no carrier
//   (`X`) and later a coleta of a transportadora (Tiny notifies it), half go into a coleta with no carrier named and
//   later get one set on the order (Tiny notifies nothing: the hub's own re-check must find it), or (d) stay unshipped. Groupings are concluded (Tiny sends `rastreio`) and the
//   shipped orders are marked `enviado`.
// - Tiny's notifications: `--duplicates` of them delivered twice (byte-identical; the gateway drops those of kinds
//   that name one event), held `--reorder-ms` and sent newest first; at the end `--repost` of the delivered
//   `nota_fiscal`/`rastreio` bodies are posted again re-serialised (a copy the gateway cannot recognise), in reverse.
// - Ideris: `--cancellations` marketplace cancellations, half of orders still open in Tiny, half of invoiced ones.
// - API faults (`--faults`, a share of the calls): Ideris answers 503 to invoice, tracking and status writes, Tiny
//   answers 503 to situation writes.
// - `--kill 1`: fiscal-shipping is killed (SIGKILL) once a third of the invoices reached Ideris, status-sync once a
//   third of the expected Tiny → Ideris status writes did; each is restarted at once.
//
// How it counts: from the sandbox's own journals (`/control/ideris/state` `orderChanges`: what Ideris received
// through its write API, and the marketplace's changes; `/control/tiny/state` `orderChanges`: situation changes by
// the API or the seller, markers), never from the hub's tables. Two things only the hub knows are read through the
// gateway's admin API, as an operator would: the waiting reason shown for tracking without a carrier, and the
// "needs attention" list. `early` compares the gateway's 200 for a `nota_fiscal` with the orders service's import
// commit (an input measure, not an outcome).
// - invoices: per invoiced order, Ideris invoice writes: 1 = sent, n > 1 = n − 1 duplicates, 0 = lost.
// - tracking: the same for orders whose grouping with a carrier was concluded; markers = those orders carrying the
//   marker in Tiny. Without a carrier: how many showed "no-carrier" in the admin API, then got tracking once.
// - status writes per side: Tiny → Ideris = Ideris status changes by the API; Ideris → Tiny = Tiny situation
//   changes by the API. An echo is a write no change by the other side's owner explains: an Ideris status the
//   seller's Tiny situations never mapped to, a Tiny situation no marketplace change mapped to. Backwards: a write
//   to an earlier situation (or any write to an order the marketplace cancelled).
import { rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensurePostgres, privateNatsForTests } from '../infra.mjs';
import { argOf, call, freePort, numberArg, perItem, privateDist, seeded, trackProcesses, waitOk } from './bench-kit.mjs';

const arg = numberArg;
const total = arg('orders', 500);
const cancellations = Math.min(arg('cancellations', 50), Math.floor(total / 4));
const kill = arg('kill', 0) === 1;
const seed = arg('seed', 7);
const tinyLimit = arg('tiny-limit', 6000);
const iderisLimit = arg('ideris-limit', 6000);
const duplicateRate = arg('duplicates', 0.2);
const reorderMs = arg('reorder-ms', 300);
const repostRate = arg('repost', 0.15);
const dropRate = arg('drop-rate', 0.03);
const faultRate = arg('faults', 0.05);
const statusPollMs = arg('status-poll-ms', 2000);
const timeoutS = arg('timeout', 420);
const keep = arg('keep', 0) === 1;
const path = argOf('path') ?? 'ideris_api';
if (!['ideris_api', 'notification_urls'].includes(path)) throw new Error('--path must be ideris_api or notification_urls');
const viaUrls = path === 'notification_urls';

const log = (msg) => process.stderr.write(`[fiscal-bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MARKER = 'Rastreio enviado ao Ideris';
const CANCELLED = 1012;

// ---- the plan, seeded: what happens to each order of the peak (by its position) -----------------------------
const random = seeded(seed);
const shuffled = (n) => {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};
const cancelOpen = Math.ceil(cancellations / 2);
const cancelInvoiced = cancellations - cancelOpen;
/** Per position: open | plp | coleta | nocarrier | unshipped; and whether the marketplace cancels it. */
const plan = new Array(total);
{
  const order = shuffled(total);
  const openCount = Math.max(cancelOpen * 2, Math.round(total * 0.1));
  const invoiced = total - openCount;
  const counts = { plp: Math.round(invoiced * 0.5), coleta: Math.round(invoiced * 0.2), nocarrier: Math.round(invoiced * 0.1) };
  let k = 0;
  for (const [group, n] of [['open', openCount], ['plp', counts.plp], ['coleta', counts.coleta], ['nocarrier', counts.nocarrier]]) {
    for (let i = 0; i < n; i++) plan[order[k++]] = { group, cancel: false };
  }
  while (k < total) plan[order[k++]] = { group: 'unshipped', cancel: false };
  // Without a carrier: a tracking code typed with method X, or a coleta generated with no carrier named.
  plan.filter((p) => p.group === 'nocarrier').forEach((p, i) => (p.variant = i % 2 === 0 ? 'typed' : 'coleta'));
  const pick = (group, n) => plan.filter((p) => p.group === group).slice(0, n).forEach((p) => (p.cancel = true));
  pick('open', cancelOpen);
  pick('unshipped', cancelInvoiced);
}

// ---- processes ------------------------------------------------------------------------------------------------
const { run, distCopy, startApp } = privateDist('fiscal');

const [db, nats] = await Promise.all([ensurePostgres('test'), privateNatsForTests()]);
const ports = { gateway: await freePort(), sandbox: await freePort(), orders: await freePort(), fiscal: await freePort(), status: await freePort() };
const secrets = { HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'), ADMIN_API_KEYS: `bench-${randomBytes(12).toString('hex')}` };
const common = { DATABASE_URL: db.url, NATS_URL: nats.url, ...secrets };
const schemas = { gateway: `bench_gw_${run}`, orders: `bench_orders_${run}`, fiscal: `bench_fiscal_${run}`, status: `bench_status_${run}` };
const starters = {
  sandbox: () => startApp('sandbox', { PORT: String(ports.sandbox), LOG_LEVEL: 'silent' }),
  gateway: () => startApp('gateway', { ...common, PORT: String(ports.gateway), DB_SCHEMA: schemas.gateway, PUBLIC_BASE_URL: `http://127.0.0.1:${ports.gateway}` }),
  orders: () => startApp('orders', { ...common, PORT: String(ports.orders), DB_SCHEMA: schemas.orders }),
  // The sandbox's receiving URLs are on 127.0.0.1.
  'fiscal-shipping': () => startApp('fiscal-shipping', { ...common, PORT: String(ports.fiscal), DB_SCHEMA: schemas.fiscal, IDERIS_URLS_ALLOW_PRIVATE: 'true' }),
  'status-sync': () => startApp('status-sync', { ...common, PORT: String(ports.status), DB_SCHEMA: schemas.status, STATUS_POLL_INTERVAL_MS: String(statusPollMs) }),
};
const { procs, peaks, cpuSeconds, memoryIdleMB, measureIdle, stopSampling } = trackProcesses(() => {
  nats.stop?.();
  rmSync(distCopy, { recursive: true, force: true });
});
for (const [name, start] of Object.entries(starters)) procs[name] = start();

const sb = `http://127.0.0.1:${ports.sandbox}`;
const gw = `http://127.0.0.1:${ports.gateway}`;
/** Runs `fn` over `items`, `n` at a time. */
const inPool = async (items, n, fn) => {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
};
const readyUrls = [`${gw}/health/ready`, `${sb}/health/live`, ...[ports.orders, ports.fiscal, ports.status].map((p) => `http://127.0.0.1:${p}/health/ready`)];
await Promise.all(readyUrls.map((u) => waitOk(u, 60_000)));

const seller = { token: `bench-tiny-${run}`, key: randomBytes(48).toString('hex'), cnpj: '12345678000195', idEcommerce: 4321 };
const tokenQ = `token=${encodeURIComponent(seller.token)}`;
await call('POST', `${sb}/control/tiny/accounts`, { token: seller.token, cnpj: seller.cnpj, limitPerMinute: tinyLimit });
await call('POST', `${sb}/control/ideris/accounts`, { privateKey: seller.key, limitPerMinute: iderisLimit });
const auth = { authorization: `Bearer ${secrets.ADMIN_API_KEYS}` };
// Both URLs are set on both paths: the setting alone chooses, so the v3 run also shows nothing goes to the URLs.
const receivers = await call('POST', `${sb}/control/ideris/notification-urls`, { privateKey: seller.key });
const connection = await call('POST', `${gw}/api/v1/connections`, {
  name: `bench fiscal ${run}`, tinyToken: seller.token, iderisPrivateKey: seller.key, cnpj: seller.cnpj, tinyIntegrationId: seller.idEcommerce,
  tinyBaseUrl: `${sb}/tiny/api2`, iderisBaseUrl: `${sb}/ideris`, iderisInvoiceUrl: receivers.invoiceUrl, iderisTrackingUrl: receivers.trackingUrl,
  settings: { tinyCallsPerMinute: tinyLimit, iderisCallsPerMinute: iderisLimit, invoiceTrackingPath: path, newMarketplaceAccounts: 'import' },
}, auth);
await call('POST', `${gw}/api/v1/connections/${connection.id}/activate`, undefined, auth);
const admin = (path) => call('GET', `${gw}/api/v1/connections/${connection.id}${path}`, undefined, auth);
const pool = new pg.Pool({ connectionString: db.url, max: 3 });
const q = async (text, params = []) => (await pool.query(text, params)).rows;
for (const schema of [schemas.orders, schemas.fiscal, schemas.status]) {
  const deadline = Date.now() + 30_000;
  while ((await q(`SELECT 1 FROM "${schema}".connection_view WHERE id = $1 AND situation = 'active'`, [connection.id]).catch(() => [])).length === 0) {
    if (Date.now() > deadline) throw new Error(`${schema} never saw the connection active`);
    await sleep(200);
  }
}
await call('POST', `${sb}/control/tiny/webhooks/settings`, { timeScale: 0.001, concurrency: 4 });
const urls = connection.webhookUrls;
await call('POST', `${sb}/control/tiny/webhooks`, {
  token: seller.token, idEcommerce: seller.idEcommerce,
  urls: { nota_fiscal: urls.nota_fiscal, rastreio: urls.rastreio, situacao_pedido: urls.situacao_pedido, atualizacao_pedido: urls.atualizacao_pedido },
});
await call('POST', `${sb}/control/tiny/webhooks/faults`, { token: seller.token, duplicateRate, reorderWindowMs: reorderMs, seed });
// The stack idles with the connection active before the peak: what each process holds then.
await measureIdle();
const dropped = Math.round(total * dropRate);
if (dropped > 0) {
  await call('POST', `${sb}/control/faults`, { system: 'tiny', account: seller.token, endpoint: 'pedido.incluir', commitThenDrop: true, times: dropped, skip: 5, every: Math.max(2, Math.floor(total / dropped)) });
}
if (faultRate > 0) {
  const every = Math.max(2, Math.round(1 / faultRate));
  const writes = viaUrls ? ['notifications/nota-fiscal', 'notifications/rastreio'] : ['order/invoice', 'order/tracking'];
  for (const endpoint of [...writes, 'put order']) {
    await call('POST', `${sb}/control/faults`, { system: 'ideris', account: seller.key, endpoint, httpStatus: 503, skip: 3, every });
  }
  await call('POST', `${sb}/control/faults`, { system: 'tiny', account: seller.token, endpoint: 'pedido.alterar.situacao', httpStatus: 503, skip: 1, every: Math.max(2, Math.round(every / 4)) });
}
if (viaUrls && dropped > 0) {
  // A URL post processed by Ideris whose answer never reaches the hub: it cannot read back, so it posts again.
  for (const endpoint of ['notifications/nota-fiscal', 'notifications/rastreio']) {
    await call('POST', `${sb}/control/faults`, { system: 'ideris', account: seller.key, endpoint, commitThenDrop: true, times: dropped, skip: 7, every: Math.max(2, Math.floor(total / dropped)) });
  }
}
const statusMap = (await admin('/status-map')).map;
log(`services up (run ${run}); ${total} orders, ${cancellations} cancellations, kill ${kill}`);

// ---- the run --------------------------------------------------------------------------------------------------
const started = Date.now();
const peak = await call('POST', `${sb}/control/ideris/orders/peak`, { privateKey: seller.key, orders: total, accounts: 3, spreadSeconds: 0, nullSkuRate: 0, seed });
/** Ideris id → {index, plan, code, tinyId, events…}. */
const orders = new Map();
for (let id = peak.firstId; id <= peak.lastId; id++) orders.set(id, { id, index: id - peak.firstId, ...plan[id - peak.firstId], code: `2000${id}` });
const byCode = new Map([...orders.values()].map((o) => [o.code, o]));
const tinyState = () => call('GET', `${sb}/control/tiny/state?${tokenQ}`);
const iderisState = () => call('GET', `${sb}/control/ideris/state?privateKey=${seller.key}`);
const tinyScript = async (script, fields) => {
  const res = await fetch(`${sb}/tiny/api2/${script}`, { method: 'POST', body: new URLSearchParams({ token: seller.token, formato: 'json', ...fields }) });
  const body = await res.json();
  if (body.retorno?.status !== 'OK') throw new Error(`${script}: ${JSON.stringify(body.retorno).slice(0, 300)}`);
  return body.retorno;
};
const seller$ = {
  invoice: (o) => call('POST', `${sb}/control/tiny/orders/${o.tinyId}/invoice`, { token: seller.token }),
  situation: (o, situacao) => call('POST', `${sb}/control/tiny/orders/${o.tinyId}/situation`, { token: seller.token, situacao }),
  group: (list, formaEnvio, transportadora) => call('POST', `${sb}/control/tiny/groupings`, { token: seller.token, orderIds: list.map((o) => Number(o.tinyId)), formaEnvio, transportadora }),
  conclude: (grouping) => call('POST', `${sb}/control/tiny/groupings/${grouping.id}/conclude`, { token: seller.token }),
  trackingWithoutCarrier: (o) => tinyScript('cadastrar.codigo.rastreamento.pedido', { id: o.tinyId, codigoRastreamento: `MANUAL${o.id}`, formaEnvio: 'X' }),
  setCarrier: (o, transportadora) => call('POST', `${sb}/control/tiny/orders/${o.tinyId}/carrier`, { token: seller.token, transportadora }),
  cancelInIderis: (o) => call('POST', `${sb}/control/ideris/orders/${o.id}/status`, { privateKey: seller.key, statusId: CANCELLED }),
};
const counts = { invoicesIssued: 0, trackingWithoutCarrierCalls: 0, kills: 0 };
const kills = [];
const problems = [];
const list = (fn) => [...orders.values()].filter(fn);
/** Work that runs alongside the loop: a failure is recorded (and reported), never an unhandled rejection. */
const track = (promise, what) =>
  promise.catch((error) => {
    problems.push(`${what}: ${error.message}`);
    log(`${what} failed: ${error.message}`);
  });

/** Ships a batch: a grouping (PLP or coleta), concluded, then (when it has a carrier) the orders marked `enviado`. */
async function ship(batch, formaEnvio, transportadora) {
  const grouping = await seller$.group(batch, formaEnvio, transportadora);
  batch.forEach((o) => (o.groupedAt = Date.now()));
  await sleep(300 + Math.floor(random() * 700));
  await seller$.conclude(grouping);
  batch.forEach((o) => (o.concludedAt = Date.now()));
  await sleep(200);
  if (formaEnvio === 'T' && !transportadora) return;
  await markShipped(batch);
}

const markShipped = (batch) =>
  inPool(batch, 4, async (o) => {
    await seller$.situation(o, 'enviado');
    o.shippedAt = Date.now();
  });

async function killAndRestart(name) {
  procs[name].kill('SIGKILL');
  kills.push({ service: name, atSecond: Math.round((Date.now() - started) / 1000) });
  counts.kills++;
  procs[name] = starters[name]();
  log(`${name} killed (kill -9) and restarted`);
}

const ideris = { invoices: 0, statusWrites: 0 };
let importDone = false;
let cancelsDone = false;
let carriersDone = false;
let repostDone = false;
const shippingQueue = { plp: [], coleta: [], nocarrier: [] };
const shippingWork = [];
const background = [];

// The seller's loop: react to what Tiny holds (new orders, invoices issued), ship in batches.
while (!importDone) {
  const fresh = [];
  for (const t of (await tinyState()).orders) {
    const o = byCode.get(t.numeroEcommerce);
    if (o && !o.tinyId) {
      o.tinyId = String(t.id);
      o.seenInTinyAt = Date.now();
      fresh.push(o);
    }
  }
  await inPool(fresh.filter((o) => o.group !== 'open'), 4, async (o) => {
    await seller$.invoice(o);
    o.invoicedAt = Date.now();
    counts.invoicesIssued++;
    if (o.group === 'plp' || o.group === 'coleta' || o.variant === 'coleta') shippingQueue[o.group].push(o);
  });
  for (const o of fresh.filter((x) => x.variant === 'typed')) {
    shippingWork.push(track(seller$.trackingWithoutCarrier(o).then(() => { o.trackingWithoutCarrierAt = Date.now(); counts.trackingWithoutCarrierCalls++; }), `tracking without carrier ${o.id}`));
  }
  importDone = list((o) => o.tinyId).length === total;
  for (const [group, formaEnvio, carrier] of [['plp', 'C', undefined], ['coleta', 'T', 'Braspress'], ['nocarrier', 'T', undefined]]) {
    if (shippingQueue[group].length >= 25 || (importDone && shippingQueue[group].length > 0)) shippingWork.push(track(ship(shippingQueue[group].splice(0), formaEnvio, carrier), `${group} shipment`));
  }
  if (kill) await maybeKill();
  if (Date.now() - started > timeoutS * 1000) break;
  if (!importDone) await sleep(400);
}
log(`all ${list((o) => o.tinyId).length} orders in Tiny, ${counts.invoicesIssued} invoiced (${Math.round((Date.now() - started) / 1000)} s)`);

// The marketplace cancels: half open orders, half invoiced ones (never shipped), one every 150 ms.
background.push(track((async () => {
  for (const o of list((x) => x.cancel && x.tinyId)) {
    await seller$.cancelInIderis(o);
    o.cancelledAt = Date.now();
    await sleep(150);
  }
  cancelsDone = true;
})(), 'cancellations'));

// Tracking without a carrier: once the hub shows why an order waits, the seller gives it a carrier — a coleta of a
// transportadora (Tiny notifies it), or the carrier set on the order whose coleta had none (no notification).
background.push(track((async () => {
  await Promise.all(shippingWork.splice(0));
  const waiting = list((o) => o.group === 'nocarrier' && (o.trackingWithoutCarrierAt || o.concludedAt));
  const typedReady = [];
  const deadline = Date.now() + 90_000;
  const giveCarriers = async (final) => {
    if (typedReady.length >= 10 || (final && typedReady.length > 0)) {
      const batch = typedReady.splice(0);
      batch.forEach((o) => (o.carrierSetAt = Date.now()));
      await ship(batch, 'T', 'Jadlog');
    }
  };
  while (Date.now() < deadline && waiting.some((o) => !o.carrierSetAt)) {
    await inPool(waiting.filter((o) => !o.shownWaiting), 8, async (o) => {
      const view = await admin(`/fiscal/orders/${o.id}`).catch(() => undefined);
      if (view?.tracking?.state !== 'waiting' || view.tracking.reasonCode !== 'no-carrier') return;
      o.shownWaiting = { reason: view.tracking.reason, at: Date.now() };
      if (o.variant === 'typed') {
        typedReady.push(o);
        return;
      }
      o.carrierSetAt = Date.now();
      await seller$.setCarrier(o, 'Jadlog');
      await markShipped([o]);
    });
    await giveCarriers(waiting.every((o) => o.shownWaiting));
    await sleep(1000);
  }
  // Past the deadline, the ones never shown waiting still get their carrier (they count as not shown).
  for (const o of waiting.filter((x) => !x.carrierSetAt)) {
    if (o.variant === 'typed') typedReady.push(o);
    else {
      o.carrierSetAt = Date.now();
      await seller$.setCarrier(o, 'Jadlog');
      await markShipped([o]);
    }
  }
  await giveCarriers(true);
  carriersDone = true;
})(), 'carriers set later'));

// Tiny re-sends some notifications as new copies (different bytes), late and in reverse order.
background.push(track((async () => {
  while (!(carriersDone && shippingWork.length === 0)) await sleep(500);
  await Promise.all(shippingWork.splice(0));
  await sleep(2000);
  const picked = [];
  for (const kind of ['nota_fiscal', 'rastreio']) {
    const deliveries = await call('GET', `${sb}/control/tiny/webhooks/deliveries?${tokenQ}&kind=${kind}`);
    const delivered = deliveries.attempts.filter((a) => a.status === 200 && !a.duplicate);
    for (const a of delivered) if (random() < repostRate) picked.push(a);
  }
  picked.reverse();
  await inPool(picked, 4, async (a) => {
    const res = await fetch(urls[a.kind], { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(a.body, null, 1) });
    if (res.status !== 200) throw new Error(`re-post ${a.kind}: ${res.status}`);
  });
  counts.reposted = picked.length;
  repostDone = true;
})(), 're-posted copies'));

async function maybeKill() {
  if (!kill || (kills.some((k) => k.service === 'fiscal-shipping') && kills.some((k) => k.service === 'status-sync'))) return;
  const state = await iderisState();
  ideris.invoices = state.orderChanges.filter((c) => c.kind === 'invoice').length;
  ideris.statusWrites = state.orderChanges.filter((c) => c.kind === 'status' && c.by === 'api' && !c.refused).length;
  const invoiced = total - list((o) => o.group === 'open').length;
  if (!kills.some((k) => k.service === 'fiscal-shipping') && ideris.invoices >= invoiced / 3) await killAndRestart('fiscal-shipping');
  // Tiny → Ideris writes expected: one per invoiced order (Faturado), one more per shipped order (Expedição).
  const expectedStatusWrites = invoiced + list((o) => ['plp', 'coleta', 'nocarrier'].includes(o.group)).length;
  if (!kills.some((k) => k.service === 'status-sync') && ideris.statusWrites >= expectedStatusWrites / 3) await killAndRestart('status-sync');
}

/**
 * Orders the marketplace left alone whose Ideris status is not what their Tiny situation maps to: a Tiny → Ideris
 * status write that never happened (an unmapped situation leaves Ideris at "Aberto").
 */
function statusesMissingInIderis(ideState, tiny) {
  const situationOf = new Map(tiny.orders.map((t) => [String(t.id), t.situacao]));
  const touchedByMarketplace = new Set(ideState.orderChanges.filter((c) => c.by === 'marketplace').map((c) => c.orderId));
  return ideState.orders
    .filter((order) => orders.get(order.id)?.tinyId && !touchedByMarketplace.has(order.id))
    .map((order) => {
      const situation = situationOf.get(orders.get(order.id).tinyId);
      return { orderId: order.id, tinySituation: situation, iderisStatus: order.statusId, expected: statusMap.tinyToIderis[situation] ?? 1007 };
    })
    .filter((m) => m.iderisStatus !== m.expected);
}

// ---- drain: until every expected outcome is visible in the sandbox and nothing moves, or the timeout ----------
const expected = {
  invoices: list((o) => o.group !== 'open').length,
  tracking: list((o) => ['plp', 'coleta', 'nocarrier'].includes(o.group)).length,
  cancelledInTiny: list((o) => o.group === 'open' && o.cancel).length,
  needsAttention: list((o) => o.group !== 'open' && o.cancel).length,
};
let quietSince = null;
let lastSignature = '';
let timedOut = false;
for (;;) {
  if (kill) await maybeKill();
  const [ideState, tiny, pending] = await Promise.all([iderisState(), tinyState(), call('GET', `${sb}/control/tiny/webhooks/deliveries?${tokenQ}`).then((d) => d.pending)]);
  const writes = ideState.orderChanges.filter((c) => c.by === 'api');
  const withInvoice = new Set(writes.filter((c) => c.kind === 'invoice').map((c) => c.orderId)).size;
  const withTracking = new Set(writes.filter((c) => c.kind === 'tracking').map((c) => c.orderId)).size;
  const tinyById = new Map(tiny.orders.map((t) => [String(t.id), t]));
  const cancelledInTiny = list((o) => o.group === 'open' && o.cancel && tinyById.get(o.tinyId)?.situacao === 'cancelado').length;
  const marked = list((o) => (tinyById.get(o.tinyId)?.marcadores ?? []).includes(MARKER)).length;
  const attention = (await admin('/status/orders?needsAttention=true&limit=1').catch(() => ({ needsAttention: -1 }))).needsAttention;
  const signature = `${ideState.orderChanges.length}/${tiny.orderChanges.length}/${pending}`;
  const statusesMissing = statusesMissingInIderis(ideState, tiny).length;
  const done = importDone && cancelsDone && carriersDone && repostDone && pending === 0 && withInvoice >= expected.invoices && withTracking >= expected.tracking && marked >= expected.tracking && cancelledInTiny >= expected.cancelledInTiny && attention >= expected.needsAttention && statusesMissing === 0;
  quietSince = signature === lastSignature ? (quietSince ?? Date.now()) : null;
  lastSignature = signature;
  log(`invoices ${withInvoice}/${expected.invoices}, tracking ${withTracking}/${expected.tracking}, markers ${marked}, cancelled in Tiny ${cancelledInTiny}/${expected.cancelledInTiny}, needs attention ${attention}/${expected.needsAttention}, Ideris statuses behind Tiny ${statusesMissing}, notifications pending ${pending}`);
  // Done and quiet for 5 s (a late duplicate would show as a new journal entry); otherwise, the timeout reports what is missing.
  if (done && quietSince && Date.now() - quietSince >= 5000) break;
  if (Date.now() - started > timeoutS * 1000) {
    timedOut = true;
    log('timeout');
    break;
  }
  await sleep(1000);
}
await Promise.allSettled(background);
const seconds = (Date.now() - started) / 1000;
stopSampling();

// ---- results, from the sandbox's journals ---------------------------------------------------------------------
const [ideFinal, tinyFinal, callStats] = await Promise.all([iderisState(), tinyState(), call('GET', `${sb}/control/calls`)]);
const tinyOrders = new Map(tinyFinal.orders.map((t) => [String(t.id), t]));
const byIderis = (kind, by) => {
  const m = new Map();
  for (const c of ideFinal.orderChanges) if (c.kind === kind && (!by || c.by === by)) m.set(c.orderId, [...(m.get(c.orderId) ?? []), c]);
  return m;
};
const journal = await call('GET', `${sb}/control/ideris/notifications?privateKey=${seller.key}`);
/** Processed URL posts per Ideris order, as `{at, value, dedupKey, repeat, sameAsFirst}` like the v3 journal's entries. */
const byReceiver = (kind) => {
  const m = new Map();
  for (const r of journal.receipts) {
    if (r.kind !== kind || !r.processed) continue;
    const value = kind === 'nota_fiscal' ? r.body.dados.chaveAcesso : r.body.dados.codigoRastreio;
    m.set(r.orderId, [...(m.get(r.orderId) ?? []), { at: r.at, value, dedupKey: r.dedupKey, repeat: r.repeat, sameAsFirst: r.sameAsFirst, answered: r.answered }]);
  }
  return m;
};
/** After de-duplication by the payload's key: what the receiver applied. */
const applied = (m) => new Map([...m].map(([id, list]) => [id, list.filter((c) => !c.repeat)]));
const rawInvoiceWrites = viaUrls ? byReceiver('nota_fiscal') : byIderis('invoice', 'api');
const rawTrackingWrites = viaUrls ? byReceiver('rastreio') : byIderis('tracking', 'api');
const invoiceWrites = viaUrls ? applied(rawInvoiceWrites) : rawInvoiceWrites;
const trackingWrites = viaUrls ? applied(rawTrackingWrites) : rawTrackingWrites;
const redeliveries = (m) => ({
  redeliveries: [...m.values()].reduce((n, list) => n + list.filter((c) => c.repeat).length, 0),
  redeliveriesDiffering: [...m.values()].reduce((n, list) => n + list.filter((c) => c.repeat && c.sameAsFirst === false).length, 0),
  answersDropped: [...m.values()].reduce((n, list) => n + list.filter((c) => c.answered === 'dropped').length, 0),
});
const tinyMarkers = tinyFinal.orderChanges.filter((c) => c.kind === 'marker');
/** A marker left in Tiny before Ideris had accepted the order's tracking (the first accepted write or URL post). */
const markersBeforeAcceptance = tinyMarkers.filter((m) => {
  const o = byTinyOrder$(String(m.orderId));
  const accepted = o ? (rawTrackingWrites.get(o.id) ?? []).filter((c) => c.answered !== 'dropped').map((c) => Date.parse(c.at)) : [];
  return accepted.length === 0 || Date.parse(m.at) < Math.min(...accepted);
}).length;
function byTinyOrder$(tinyId) {
  return [...orders.values()].find((o) => o.tinyId === tinyId);
}
const once = (writes, ids) => ({
  sent: ids.filter((id) => (writes.get(id)?.length ?? 0) >= 1).length,
  duplicates: ids.reduce((n, id) => n + Math.max(0, (writes.get(id)?.length ?? 0) - 1), 0),
  lost: ids.filter((id) => !writes.has(id)).length,
});
const invoicedIds = list((o) => o.group !== 'open').map((o) => o.id);
const invoiceKeys = new Map(tinyFinal.invoices.map((inv) => [String(inv.idVenda), inv.chaveAcesso]));
const invoices = {
  ...once(invoiceWrites, invoicedIds),
  wrongKey: invoicedIds.filter((id) => (invoiceWrites.get(id) ?? []).some((c) => c.value !== invoiceKeys.get(orders.get(id).tinyId))).length,
  unexpected: [...invoiceWrites.keys()].filter((id) => orders.get(id)?.group === 'open' || !orders.has(id)).length,
  ...(viaUrls ? redeliveries(rawInvoiceWrites) : {}),
};
const trackedIds = list((o) => ['plp', 'coleta', 'nocarrier'].includes(o.group)).map((o) => o.id);
const tracking = {
  ...once(trackingWrites, trackedIds),
  markers: trackedIds.filter((id) => (tinyOrders.get(orders.get(id).tinyId)?.marcadores ?? []).includes(MARKER)).length,
  markerCalls: tinyFinal.orderChanges.filter((c) => c.kind === 'marker').length,
  unexpected: [...trackingWrites.keys()].filter((id) => !trackedIds.includes(id)).length,
  wrongCode: trackedIds.filter((id) => (trackingWrites.get(id) ?? []).some((c) => c.value !== tinyOrders.get(orders.get(id).tinyId)?.codigoRastreamento)).length,
  markersBeforeAcceptance,
  ...(viaUrls ? redeliveries(rawTrackingWrites) : {}),
};
const withoutCarrier = (orders$) => ({
  orders: orders$.length,
  shownWaitingWithReason: orders$.filter((o) => o.shownWaiting).length,
  sentBeforeCarrier: orders$.filter((o) => (trackingWrites.get(o.id) ?? []).some((c) => !o.carrierSetAt || Date.parse(c.at) < o.carrierSetAt)).length,
  thenSentOnce: orders$.filter((o) => o.shownWaiting && (trackingWrites.get(o.id) ?? []).length === 1 && Date.parse(trackingWrites.get(o.id)[0].at) >= o.carrierSetAt).length,
});
const noCarrier = list((o) => o.group === 'nocarrier');
const waitingWithoutCarrier = {
  ...withoutCarrier(noCarrier),
  typedTrackingThenColeta: withoutCarrier(noCarrier.filter((o) => o.variant === 'typed')),
  coletaThenCarrierSet: withoutCarrier(noCarrier.filter((o) => o.variant === 'coleta')),
  reasons: [...new Set(noCarrier.filter((o) => o.shownWaiting).map((o) => o.shownWaiting.reason))],
};

// Status writes, echoes, backward moves.
const RANK = { aberto: 0, aprovado: 1, preparando_envio: 2, faturado: 3, pronto_envio: 4, enviado: 5, entregue: 6, nao_entregue: 6, cancelado: 7 };
const tinyToIderis = statusMap.tinyToIderis;
const iderisToTiny = statusMap.iderisToTiny;
/** An Ideris status's place in Tiny's progression: the furthest situation that maps to it. */
const iderisRank = (statusId) => Math.max(-1, ...Object.entries(tinyToIderis).filter(([, id]) => String(id) === String(statusId)).map(([s]) => RANK[s]));
const byTinyOrder = new Map([...orders.values()].filter((o) => o.tinyId).map((o) => [o.tinyId, o]));
const sellerChanges = tinyFinal.orderChanges.filter((c) => c.kind === 'situation' && c.by === 'seller');
const hubTinyWrites = tinyFinal.orderChanges.filter((c) => c.kind === 'situation' && c.by === 'api');
const marketplaceChanges = ideFinal.orderChanges.filter((c) => c.kind === 'status' && c.by === 'marketplace');
const hubIderisWrites = ideFinal.orderChanges.filter((c) => c.kind === 'status' && c.by === 'api' && !c.refused);
/** Status writes Ideris refused (the marketplace had cancelled the order): attempts, judged for echoes too. */
const refusedIderisWrites = ideFinal.orderChanges.filter((c) => c.kind === 'status' && c.by === 'api' && c.refused);
const echoSamples = [];
const echoesToIderis = [...hubIderisWrites, ...refusedIderisWrites].filter((w) => {
  const o = orders.get(w.orderId);
  const explained = o && sellerChanges.some((c) => String(c.orderId) === o.tinyId && Date.parse(c.at) <= Date.parse(w.at) && String(tinyToIderis[c.value]) === w.value);
  if (!explained && echoSamples.length < 5) echoSamples.push({ side: 'ideris', orderId: w.orderId, value: w.value, at: w.at });
  return !explained;
}).length;
const echoesToTiny = hubTinyWrites.filter((w) => {
  const o = byTinyOrder.get(String(w.orderId));
  const explained = o && marketplaceChanges.some((c) => c.orderId === o.id && Date.parse(c.at) <= Date.parse(w.at) && iderisToTiny[c.value] === w.value);
  if (!explained && echoSamples.length < 5) echoSamples.push({ side: 'tiny', orderId: w.orderId, value: w.value, at: w.at });
  return !explained;
}).length;
const backwardTiny = hubTinyWrites.filter((w) => RANK[w.value] < RANK[w.previous]);
const backwardIderis = hubIderisWrites.filter((w) => Number(w.previous) === CANCELLED || iderisRank(w.value) < iderisRank(w.previous));
const backwards = { tiny: backwardTiny.length, ideris: backwardIderis.length };
const backwardSamples = [...backwardTiny.map((w) => ({ side: 'tiny', ...w })), ...backwardIderis.map((w) => ({ side: 'ideris', ...w }))].slice(0, 5).map((w) => {
  const o = w.side === 'tiny' ? byTinyOrder.get(String(w.orderId)) : orders.get(w.orderId);
  const history = o ? [...tinyFinal.orderChanges.filter((c) => String(c.orderId) === o.tinyId).map((c) => ({ at: c.at, side: 'tiny', by: c.by, value: c.value })), ...ideFinal.orderChanges.filter((c) => c.orderId === o.id && c.kind === 'status').map((c) => ({ at: c.at, side: 'ideris', by: c.by, value: c.value }))].sort((a, b) => a.at.localeCompare(b.at)) : [];
  return { ...w, group: o?.group, history };
});
const repeated = (writes, key) => writes.length - new Set(writes.map(key)).size;
const missingSamples = statusesMissingInIderis(ideFinal, tinyFinal);
const injected = (await call('GET', `${sb}/control/faults`)).filter((f) => f.account === seller.key && f.endpoint === 'put order').reduce((n, f) => n + f.applied, 0);
const cancelledOpen = list((o) => o.group === 'open' && o.cancel);
const cancelledInvoiced = list((o) => o.group !== 'open' && o.cancel);
const attentionList = await admin('/status/orders?needsAttention=true&limit=500').catch(() => ({ needsAttention: null, orders: [] }));
const attentionIds = new Set(attentionList.orders.map((o) => o.iderisOrderId));

// Early invoices: the gateway stored the `nota_fiscal` before the orders service committed the order's import.
const importedAt = new Map((await q(`SELECT tiny_order_id, extract(epoch FROM imported_at) * 1000 AS at FROM "${schemas.orders}".order_sync WHERE connection_id = $1`, [connection.id])).map((r) => [r.tiny_order_id, Number(r.at)]));
const notices = {};
for (const kind of ['nota_fiscal', 'rastreio', 'situacao_pedido', 'atualizacao_pedido']) {
  const d = await call('GET', `${sb}/control/tiny/webhooks/deliveries?${tokenQ}&kind=${kind}`);
  const ok = d.attempts.filter((a) => a.status === 200);
  notices[kind] = { delivered: ok.length, duplicatesDelivered: ok.filter((a) => a.duplicate).length };
  if (kind === 'nota_fiscal') {
    notices[kind].early = ok.filter((a) => !a.duplicate && Date.parse(a.at) + a.durationMs < (importedAt.get(String(a.body.dados.idVendaTiny)) ?? Infinity)).length;
  }
}
notices.repostedCopies = counts.reposted ?? 0;
const tinyAcc = callStats.tiny[seller.token] ?? { calls: 0, endpoints: {} };
const iderisAcc = callStats.ideris[seller.key] ?? Object.values(callStats.ideris).find((a) => a.calls > 0) ?? { calls: 0, endpoints: {} };
const endpoints = (acc) => Object.fromEntries(Object.entries(acc.endpoints).map(([k, v]) => [k, v.calls]));

await call('DELETE', `${gw}/api/v1/connections/${connection.id}`, undefined, auth).catch(() => undefined);
const result = {
  benchmark: 'fiscal-status',
  path,
  orders: total,
  imported: list((o) => o.tinyId).length,
  invoices: { expected: invoicedIds.length, ...invoices },
  // What the two notification URLs journaled (posts of any answer); on the v3 path it must stay 0.
  notificationUrls: journal.counts,
  tracking: { expected: trackedIds.length, ...tracking },
  waitingWithoutCarrier,
  cancellations: {
    inIderis: marketplaceChanges.length,
    ofOpenOrders: cancelledOpen.length,
    appliedInTiny: cancelledOpen.filter((o) => hubTinyWrites.some((w) => String(w.orderId) === o.tinyId && w.value === 'cancelado')).length,
    ofInvoicedOrders: cancelledInvoiced.length,
    invoicedCancelledInTiny: cancelledInvoiced.filter((o) => tinyOrders.get(o.tinyId)?.situacao === 'cancelado').length,
  },
  needsAttention: { count: attentionList.needsAttention, expected: cancelledInvoiced.length, ofTheCancelledInvoiced: cancelledInvoiced.filter((o) => attentionIds.has(o.id)).length },
  statusWrites: {
    tinyToIderis: hubIderisWrites.length,
    iderisToTiny: hubTinyWrites.length,
    repeated: { ideris: repeated(hubIderisWrites, (w) => `${w.orderId}:${w.value}`), tiny: repeated(hubTinyWrites, (w) => `${w.orderId}:${w.value}`) },
    // Status writes Ideris refused (an order the marketplace had just cancelled): attempts, not changes.
    refusedByIderis: refusedIderisWrites.length,
    failedByInjectedFaults: injected,
    missingInIderis: missingSamples.length,
  },
  echoes: echoesToIderis + echoesToTiny,
  echoesBySide: { toIderis: echoesToIderis, toTiny: echoesToTiny },
  backwards,
  notifications: notices,
  kills: counts.kills,
  killedAt: kills,
  seconds: Math.round(seconds * 10) / 10,
  timedOut,
  calls: { tiny: { total: tinyAcc.calls - counts.trackingWithoutCarrierCalls, endpoints: endpoints(tinyAcc) }, ideris: { total: iderisAcc.calls, endpoints: endpoints(iderisAcc) } },
  limits: { tinyPerMinute: tinyLimit, iderisPerMinute: iderisLimit },
  settings: { seed, duplicateRate, reorderWindowMs: reorderMs, repostRate, dropRate, faultRate, statusPollMs },
  samples: { echoes: echoSamples, backwards: backwardSamples, missingInIderis: missingSamples.slice(0, 5) },
  problems: problems.slice(0, 10),
  memoryIdleMB,
  memoryPeakMB: peaks,
  cpuSeconds,
  // Per item the flow moved: an invoice or a tracking code sent, a status written (either way).
  cpuSecondsPerItem: perItem(cpuSeconds, invoicedIds.length + trackedIds.length + hubIderisWrites.length + hubTinyWrites.length),
};
await pool.end();
Object.values(procs).forEach((p) => p.kill('SIGKILL'));
if (!keep) {
  const admin$ = new pg.Client({ connectionString: db.url });
  await admin$.connect();
  for (const schema of Object.values(schemas)) await admin$.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await admin$.end();
}
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);

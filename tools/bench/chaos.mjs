// Benchmark (issue 13): every flow at once for several connections while the stack is being broken. The five hub
// services run as processes (a private copy of the build) on a PostgreSQL (initdb into a temporary folder, its own
// port) and a nats-server (its own port and data) of the bench's own — the machine's services are never touched.
// Prints one JSON line. Usage:
//   node tools/bench/chaos.mjs [--connections 3] [--orders 30] [--skus 10] [--stock-changes 90] [--price-changes 20]
//        [--products 5] [--kills 22] [--chaos-seconds 180] [--outage-seconds 6] [--faults 0.1] [--duplicates 0.1]
//        [--reorder-ms 300] [--cancel-rate 0.1] [--drain-timeout 240] [--seed 13]
// Sizes are per connection; the JSON prints them back under `sizes`.
//
// What happens during the chaos window (`--chaos-seconds`), for every connection at once:
// - orders: waves of Ideris orders (repeat buyers, carts, kits), imported into Tiny with their customers;
// - the seller (Tiny): invoices most orders as they appear (`nota_fiscal`, situation `faturado`), ships them in
//   Correios PLPs (`rastreio`), marks them `enviado`; the marketplace cancels some open ones (Ideris → Tiny);
// - stock and price changes in Tiny (`estoque`, `precos`) on SKUs that exist in Ideris;
// - products both ways: Tiny's "Enviar produto" for a catalogue (`produto`, with variations and kits), and an
//   import of Ideris listing models into Tiny;
// - faults: `--faults` of every Tiny and Ideris call fail (Tiny 503 and a call processed whose answer is cut, Ideris
//   503 and 429), Tiny's notifications are duplicated (`--duplicates`) and reordered (`--reorder-ms`);
// - SIGKILLs (`--kills`, ≥ 4 per service, round-robin in a seeded order, each service started again at once), and
//   PostgreSQL stopped `immediate` twice and NATS `kill -9`ed twice, each down for `--outage-seconds`.
// Then a drain (no new work; faults stay on) until every expected outcome is there and nothing moves for 5 s, or
// `--drain-timeout`.
//
// How it counts — from the sandbox's own journals, never the hub's tables:
// - orders: Tiny orders by marketplace number; customers: Tiny contacts by CPF/CNPJ digits;
// - stock / prices: Ideris's final quantity / listing model value against Tiny's final balance / price; a
//   duplicate is an accepted write of the value Ideris already held (`catalogChanges`, a re-send);
// - products to Ideris: listing models per SKU (with their variants and kit); to Tiny: products per code;
// - invoices, tracking, status to Ideris: Ideris's `orderChanges` by the API; tracking markers and status to
//   Tiny: Tiny's `orderChanges` by the API. A duplicate is a second write of the same fact (for markers, which are a
//   set on the Tiny order, the marker held twice; calls repeated after a lost answer are `repeatedCalls`);
//   lost = expected − delivered;
// - crashes: exits of a service the bench did not cause; answers to Tiny: every delivery attempt of Tiny's
//   notifications by the status the gateway answered (`none`: no answer — the gateway was down);
// - recovery after each infrastructure fault: from the restart until every service is ready again, and until a
//   probe order created at the restart is in Tiny and a probe stock change is in Ideris (the flows progress).
import { createRequire } from 'node:module';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { numberArg, privateDist, seeded, usageSampler } from './bench-kit.mjs';

const arg = numberArg;
const sizes = {
  connections: arg('connections', 3),
  orders: arg('orders', 30),
  skus: arg('skus', 10),
  stockChanges: arg('stock-changes', 90),
  priceChanges: arg('price-changes', 20),
  products: arg('products', 5),
  kills: arg('kills', 22),
  chaosSeconds: arg('chaos-seconds', 180),
  outageSeconds: arg('outage-seconds', 6),
  faultRate: arg('faults', 0.1),
  duplicateRate: arg('duplicates', 0.1),
  reorderMs: arg('reorder-ms', 300),
  cancelRate: arg('cancel-rate', 0.1),
  drainTimeoutSeconds: arg('drain-timeout', 240),
  seed: arg('seed', 13),
};
const LIMIT = 6000;
const CANCELLED = 1012;
const MARKER = 'Rastreio enviado ao Ideris';
const startedAt = Date.now();
const log = (msg) => process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const random = seeded(sizes.seed);
const pick = (list) => list[Math.floor(random() * list.length)];
const shuffle = (list) => {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};
const digits = (value) => String(value ?? '').replace(/\D/g, '');
const problems = [];
/** Background work: a failure is recorded and reported, never an unhandled rejection. */
const track = (promise, what) =>
  promise.catch((error) => {
    problems.push(`${what}: ${error.message}`);
    log(`${what} failed: ${error.message}`);
  });

// ---- the stack ------------------------------------------------------------------------------------------------
const { distCopy } = privateDist('chaos');
const { ProcessStack, SERVICES } = createRequire(import.meta.url)(join(distCopy, 'libs/testing/src/index.js'));
const stack = new ProcessStack('bench-chaos', {
  appsDir: join(distCopy, 'apps'),
  env: { 'status-sync': { STATUS_POLL_INTERVAL_MS: '2000' }, catalog: { CATALOG_PRODUCT_IMPORT_EVERY_HOURS: 'off' } },
});
let cleaned = false;
const cleanUp = () => {
  if (cleaned) return;
  cleaned = true;
  // On an early exit: stop()'s kills and pg_ctl run synchronously (NATS's data folder may stay in the temp dir).
  void stack.stop();
  rmSync(distCopy, { recursive: true, force: true });
};
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

await stack.start();
const usage = usageSampler(() => stack.pids());
const sb = (path) => stack.url('sandbox', path);
const gw = (path) => stack.url('gateway', path);
const json = (method, url, body) => stack.json(method, url, body);
/** An admin call the operator repeats while the gateway is down or busy restarting (503, no answer). */
async function patiently(method, url, body, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await json(method, url, body);
    } catch (error) {
      if (Date.now() > deadline || !/fetch failed|→ 50[23]|ECONNREFUSED|other side closed/.test(error.message)) throw error;
      await sleep(1000);
    }
  }
}
log(`stack up on PostgreSQL :${stack.pg.port} and NATS :${stack.nats.port}; ${sizes.connections} connections`);

// ---- sellers: accounts, catalogues, connections, webhooks -----------------------------------------------------
await json('POST', sb('/control/tiny/webhooks/settings'), { timeScale: 0.01, concurrency: 4, timeoutMs: 10_000 });
const sellers = [];
for (let n = 0; n < sizes.connections; n++) {
  const label = `C${n + 1}`;
  const { seller, connection } = await stack.addSeller({ idEcommerce: 7001 + n, limitPerMinute: LIMIT, name: `chaos ${label}` });
  const tokenQ = `token=${encodeURIComponent(seller.token)}`;
  // Stock and price SKUs in both systems (Ideris holds what Tiny has; listing models at 99.90), plus a probe SKU.
  const skus = [...Array.from({ length: sizes.skus }, (_, i) => `${label}-STK-${String(i + 1).padStart(3, '0')}`), `${label}-PROBE`];
  const balance = new Map();
  const price = new Map();
  for (const codigo of skus) {
    const saldo = 5 + Math.floor(random() * 36);
    await json('POST', sb('/control/tiny/products'), { token: seller.token, codigo, saldo, preco: '99.90' });
    await json('POST', sb('/control/ideris/skus'), { privateKey: seller.key, sku: codigo, currentStock: saldo });
    balance.set(codigo, saldo);
    price.set(codigo, '99.90');
  }
  const sent = await json('POST', sb('/control/tiny/products/catalog'), { token: seller.token, count: sizes.products, prefix: `${label}SND`, variationRate: 0.4, kitRate: 0.2, seed: sizes.seed + n });
  const received = await json('POST', sb('/control/ideris/products'), { privateKey: seller.key, count: sizes.products, prefix: `${label}RCV`, variationRate: 0.4, kitRate: 0.2, seed: sizes.seed + 100 + n });
  await json('POST', sb('/control/tiny/webhooks'), { token: seller.token, idEcommerce: 7001 + n, urls: connection.webhookUrls });
  await json('POST', sb('/control/tiny/webhooks/faults'), { token: seller.token, duplicateRate: sizes.duplicateRate, reorderWindowMs: sizes.reorderMs, seed: sizes.seed + n });
  sellers.push({ n, label, seller, connection, tokenQ, skus, balance, price, sent, received, orders: new Map(), shipping: [], stockTouched: new Set(), stockSends: 0, priceSends: 0 });
}
// Every worker's read model has each connection active before anything is sent.
{
  const { Client } = createRequire(import.meta.url)('pg');
  const db = new Client({ connectionString: stack.pg.url('hub') });
  await db.connect();
  for (const schema of ['orders', 'catalog', 'fiscal_shipping', 'status_sync']) {
    for (const s of sellers) {
      const deadline = Date.now() + 30_000;
      while ((await db.query(`SELECT 1 FROM "${schema}".connection_view WHERE id = $1 AND situation = 'active'`, [s.connection.id]).catch(() => ({ rows: [] }))).rows.length === 0) {
        if (Date.now() > deadline) throw new Error(`${schema} never saw connection ${s.label} active`);
        await sleep(200);
      }
    }
  }
  await db.end();
}
for (const s of sellers) s.statusMap = (await json('GET', gw(`/api/v1/connections/${s.connection.id}/status-map`))).map;

// API faults, `--faults` of every call of each account, half of each kind.
const every = Math.max(2, Math.round(2 / sizes.faultRate));
if (sizes.faultRate > 0) {
  for (const { seller } of sellers) {
    await json('POST', sb('/control/faults'), { system: 'tiny', account: seller.token, httpStatus: 503, skip: 1, every });
    await json('POST', sb('/control/faults'), { system: 'tiny', account: seller.token, commitThenDrop: true, skip: 1 + Math.floor(every / 2), every });
    await json('POST', sb('/control/faults'), { system: 'ideris', account: seller.key, httpStatus: 503, skip: 2, every });
    await json('POST', sb('/control/faults'), { system: 'ideris', account: seller.key, httpStatus: 429, skip: 2 + Math.floor(every / 2), every });
  }
}
const setupSeconds = (Date.now() - startedAt) / 1000;
log(`sellers ready (${Math.round(setupSeconds)} s); chaos for ${sizes.chaosSeconds} s`);

// ---- the work -------------------------------------------------------------------------------------------------
const chaosStart = Date.now();
const elapsed = () => (Date.now() - chaosStart) / 1000;
let producing = true;
const background = [];
const tinyState = (s) => json('GET', sb(`/control/tiny/state?${s.tokenQ}`));
const iderisState = (s) => json('GET', sb(`/control/ideris/state?privateKey=${s.seller.key}`));
/** An order the driver created in Ideris, and what the seller will do with it. */
const addOrder = (s, id, plan) => s.orders.set(`2000${id}`, { id, code: `2000${id}`, plan });
const planOf = () => {
  const r = random();
  return r < sizes.cancelRate ? 'cancel' : r < sizes.cancelRate + (1 - sizes.cancelRate) * 0.85 ? 'invoice' : 'open';
};

// Orders, in waves over 80 % of the window.
const waves = Math.max(1, Math.min(sizes.orders, Math.round(sizes.chaosSeconds / 12)));
background.push(track((async () => {
  let made = 0;
  for (let w = 0; w < waves; w++) {
    const target = Math.round(((w + 1) * sizes.orders) / waves);
    for (const s of sellers) {
      const peak = await json('POST', sb('/control/ideris/orders/peak'), { privateKey: s.seller.key, orders: target - made, accounts: 2, spreadSeconds: 0, nullSkuRate: 0, kitRate: 0.1, repeatBuyerRate: 0.2, seed: sizes.seed * 1000 + s.n * 100 + w });
      for (let id = peak.firstId; id <= peak.lastId; id++) addOrder(s, id, planOf());
    }
    made = target;
    await sleep(Math.max(0, ((w + 1) * sizes.chaosSeconds * 0.8 * 1000) / waves - (Date.now() - chaosStart)));
  }
})(), 'order waves'));

// Stock and price changes in Tiny, spread over 90 % of the window.
for (const s of sellers) {
  const stockSkus = s.skus.filter((c) => !c.endsWith('PROBE'));
  background.push(track((async () => {
    const slices = Math.max(1, Math.round(sizes.chaosSeconds * 0.9 / 2));
    for (let k = 0; k < slices && producing; k++) {
      const count = Math.round(((k + 1) * sizes.stockChanges) / slices) - Math.round((k * sizes.stockChanges) / slices);
      const changes = [];
      for (let c = 0; c < count; c++) {
        const codigo = random() < 0.4 ? stockSkus[0] : pick(stockSkus);
        const saldo = Math.max(0, (s.balance.get(codigo) ?? 0) + Math.floor(random() * 9) - 4);
        s.balance.set(codigo, saldo);
        s.stockTouched.add(codigo);
        changes.push({ codigo, saldo });
      }
      if (changes.length) {
        await json('POST', sb('/control/tiny/stock/burst'), { token: s.seller.token, changes });
        s.stockSends += changes.length;
      }
      await sleep(Math.max(0, (k + 1) * 2000 - (Date.now() - chaosStart)));
    }
  })(), `stock changes ${s.label}`));
  background.push(track((async () => {
    const gap = (sizes.chaosSeconds * 0.9 * 1000) / Math.max(1, sizes.priceChanges);
    for (let k = 0; k < sizes.priceChanges && producing; k++) {
      const codigo = pick(stockSkus);
      const preco = (85 + Math.floor(random() * 301) / 10).toFixed(2);
      await json('POST', sb('/control/tiny/prices'), { token: s.seller.token, codigo, preco });
      s.price.set(codigo, preco);
      s.priceSends++;
      await sleep(Math.max(0, (k + 1) * gap - (Date.now() - chaosStart)));
    }
  })(), `price changes ${s.label}`));
}

// Products both ways, early in the window: Tiny's "Enviar produto" for the catalogue, an import of Ideris's.
background.push(track((async () => {
  await sleep(3000);
  for (const s of sellers) await json('POST', sb('/control/tiny/webhooks/send-products'), { token: s.seller.token, codigos: s.sent.products.map((p) => p.sku) });
  await sleep(5000);
  for (const s of sellers) {
    s.productImport = await patiently('POST', gw(`/api/v1/connections/${s.connection.id}/product-imports`), { skus: s.received.listingModels.map((m) => m.sku) });
  }
})(), 'products'));

// The seller, per connection: reacts to the orders Tiny holds (invoice, cancel in the marketplace), ships in PLPs.
const shipAll = async (s, force) => {
  if (s.shipping.length < 6 && !(force && s.shipping.length > 0)) return;
  const batch = s.shipping.splice(0);
  const grouping = await json('POST', sb('/control/tiny/groupings'), { token: s.seller.token, orderIds: batch.map((o) => Number(o.tinyId)), formaEnvio: 'C' });
  await sleep(300);
  await json('POST', sb(`/control/tiny/groupings/${grouping.id}/conclude`), { token: s.seller.token });
  batch.forEach((o) => (o.concludedAt = Date.now()));
  await sleep(200);
  for (const o of batch) {
    await json('POST', sb(`/control/tiny/orders/${o.tinyId}/situation`), { token: s.seller.token, situacao: 'enviado' });
    o.shippedAt = Date.now();
  }
};
let sellerLoopsDone = false;
const sellerLoops = sellers.map((s) => track((async () => {
  for (;;) {
    const fresh = [];
    for (const t of (await tinyState(s)).orders) {
      const o = s.orders.get(t.numeroEcommerce);
      if (o && !o.tinyId) {
        o.tinyId = String(t.id);
        fresh.push(o);
      }
    }
    for (const o of fresh) {
      if (o.plan === 'invoice') {
        await json('POST', sb(`/control/tiny/orders/${o.tinyId}/invoice`), { token: s.seller.token });
        o.invoicedAt = Date.now();
        s.shipping.push(o);
      } else if (o.plan === 'cancel') {
        await json('POST', sb(`/control/ideris/orders/${o.id}/status`), { privateKey: s.seller.key, statusId: CANCELLED });
        o.cancelledAt = Date.now();
      }
    }
    const allSeen = !producing && [...s.orders.values()].every((o) => o.tinyId);
    await shipAll(s, allSeen);
    if (sellerLoopsDone || (allSeen && s.shipping.length === 0)) return;
    await sleep(1000);
  }
})(), `seller ${s.label}`));

// ---- the chaos: SIGKILLs and infrastructure outages, in time order --------------------------------------------
const kills = [];
const recoveries = [];
let probeSeq = 0;
const probe = sellers[0];
async function killOne(service) {
  usage.sample();
  await stack.kill(service);
  kills.push({ service, atSecond: Math.round(elapsed()) });
  stack.restart(service);
  const deadline = Date.now() + 60_000;
  while ((await stack.status(stack.url(service, '/health/live'))).status !== 200 && Date.now() < deadline) await sleep(250);
  log(`SIGKILL ${service} (#${kills.length}), up again`);
}
async function outage(kind) {
  log(`${kind} down for ${sizes.outageSeconds} s`);
  const downAt = Date.now();
  if (kind === 'postgres') await stack.pg.stop('immediate');
  else await stack.nats.kill();
  await sleep(sizes.outageSeconds * 1000);
  if (kind === 'postgres') await stack.pg.start();
  else await stack.nats.start();
  const upAt = Date.now();
  // Probes of progress: a new order (Ideris → Tiny) and a stock change (Tiny → Ideris) made at the restart.
  const [order] = await json('POST', sb('/control/ideris/orders'), { privateKey: probe.seller.key, count: 1 });
  addOrder(probe, order.id, 'open');
  const saldo = 100 + ++probeSeq;
  await json('POST', sb('/control/tiny/stock/burst'), { token: probe.seller.token, changes: [{ codigo: `${probe.label}-PROBE`, saldo }] });
  probe.balance.set(`${probe.label}-PROBE`, saldo);
  probe.stockTouched.add(`${probe.label}-PROBE`);
  probe.stockSends++;
  const at = { ready: null, order: null, stock: null };
  const deadline = upAt + 180_000;
  while (Object.values(at).some((v) => v === null) && Date.now() < deadline) {
    if (at.ready === null && (await stack.allReady())) at.ready = Date.now();
    if (at.order === null && (await tinyState(probe)).orders.some((t) => t.numeroEcommerce === order.code)) at.order = Date.now();
    if (at.stock === null && (await iderisState(probe)).skus.find((k) => k.sku === `${probe.label}-PROBE`)?.currentStock === saldo) at.stock = Date.now();
    await sleep(250);
  }
  const ms = (t) => (t === null ? null : t - upAt);
  const recovered = Object.values(at).every((v) => v !== null) ? Math.max(...Object.values(at)) - upAt : null;
  recoveries.push({ fault: kind === 'postgres' ? 'postgres immediate stop' : 'nats kill -9', atSecond: Math.round((downAt - chaosStart) / 1000), downMs: upAt - downAt, readyAfterMs: ms(at.ready), orderImportedAfterMs: ms(at.order), stockPushedAfterMs: ms(at.stock), recoveredAfterMs: recovered });
  log(`${kind} back: ready after ${ms(at.ready)} ms, probe order in Tiny after ${ms(at.order)} ms, probe stock in Ideris after ${ms(at.stock)} ms`);
}
const schedule = [];
{
  const order = [];
  while (order.length < sizes.kills) order.push(...shuffle(SERVICES));
  order.slice(0, sizes.kills).forEach((service, k) => schedule.push({ at: ((k + 0.5) * sizes.chaosSeconds) / sizes.kills, run: () => killOne(service) }));
  [['postgres', 0.2], ['nats', 0.4], ['postgres', 0.6], ['nats', 0.8]].forEach(([kind, share]) => schedule.push({ at: share * sizes.chaosSeconds + 1, run: () => outage(kind) }));
  schedule.sort((a, b) => a.at - b.at);
}
for (const event of schedule) {
  await sleep(Math.max(0, event.at * 1000 - (Date.now() - chaosStart)));
  await event.run().catch((error) => problems.push(`chaos event: ${error.message}`));
}
while (elapsed() < sizes.chaosSeconds) await sleep(500);
producing = false;
await Promise.all(background);
const chaosSeconds = elapsed();
log(`chaos over after ${Math.round(chaosSeconds)} s: ${kills.length} SIGKILLs, ${recoveries.length} outages; draining`);

// ---- drain ----------------------------------------------------------------------------------------------------
const drainStart = Date.now();
let resentProducts = 0;
let resendDone = false;
/** The seller clicks "Enviar produto" again for a product whose every notification Tiny gave up on. */
async function resendFailedProducts() {
  for (const s of sellers) {
    const d = await json('GET', sb(`/control/tiny/webhooks/deliveries?${s.tokenQ}&kind=produto`));
    const delivered = new Set(d.attempts.filter((a) => a.status === 200).map((a) => a.body?.dados?.codigo));
    const failed = new Set(d.attempts.filter((a) => a.status !== 200 && d.notifications.find((x) => x.id === a.notificationId)?.state === 'failed').map((a) => a.body?.dados?.codigo));
    const again = [...failed].filter((codigo) => codigo && !delivered.has(codigo));
    if (again.length) await json('POST', sb('/control/tiny/webhooks/send-products'), { token: s.seller.token, codigos: again });
    resentProducts += again.length;
  }
}

async function collect() {
  const perSeller = [];
  for (const s of sellers) {
    const [tiny, ideris, deliveries] = await Promise.all([tinyState(s), iderisState(s), json('GET', sb(`/control/tiny/webhooks/deliveries?${s.tokenQ}`))]);
    perSeller.push({ s, tiny, ideris, deliveries });
  }
  return perSeller;
}

/** expected / delivered / duplicates / lost per flow, over every connection. */
function flows(perSeller) {
  const total = {};
  const add = (flow, counts) => {
    const t = (total[flow] ??= {});
    for (const [k, v] of Object.entries(counts)) t[k] = (t[k] ?? 0) + v;
  };
  const once = (ids, writesOf) => {
    let delivered = 0;
    let duplicates = 0;
    for (const id of ids) {
      const n = writesOf(id);
      if (n > 0) delivered++;
      duplicates += Math.max(0, n - 1);
    }
    return { expected: ids.length, delivered, duplicates, lost: ids.length - delivered };
  };
  const countBy = (items, key) => {
    const m = new Map();
    for (const item of items) m.set(key(item), (m.get(key(item)) ?? 0) + 1);
    return m;
  };
  for (const { s, tiny, ideris } of perSeller) {
    const ours = [...s.orders.values()];
    // Orders and customers.
    const tinyByCode = countBy(tiny.orders.filter((t) => s.orders.has(t.numeroEcommerce)), (t) => t.numeroEcommerce);
    add('orders', once(ours.map((o) => o.code), (code) => tinyByCode.get(code) ?? 0));
    const iderisById = new Map(ideris.orders.map((o) => [o.id, o]));
    const documents = [...new Set(ours.map((o) => digits(iderisById.get(o.id)?.documentValue)).filter(Boolean))];
    const contacts = countBy(tiny.contacts, (c) => digits(c.fields?.cpf_cnpj));
    add('customers', once(documents, (doc) => contacts.get(doc) ?? 0));
    // Stock and prices: final values, and writes of what Ideris already held.
    const tinyProducts = new Map(tiny.products.map((p) => [p.codigo, p]));
    const available = (p) => p.depositos.filter((d) => !d.desconsiderar).reduce((sum, d) => sum + Number(d.saldo), 0) - Number(p.saldoReservado ?? 0);
    const iderisSkus = new Map(ideris.skus.map((k) => [k.sku, k]));
    const changes = ideris.catalogChanges ?? [];
    const stockSkus = s.skus.filter((c) => s.stockTouched.has(c));
    const stockDelivered = stockSkus.filter((c) => iderisSkus.get(c)?.currentStock === Math.max(0, available(tinyProducts.get(c)))).length;
    add('stock', { expected: stockSkus.length, delivered: stockDelivered, duplicates: changes.filter((c) => c.kind === 'stock' && s.skus.includes(c.sku) && c.value === c.previous).length, lost: stockSkus.length - stockDelivered, changes: s.stockSends, writes: changes.filter((c) => c.kind === 'stock' && s.skus.includes(c.sku)).length });
    const models = new Map(ideris.listingModels.map((m) => [m.sku, m]));
    const priced = s.skus.filter((c) => s.price.get(c) !== '99.90');
    const pricesDelivered = priced.filter((c) => Math.abs((models.get(c)?.value ?? -1) - Number(tinyProducts.get(c)?.preco)) < 0.005).length;
    add('prices', { expected: priced.length, delivered: pricesDelivered, duplicates: changes.filter((c) => c.kind === 'price' && s.skus.includes(c.sku) && Math.abs(c.value - c.previous) < 0.005).length, lost: priced.length - pricesDelivered, changes: s.priceSends, writes: changes.filter((c) => c.kind === 'price' && s.skus.includes(c.sku)).length });
    // Products both ways.
    const modelsBySku = countBy(ideris.listingModels, (m) => m.sku);
    const toIderis = once(s.sent.products.map((p) => p.sku), (sku) => modelsBySku.get(sku) ?? 0);
    const badShape = s.sent.products.filter((p) => models.has(p.sku) && (models.get(p.sku).variant.length !== Object.keys(p.variations ?? {}).length || models.get(p.sku).kit.length !== (p.kit ?? 0))).length;
    add('productsToIderis', { ...toIderis, delivered: toIderis.delivered - badShape, lost: toIderis.lost + badShape });
    const tinyByCodigo = countBy(tiny.products, (p) => p.codigo);
    const toTiny = once(s.received.listingModels.map((m) => m.sku), (sku) => tinyByCodigo.get(sku) ?? 0);
    const badTiny = s.received.listingModels.filter((m) => {
      const p = tinyProducts.get(m.sku);
      return p && (tiny.products.filter((c) => c.idProdutoPai === p.id).length !== m.variants || (p.kit ?? []).length !== m.kit);
    }).length;
    add('productsToTiny', { ...toTiny, delivered: toTiny.delivered - badTiny, lost: toTiny.lost + badTiny });
    // Invoices, tracking (and its marker in Tiny), status both ways.
    const api = ideris.orderChanges.filter((c) => c.by === 'api');
    const iderisWrites = (kind) => countBy(api.filter((c) => c.kind === kind && !c.refused && !String(c.value).startsWith('cancelled:')), (c) => c.orderId);
    const invoices = iderisWrites('invoice');
    add('invoices', once(ours.filter((o) => o.invoicedAt).map((o) => o.id), (id) => invoices.get(id) ?? 0));
    const tracking = iderisWrites('tracking');
    const shipped = ours.filter((o) => o.concludedAt);
    add('tracking', once(shipped.map((o) => o.id), (id) => tracking.get(id) ?? 0));
    // Markers are a set on the Tiny order: a duplicate is the marker held twice; a call repeated after an answer
    // that never came (the injected cut, a SIGKILL) leaves it once and is counted apart.
    const markerCalls = countBy(tiny.orderChanges.filter((c) => c.kind === 'marker' && c.value === MARKER), (c) => String(c.orderId));
    const tinyOrders = new Map(tiny.orders.map((t) => [String(t.id), t]));
    const marked = once(shipped.map((o) => o.tinyId), (id) => (tinyOrders.get(id)?.marcadores ?? []).filter((m) => m === MARKER).length);
    add('trackingMarkers', { ...marked, repeatedCalls: shipped.reduce((n, o) => n + Math.max(0, (markerCalls.get(o.tinyId) ?? 0) - 1), 0) });
    const situationOf = new Map(tiny.orders.map((t) => [String(t.id), t.situacao]));
    const cancelled = new Set(ours.filter((o) => o.cancelledAt).map((o) => o.id));
    const statusWrites = countBy(api.filter((c) => c.kind === 'status' && !c.refused), (c) => `${c.orderId}:${c.value}`);
    const moved = ours.filter((o) => o.invoicedAt && !cancelled.has(o.id));
    const right = (o) => String(iderisById.get(o.id)?.statusId) === String(s.statusMap.tinyToIderis[situationOf.get(o.tinyId)] ?? 1007);
    const statusDelivered = moved.filter(right).length;
    add('statusToIderis', {
      expected: moved.length, delivered: statusDelivered, duplicates: [...statusWrites.values()].reduce((n, c) => n + c - 1, 0), lost: moved.length - statusDelivered,
      untouchedWrong: ours.filter((o) => o.tinyId && !o.invoicedAt && !cancelled.has(o.id) && !right(o)).length,
    });
    const tinyApi = countBy(tiny.orderChanges.filter((c) => c.kind === 'situation' && c.by === 'api'), (c) => `${c.orderId}:${c.value}`);
    const toTinyStatus = once(ours.filter((o) => o.cancelledAt).map((o) => `${o.tinyId}:cancelado`), (key) => tinyApi.get(key) ?? 0);
    const unexpected = [...tinyApi.entries()].filter(([key]) => !ours.some((o) => o.cancelledAt && `${o.tinyId}:cancelado` === key)).reduce((n, [, c]) => n + c, 0);
    add('statusToTiny', { ...toTinyStatus, unexpected });
  }
  return total;
}

let result;
let quietSince = null;
let lastSignature = '';
let timedOut = false;
for (;;) {
  if (!resendDone && Date.now() - drainStart > 20_000) {
    await resendFailedProducts().catch((error) => problems.push(`resend products: ${error.message}`));
    resendDone = true;
  }
  const perSeller = await collect();
  result = flows(perSeller);
  const pending = perSeller.reduce((n, p) => n + p.deliveries.pending, 0);
  const lost = Object.values(result).reduce((n, f) => n + f.lost, 0);
  const signature = JSON.stringify(result);
  quietSince = signature === lastSignature && pending === 0 ? (quietSince ?? Date.now()) : null;
  lastSignature = signature;
  log(`drain: ${lost} outcomes missing, ${pending} Tiny notifications pending — ${Object.entries(result).map(([k, f]) => `${k} ${f.delivered}/${f.expected}`).join(', ')}`);
  if (lost === 0 && resendDone && quietSince && Date.now() - quietSince >= 5000) break;
  if (Date.now() - drainStart > sizes.drainTimeoutSeconds * 1000) {
    timedOut = true;
    log('drain timeout');
    break;
  }
  await sleep(2000);
}
sellerLoopsDone = true;
await Promise.all(sellerLoops);
const drainSeconds = (Date.now() - drainStart) / 1000;
usage.stop();

// ---- results --------------------------------------------------------------------------------------------------
const perSeller = await collect();
result = flows(perSeller);
const answers = {};
const gaveUp = {};
for (const { deliveries } of perSeller) {
  for (const a of deliveries.attempts) answers[a.status ?? 'none'] = (answers[a.status ?? 'none'] ?? 0) + 1;
  for (const n of deliveries.notifications) if (n.state === 'failed') gaveUp[n.kind] = (gaveUp[n.kind] ?? 0) + 1;
}
const crashes = Object.fromEntries(SERVICES.map((s) => [s, 0]));
for (const exit of stack.crashes()) crashes[exit.service] = (crashes[exit.service] ?? 0) + 1;
const killsBy = Object.fromEntries(SERVICES.map((s) => [s, kills.filter((k) => k.service === s).length]));
const calls = await json('GET', sb('/control/calls'));
const faults = await json('GET', sb('/control/faults'));
const accountCalls = (system, accounts) => accounts.reduce((n, a) => n + (calls[system][a]?.calls ?? 0), 0);
const { memoryPeakMB, cpuSeconds, processes } = usage.totals();
const items = Object.values(result).reduce((n, f) => n + f.delivered, 0);
const totals = Object.values(result).reduce((t, f) => ({ expected: t.expected + f.expected, delivered: t.delivered + f.delivered, duplicates: t.duplicates + f.duplicates, lost: t.lost + f.lost }), { expected: 0, delivered: 0, duplicates: 0, lost: 0 });
const out = {
  benchmark: 'chaos',
  sizes,
  flows: result,
  totals,
  crashes,
  crashDetails: stack.crashes().map((e) => ({ service: e.service, code: e.code, signal: e.signal, atSecond: Math.round((e.at - chaosStart) / 1000) })),
  kills: { total: kills.length, byService: killsBy },
  infrastructure: recoveries,
  answersToTiny: { byStatus: answers, fiveXxOtherThan503: Object.entries(answers).filter(([k]) => /^5\d\d$/.test(k) && k !== '503').reduce((n, [, c]) => n + c, 0), tinyGaveUp: gaveUp, productsResentBySeller: resentProducts },
  injectedFaults: {
    tiny: { calls: accountCalls('tiny', sellers.map((s) => s.seller.token)), failed: faults.filter((f) => f.system === 'tiny').reduce((n, f) => n + f.applied, 0) },
    ideris: { calls: accountCalls('ideris', sellers.map((s) => s.seller.key)), failed: faults.filter((f) => f.system === 'ideris').reduce((n, f) => n + f.applied, 0) },
  },
  seconds: { setup: Math.round(setupSeconds), chaos: Math.round(chaosSeconds), drain: Math.round(drainSeconds), total: Math.round((Date.now() - startedAt) / 1000) },
  timedOut,
  memoryPeakMB,
  cpuSeconds,
  cpuMsPerItem: { items, ...Object.fromEntries(Object.entries(cpuSeconds).map(([app, s]) => [app, items ? Math.round((s * 1000) / items) : null])) },
  processesStarted: processes,
  problems: problems.slice(0, 10),
  infra: { postgresPort: stack.pg.port, natsPort: stack.nats.port, logs: stack.logDir, node: process.version },
};
cleaned = true;
await stack.stop();
rmSync(distCopy, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);

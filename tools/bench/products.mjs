// Benchmark: products both ways through the running services (sandbox, gateway, catalog as real processes).
//   Send:    the sandbox's Tiny sends `produto` for N products (with variations and kits) to the gateway, which must
//            answer the flat mapping array while Tiny waits; catalog pushes each product to the sandbox's Ideris.
//            With --kill 1, catalog is killed (kill -9) a third of the way and restarted: Tiny is answered from the
//            payload meanwhile, and the stored notifications reach Ideris after the restart.
//   Receive: an import of every Ideris listing model (M products seeded there, plus the N the hub just pushed, which
//            must be recognised as unchanged) writes Tiny in batches; Tiny sends each product it was written back to
//            the hub (`produto` after API writes), and none of those echoes may reach Ideris.
// Prints one JSON line. Usage:
//   node tools/bench/products.mjs [--sent 500] [--received 500] [--variation-rate 0.3] [--kit-rate 0.1]
//        [--tiny-limit 120] [--ideris-limit 600] [--kill 1] [--webhook-concurrency 4] [--timeout 2400] [--seed 11]
//
// How it measures: pass-throughs in this process sit between catalog and the sandbox's Tiny and Ideris APIs and
// record every product write (Tiny `produto.incluir/alterar` with its records, Ideris `POST/PUT /listingModel`) on
// the bench's own clock. Reply times are the sandbox's own measure of each `produto` delivery (Tiny's side).
import { rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensurePostgres, privateNatsForTests } from '../infra.mjs';
import { call, freePort, numberArg, passThrough, pct, perItem, privateDist, trackProcesses, waitOk } from './bench-kit.mjs';

const arg = numberArg;
const sentCount = arg('sent', 500);
const receivedCount = arg('received', 500);
const variationRate = arg('variation-rate', 0.3);
const kitRate = arg('kit-rate', 0.1);
const tinyLimit = arg('tiny-limit', 120);
const iderisLimit = arg('ideris-limit', 600);
const kill = arg('kill', 1) === 1;
const webhookConcurrency = arg('webhook-concurrency', 4);
const timeoutS = arg('timeout', 2400);
const seed = arg('seed', 11);

const log = (msg) => process.stderr.write(`[products-bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- processes ------------------------------------------------------------------------------------------------
const { run, distCopy, startApp } = privateDist('products');

const [db, nats] = await Promise.all([ensurePostgres('test'), privateNatsForTests()]);
const [gwPort, sbPort, catalogPort, tinyProxyPort, iderisProxyPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
const secrets = { HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'), ADMIN_API_KEYS: `bench-${randomBytes(12).toString('hex')}` };
const common = { DATABASE_URL: db.url, NATS_URL: nats.url, ...secrets };
const schema = `bench_catalog_${run}`;
const { procs, peaks, cpuSeconds, stopSampling } = trackProcesses(() => {
  nats.stop?.();
  rmSync(distCopy, { recursive: true, force: true });
});
procs.sandbox = startApp('sandbox', { PORT: String(sbPort), LOG_LEVEL: 'silent' });
procs.gateway = startApp('gateway', { ...common, PORT: String(gwPort), DB_SCHEMA: `bench_gw_${run}`, PUBLIC_BASE_URL: `http://127.0.0.1:${gwPort}` });
// Only products here: no periodic import during the run.
const startCatalog = () => startApp('catalog', { ...common, PORT: String(catalogPort), DB_SCHEMA: schema, CATALOG_PRODUCT_IMPORT_EVERY_HOURS: 'off' });
procs.catalog = startCatalog();

const sb = `http://127.0.0.1:${sbPort}`;
const gw = `http://127.0.0.1:${gwPort}`;

// ---- pass-throughs: every product write, on the bench's clock ----------------------------------------------
/** Tiny product batches: {at, script, status, codes[]}; Ideris listing model writes: {at, method, status, sku, id}. */
const tinyWrites = [];
const iderisWrites = [];
const proxies = await Promise.all([
  passThrough(tinyProxyPort, sbPort, (req, body, status, answer, at) => {
    const script = (req.url ?? '').split('?')[0].split('/').pop().replace(/\.php$/, '');
    if (script !== 'produto.incluir' && script !== 'produto.alterar') return;
    let codes = [];
    try {
      const doc = JSON.parse(new URLSearchParams(body).get('produto') ?? '{}');
      codes = (doc.produtos ?? []).map((entry) => entry.produto?.codigo ?? `id:${entry.produto?.id}`);
    } catch {
      /* a malformed document is Tiny's business */
    }
    let blocked = false;
    try {
      const code = String(JSON.parse(answer).retorno?.codigo_erro ?? '');
      blocked = code === '6' || code === '11';
    } catch {
      /* not JSON */
    }
    tinyWrites.push({ at, script, status, codes, blocked });
  }),
  passThrough(iderisProxyPort, sbPort, (req, body, status, answer, at) => {
    if (!(req.url ?? '').startsWith('/ideris/listingModel') || (req.method !== 'POST' && req.method !== 'PUT') || req.url.startsWith('/ideris/listingModel/price')) return;
    let parsed = {};
    try {
      parsed = JSON.parse(body);
    } catch {
      /* Ideris's business */
    }
    iderisWrites.push({ at, method: req.method, status, sku: parsed.sku, id: parsed.id });
  }),
]);

await Promise.all([waitOk(`${gw}/health/ready`), waitOk(`http://127.0.0.1:${catalogPort}/health/ready`), waitOk(`${sb}/health/live`)]);
log(`services up (schema ${schema}); seeding ${sentCount} products in Tiny and ${receivedCount} in Ideris`);

// ---- accounts, catalogues, connection, webhooks ----------------------------------------------------------------
const seller = { token: `bench-tiny-${run}`, key: randomBytes(48).toString('hex'), cnpj: '12345678000195', idEcommerce: 4322 };
await call('POST', `${sb}/control/tiny/accounts`, { token: seller.token, cnpj: seller.cnpj, limitPerMinute: tinyLimit });
await call('POST', `${sb}/control/ideris/accounts`, { privateKey: seller.key, limitPerMinute: iderisLimit });
const tinySeed = await call('POST', `${sb}/control/tiny/products/catalog`, { token: seller.token, count: sentCount, prefix: 'SND', variationRate, kitRate, seed });
const iderisSeed = await call('POST', `${sb}/control/ideris/products`, { privateKey: seller.key, count: receivedCount, prefix: 'RCV', variationRate, kitRate, seed: seed + 1 });
const auth = { authorization: `Bearer ${secrets.ADMIN_API_KEYS}` };
const connection = await call('POST', `${gw}/api/v1/connections`, {
  name: `bench products ${run}`, tinyToken: seller.token, iderisPrivateKey: seller.key, cnpj: seller.cnpj, tinyIntegrationId: seller.idEcommerce,
  tinyBaseUrl: `http://127.0.0.1:${tinyProxyPort}/tiny/api2`, iderisBaseUrl: `http://127.0.0.1:${iderisProxyPort}/ideris`,
  settings: { tinyCallsPerMinute: tinyLimit, iderisCallsPerMinute: iderisLimit },
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
await call('POST', `${sb}/control/tiny/webhooks/settings`, { timeScale: 0.001, concurrency: webhookConcurrency });
await call('POST', `${sb}/control/tiny/webhooks`, { token: seller.token, idEcommerce: seller.idEcommerce, urls: { produto: connection.webhookUrls.produto }, sendProductsOnChange: true });
const deliveries = () => call('GET', `${sb}/control/tiny/webhooks/deliveries?token=${encodeURIComponent(seller.token)}&kind=produto`);
const syncCounts = async (prefix) => {
  const [row] = await q(
    `SELECT count(*) FILTER (WHERE state IN ('synced', 'failed'))::int AS settled, count(*) FILTER (WHERE state = 'failed')::int AS failed, count(*)::int AS total
       FROM "${schema}".product_sync WHERE connection_id = $1 AND left(sku, 4) = $2`,
    [connection.id, `${prefix}-`],
  ).catch(() => [{ settled: 0, failed: 0, total: 0 }]);
  return row;
};
const started = Date.now();
const deadline = started + timeoutS * 1000;

// ---- send: Tiny → Ideris ---------------------------------------------------------------------------------------
await call('POST', `${sb}/control/tiny/webhooks/send-products`, { token: seller.token });
let killed = null;
for (;;) {
  const d = await deliveries();
  const sync = await syncCounts('SND');
  if (kill && !killed && d.productMappings.length >= Math.ceil(sentCount / 3)) {
    procs.catalog.kill('SIGKILL');
    killed = { atSecond: Math.round((Date.now() - started) / 1000), mappingsAnsweredBefore: d.productMappings.length, pushedBefore: sync.settled };
    log(`catalog killed (kill -9) after ${killed.mappingsAnsweredBefore} answers and ${killed.pushedBefore} pushes; restarting in 2 s`);
    await sleep(2000);
    procs.catalog = startCatalog();
    await waitOk(`http://127.0.0.1:${catalogPort}/health/ready`, 60_000);
  }
  if (!kill || killed) log(`send: ${d.productMappings.length}/${sentCount} answered, Tiny pending ${d.pending}; ${sync.settled}/${sentCount} settled in catalog (${sync.failed} failed)`);
  if (d.pending === 0 && d.productMappings.length >= sentCount && sync.total >= sentCount && sync.settled === sync.total) break;
  if (Date.now() > deadline) {
    log('timeout in the send phase');
    break;
  }
  // Watched closely until the kill (answers come fast), then every 2 s.
  await sleep(kill && !killed ? 100 : 2000);
}
const sendEndedAt = Date.now();
const sendDeliveries = await deliveries();

// ---- receive: Ideris → Tiny ------------------------------------------------------------------------------------
const importStarted = await call('POST', `${gw}/api/v1/connections/${connection.id}/product-imports`, {}, auth);
let importView = importStarted;
for (;;) {
  importView = await call('GET', `${gw}/api/v1/connections/${connection.id}/product-imports/${importStarted.id}`, undefined, auth);
  const d = await deliveries();
  log(`receive: import ${importView.state}, read ${importView.discovered}, queued ${importView.queued}, unchanged ${importView.unchanged}, created ${importView.created}, updated ${importView.updated}, failed ${importView.failed}, remaining ${importView.remaining}; Tiny echoes pending ${d.pending}`);
  if ((importView.state === 'done' || importView.state === 'failed') && d.pending === 0) break;
  if (Date.now() > deadline) {
    log('timeout in the receive phase');
    break;
  }
  await sleep(3000);
}
// The echoes Tiny sent back must have been handled (a quiet moment with nothing in flight anywhere).
{
  let quietSince = null;
  let lastWrites = iderisWrites.length + tinyWrites.length;
  while (Date.now() < deadline) {
    const d = await deliveries();
    const [busy] = await q(`SELECT count(*)::int AS n FROM "${schema}".product_sync WHERE connection_id = $1 AND state IN ('pending', 'writing', 'waiting')`, [connection.id]);
    const writes = iderisWrites.length + tinyWrites.length;
    const quiet = d.pending === 0 && busy.n === 0 && writes === lastWrites;
    lastWrites = writes;
    quietSince = quiet ? (quietSince ?? Date.now()) : null;
    if (quietSince && Date.now() - quietSince >= 5000) break;
    await sleep(1000);
  }
}
const endedAt = Date.now();
stopSampling();

// ---- results ---------------------------------------------------------------------------------------------------
const stats = await call('GET', `${sb}/control/calls`);
const tinyAcc = stats.tiny[seller.token] ?? { blocks: 0, calls: 0, endpoints: {} };
const iderisAcc = stats.ideris[seller.key] ?? { blocks: 0, calls: 0, endpoints: {} };
const tinyState = await call('GET', `${sb}/control/tiny/state?token=${encodeURIComponent(seller.token)}`);
const iderisState = await call('GET', `${sb}/control/ideris/state?privateKey=${encodeURIComponent(seller.key)}`);
const finalDeliveries = await deliveries();

// Mappings answered for the products sent (one item per product and variation, none with an error).
const sentCodes = new Set(tinySeed.products.map((product) => product.sku));
const sentRecords = sendDeliveries.productMappings.filter((record) => sentCodes.has(record.codigo));
const answeredFor = new Set(sentRecords.map((record) => record.codigo));
const mappingsAnswered = sentRecords.filter((record, index, all) => all.findIndex((other) => other.codigo === record.codigo) === index).reduce((sum, record) => sum + record.mappings.filter((m) => !m.error).length, 0);
const expectedMappings = tinySeed.created + tinySeed.variations;
const replyMs = sendDeliveries.attempts.filter((attempt) => attempt.status === 200 && sentCodes.has(attempt.body?.dados?.codigo)).map((attempt) => attempt.durationMs);

// Ideris: one listing model per product sent, with its variants and kit; no SKU twice.
const modelsBySku = new Map();
for (const model of iderisState.listingModels) modelsBySku.set(model.sku, [...(modelsBySku.get(model.sku) ?? []), model]);
const skuCounts = new Map();
for (const sku of iderisState.skus) skuCounts.set(sku.sku, (skuCounts.get(sku.sku) ?? 0) + 1);
const tinyCodeCounts = new Map();
for (const product of tinyState.products) tinyCodeCounts.set(product.codigo, (tinyCodeCounts.get(product.codigo) ?? 0) + 1);
const duplicates = {
  iderisListingModels: [...modelsBySku.values()].filter((models) => models.length > 1).length,
  iderisSkus: [...skuCounts.values()].filter((n) => n > 1).length,
  tinyProducts: [...tinyCodeCounts.values()].filter((n) => n > 1).length,
};
const sentMismatches = [];
for (const product of tinySeed.products) {
  const [model] = modelsBySku.get(product.sku) ?? [];
  if (!model) sentMismatches.push({ sku: product.sku, problem: 'not in Ideris' });
  else if (model.variant.length !== Object.keys(product.variations).length) sentMismatches.push({ sku: product.sku, problem: 'variants' });
  else if (model.kit.length !== product.kit) sentMismatches.push({ sku: product.sku, problem: 'kit' });
}
const received = iderisSeed.listingModels;
const tinyByCode = new Map(tinyState.products.map((product) => [product.codigo, product]));
const receivedMismatches = [];
for (const model of received) {
  const product = tinyByCode.get(model.sku);
  if (!product) receivedMismatches.push({ sku: model.sku, problem: 'not in Tiny' });
  else if (tinyState.products.filter((child) => child.idProdutoPai === product.id).length !== model.variants) receivedMismatches.push({ sku: model.sku, problem: 'variations' });
  else if ((product.kit ?? []).length !== model.kit) receivedMismatches.push({ sku: model.sku, problem: 'kit' });
}

// Tiny batch calls: records per call and the busiest 60 s.
const batches = tinyWrites.filter((write) => !write.blocked);
const maxPerMinute = batches.reduce((max, write) => Math.max(max, batches.filter((other) => other.at >= write.at && other.at < write.at + 60_000).length), 0);
// Echoes: a write to Ideris of a product that came from Ideris, or to Tiny of one that came from Tiny.
const idToSku = new Map(iderisState.listingModels.map((model) => [model.id, model.sku]));
const iderisEchoWrites = iderisWrites.filter((write) => (write.sku ?? idToSku.get(write.id) ?? '').startsWith('RCV-'));
const tinyEchoWrites = tinyWrites.flatMap((write) => write.codes).filter((code) => String(code).startsWith('SND-'));
const [echoesRecognised] = await q(`SELECT count(*)::int AS n FROM "${schema}".product_sync_log WHERE connection_id = $1 AND outcome = 'tiny-notice:echo'`, [connection.id]);
const metrics = await (await fetch(`${gw}/metrics`)).text();
const replySource = (source) => Number(new RegExp(`hub_tiny_product_replies_total\\{source="${source}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);

const result = {
  bench: 'products',
  productsSent: tinySeed.created,
  variationsSent: tinySeed.variations,
  kitsSent: tinySeed.kits,
  mappingsAnswered,
  mappingsExpected: expectedMappings,
  productsNotAnswered: sentCount - answeredFor.size,
  replyMs: { p50: pct(replyMs, 0.5), p95: pct(replyMs, 0.95), max: pct(replyMs, 1), fromCatalog: replySource('catalog'), fromPayload: replySource('payload') },
  iderisListingModelsCreated: iderisWrites.filter((write) => write.method === 'POST' && write.status === 200).length,
  iderisListingModelWrites: iderisWrites.length,
  sentMismatches: sentMismatches.length,
  duplicates: duplicates.iderisListingModels + duplicates.iderisSkus + duplicates.tinyProducts,
  duplicatesDetail: duplicates,
  productsReceived: received.length,
  variationsReceived: iderisSeed.variants,
  kitsReceived: iderisSeed.kits,
  productsReceivedIntoTiny: received.filter((model) => tinyByCode.has(model.sku)).length,
  receivedMismatches: receivedMismatches.length,
  import: { state: importView.state, discovered: importView.discovered, queued: importView.queued, unchanged: importView.unchanged, created: importView.created, updated: importView.updated, failed: importView.failed },
  tinyBatchCalls: batches.length,
  maxRecordsPerBatch: batches.reduce((max, write) => Math.max(max, write.codes.length), 0),
  maxBatchCallsPerMinute: maxPerMinute,
  blocks: (tinyAcc.blocks ?? 0) + (iderisAcc.blocks ?? 0),
  echoes: iderisEchoWrites.length + tinyEchoWrites.length,
  echoesRecognised: echoesRecognised.n,
  tinyNotificationsFailed: finalDeliveries.notifications.filter((n) => n.state === 'failed').length,
  killedCatalog: kill ? (killed ?? 'not reached') : false,
  calls: { tiny: tinyAcc.calls, ideris: iderisAcc.calls, tinyEndpoints: Object.fromEntries(Object.entries(tinyAcc.endpoints).map(([k, v]) => [k, v.calls])), iderisEndpoints: Object.fromEntries(Object.entries(iderisAcc.endpoints).map(([k, v]) => [k, v.calls])) },
  limits: { tinyPerMinute: tinyLimit, tinyBatchPerMinute: 5, iderisPerMinute: iderisLimit },
  seconds: { send: Math.round((sendEndedAt - started) / 100) / 10, receive: Math.round((endedAt - sendEndedAt) / 100) / 10, total: Math.round((endedAt - started) / 100) / 10 },
  timedOut: endedAt >= deadline,
  samples: { sentMismatches: sentMismatches.slice(0, 5), receivedMismatches: receivedMismatches.slice(0, 5) },
  peakRssMB: peaks,
  cpuSeconds,
  // Per product mapping answered (Tiny → Ideris) and product received (Ideris → Tiny).
  cpuSecondsPerItem: perItem(cpuSeconds, mappingsAnswered + (importView.created ?? 0) + (importView.updated ?? 0)),
};
await pool.end();
proxies.forEach((server) => server.close());
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);

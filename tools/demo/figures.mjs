// What the demo moved so far, read as an operator would (the gateway's admin API) and from what the sandbox's
// Ideris and Tiny received. Usage: node tools/demo/figures.mjs   (HUB_PORT_BASE as for npm start)
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEMO_SELLER } from './demo-seller.mjs';

const base = Number(process.env.HUB_PORT_BASE ?? 3000);
const gateway = `http://127.0.0.1:${base}/api/v1`;
const sandbox = `http://127.0.0.1:${base + 100}`;
const key = JSON.parse(readFileSync(join(resolve(import.meta.dirname, '../..'), '.run/secrets.json'), 'utf8')).ADMIN_API_KEYS.split(',')[0];
const get = async (url, auth = true) => {
  const res = await fetch(url, { headers: auth ? { authorization: `Bearer ${key}` } : {} });
  if (!res.ok) throw new Error(`${url} → ${res.status}`);
  return res.json();
};

const connection = (await get(`${gateway}/connections`)).find((c) => c.name === DEMO_SELLER.name);
const c = `${gateway}/connections/${connection.id}`;
const orders = await get(`${c}/orders?limit=500`);
const byState = Object.fromEntries(orders.counts.map((row) => [row.state, row.n]));
const fiscal = { invoicesSent: 0, trackingSent: 0, trackingWaiting: 0 };
for (const order of orders.orders.filter((o) => o.state === 'imported')) {
  const view = await get(`${c}/fiscal/orders/${order.iderisOrderId}`).catch(() => undefined);
  fiscal.invoicesSent += (view?.invoices ?? []).filter((i) => i.state === 'sent').length;
  if (view?.tracking?.state === 'sent') fiscal.trackingSent += 1;
  else if (view?.tracking?.state === 'waiting') fiscal.trackingWaiting += 1;
}
const stock = await get(`${c}/stock`);
const status = await get(`${c}/status/orders?limit=1`);
const products = await get(`${c}/products?limit=500`);
const confirmations = await get(`${c}/price-confirmations`).catch(() => undefined);
const calls = (await get(`${sandbox}/control/calls`, false)).ideris[DEMO_SELLER.iderisPrivateKey]?.endpoints ?? {};
const ok = (endpoint) => calls[endpoint]?.ok ?? 0;
process.stdout.write(`${JSON.stringify({
  connection: { id: connection.id, situation: connection.situation },
  orders: { total: orders.total, byState },
  stock: { pending: stock.pending, lastPushAt: stock.lastPushes[0]?.at ?? null, problems: stock.problems.length },
  products: { total: products.total ?? products.products.length, synced: products.products.filter((p) => p.state === 'synced').length },
  prices: { heldForConfirmation: Array.isArray(confirmations?.confirmations) ? confirmations.confirmations.length : null },
  fiscal,
  status: { writes: status.writes, needsAttention: status.needsAttention },
  iderisReceived: { stockPushes: ok('sku/stock'), pricePushes: ok('listingModel/price'), invoices: ok('order/invoice'), tracking: ok('order/tracking'), statusWrites: ok('order/status'), productWrites: ok('listingModel') },
})}\n`);

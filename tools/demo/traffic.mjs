// A simulated marketplace and seller for the live demo: buyers order every few seconds on two marketplace accounts
// (repeat buyers, now and then a listing without SKU, a cancellation), and the seller works in Tiny (invoices,
// PLPs concluded, orders shipped, stock counts, price changes, "Enviar produto"). It talks only to the sandbox's
// control API: whatever moves in the hub moves because Tiny and Ideris (the sandbox) told it, as in production.
import { DEMO_CATALOG, DEMO_SELLER, SELLABLE } from './demo-seller.mjs';
import { sandboxControl } from './sandbox-control.mjs';

const CANCELLED = 1012;
/** Listings the seller never gave a SKU: their orders wait for a SKU mapping in the hub. */
const LISTINGS_WITHOUT_SKU = [
  { listingCode: 'MLB3284411903', title: 'Mochila Urbana 20 L Preta - anúncio sem SKU', price: 159.9 },
  { listingCode: 'SHP-22871-AZ', title: 'Camiseta Básica Azul M - anúncio sem SKU', price: 59.9 },
];
const FIRST_NAMES = ['Ana', 'Bruno', 'Carla', 'Diego', 'Elisa', 'Fábio', 'Gabriela', 'Heitor', 'Isabela', 'João', 'Larissa', 'Marcos'];
const LAST_NAMES = ['Souza', 'Oliveira', 'Santos', 'Lima', 'Pereira', 'Costa', 'Almeida', 'Ribeiro'];

/** Every how many ms each of the seller's and buyers' habits acts. */
export const DEMO_PACE = { orderEveryMs: 5000, tickMs: 1000, invoiceAfterMs: 5000, shipEveryMs: 15_000, stockEveryMs: 12_000, priceEveryMs: 20_000, productEveryMs: 45_000 };

function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A CPF with valid check digits from its first nine digits. */
export function validCpf(base9) {
  const digits = base9.split('').map(Number);
  for (const weightStart of [10, 11]) {
    const sum = digits.reduce((acc, d, i) => acc + d * (weightStart - i), 0);
    const rest = (sum * 10) % 11;
    digits.push(rest === 10 ? 0 : rest);
  }
  return digits.join('');
}

/**
 * Starts the traffic; returns `{ stop, stats }`. `marketplaces` are the seller's Ideris marketplace accounts. Every
 * step's failure is logged and the loop goes on (a demo that stops at the first 429 shows nothing).
 */
export function startDemoTraffic({ sandboxUrl, marketplaces, seller = DEMO_SELLER, pace = DEMO_PACE, seed = Date.now() % 100_000, log = () => {} }) {
  const sandbox = sandboxControl(sandboxUrl);
  const random = seeded(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const buyers = Array.from({ length: 10 }, (_, i) => ({
    firstName: FIRST_NAMES[i % FIRST_NAMES.length],
    lastName: pick(LAST_NAMES),
    document: validCpf(String(100_000_000 + Math.floor(random() * 899_999_999))),
    email: i % 4 === 3 ? undefined : `${FIRST_NAMES[i % FIRST_NAMES.length].toLowerCase()}.demo${i}@example.com`,
  }));
  const stats = { orders: 0, repeatBuyers: 0, withoutSku: 0, cancelled: 0, invoiced: 0, plps: 0, shipped: 0, stockChanges: 0, priceChanges: 0, productsSent: 0, errors: 0 };
  const seenBuyers = new Set();
  /** Ideris order id → what the demo knows of it. */
  const orders = new Map();
  const byCode = new Map();
  const toShip = [];
  const last = { order: 0, ship: Date.now(), stock: Date.now() - pace.stockEveryMs + 8000, price: Date.now() - pace.priceEveryMs + 10_000, product: 0 };
  let busy = false;
  let stopped = false;

  const step = async (what, fn) => {
    try {
      await fn();
    } catch (error) {
      stats.errors += 1;
      log(`demo traffic: ${what} failed: ${error.message}`);
    }
  };

  async function sell() {
    const n = stats.orders + 1;
    const buyer = pick(buyers);
    const items = [{ ...pick(SELLABLE), quantity: 1 + Math.floor(random() * 2) }];
    if (random() < 0.25) items.push({ ...pick(SELLABLE), quantity: 1 });
    // The 3rd order and then about one in ten name a listing without SKU.
    const withoutSku = n === 3 || (n > 3 && random() < 0.1);
    if (withoutSku) items.splice(0, 1, { sku: null, ...pick(LISTINGS_WITHOUT_SKU), quantity: 1 });
    const marketplace = marketplaces[n % marketplaces.length];
    const [order] = await sandbox.post('/control/ideris/orders', {
      privateKey: seller.iderisPrivateKey,
      authenticationId: marketplace.id,
      customer: buyer,
      items: items.map(({ sku, listingCode, title, quantity, price }) => ({ sku: sku ?? null, listingCode, title, quantity, price })),
    });
    stats.orders = n;
    if (seenBuyers.has(buyer.document)) stats.repeatBuyers += 1;
    seenBuyers.add(buyer.document);
    if (withoutSku) stats.withoutSku += 1;
    // The 5th and then about one in eight are cancelled by the buyer before the seller invoices them.
    const cancel = n === 5 || (n > 5 && random() < 0.12);
    const entry = { id: order.id, code: order.code, createdAt: Date.now(), cancel, invoice: !cancel && random() < 0.9 };
    orders.set(order.id, entry);
    byCode.set(order.code, entry);
  }

  /** The seller's desk: new orders in Tiny get invoiced, the buyer's cancellations reach Ideris. */
  async function work(now) {
    const tiny = await sandbox.get(`/control/tiny/state?token=${encodeURIComponent(seller.tinyToken)}`);
    for (const t of tiny.orders) {
      const o = byCode.get(String(t.numeroEcommerce ?? ''));
      if (!o) continue;
      o.tinyId ??= String(t.id);
      o.seenAt ??= now;
      o.situacao = t.situacao;
    }
    for (const o of orders.values()) {
      // The buyer cancels once the order is in Tiny (status sync carries it back), or after a while if it never got there.
      if (o.cancel && !o.cancelledAt && ((o.seenAt && now - o.seenAt > 2000) || now - o.createdAt > 20_000)) {
        o.cancelledAt = now;
        await step(`cancel ${o.id}`, async () => {
          await sandbox.post(`/control/ideris/orders/${o.id}/status`, { privateKey: seller.iderisPrivateKey, statusId: CANCELLED });
          stats.cancelled += 1;
        });
      }
      if (o.invoice && o.tinyId && !o.invoicedAt && now - o.seenAt > pace.invoiceAfterMs && o.situacao !== 'cancelado') {
        o.invoicedAt = now;
        await step(`invoice ${o.id}`, async () => {
          await sandbox.post(`/control/tiny/orders/${o.tinyId}/invoice`, { token: seller.tinyToken });
          stats.invoiced += 1;
          toShip.push(o);
        });
      }
    }
    return tiny;
  }

  /** A Correios PLP of the invoiced orders, concluded (tracking codes: Tiny notifies `rastreio`), then shipped. */
  async function ship() {
    const batch = toShip.splice(0);
    if (batch.length === 0) return;
    const grouping = await sandbox.post('/control/tiny/groupings', { token: seller.tinyToken, orderIds: batch.map((o) => Number(o.tinyId)), formaEnvio: 'C' });
    await sandbox.post(`/control/tiny/groupings/${grouping.id}/conclude`, { token: seller.tinyToken });
    stats.plps += 1;
    for (const o of batch) {
      await step(`ship ${o.id}`, async () => {
        await sandbox.post(`/control/tiny/orders/${o.tinyId}/situation`, { token: seller.tinyToken, situacao: 'enviado' });
        stats.shipped += 1;
      });
    }
  }

  /** A stock count in Tiny: a sale elsewhere, a delivery from the supplier. */
  async function countStock(tiny) {
    const sellable = tiny.products.filter((p) => SELLABLE.some((s) => s.sku === p.codigo));
    const product = pick(sellable);
    if (!product) return;
    const saldo = product.depositos?.[0]?.saldo ?? 0;
    const next = saldo < 8 ? saldo + 10 + Math.floor(random() * 20) : Math.max(0, saldo - 1 - Math.floor(random() * 3));
    await sandbox.post('/control/tiny/stock', { token: seller.tinyToken, codigo: product.codigo, saldo: next });
    stats.stockChanges += 1;
  }

  /** A price change in Tiny, up or down a few per cent around the list price. */
  async function changePrice(tiny) {
    const base = pick(SELLABLE);
    const product = tiny.products.find((p) => p.codigo === base.sku);
    if (!product) return;
    const factor = 0.95 + random() * 0.1;
    await sandbox.post('/control/tiny/prices', { token: seller.tinyToken, codigo: base.sku, preco: (Math.round(base.price * factor * 100) / 100).toFixed(2) });
    stats.priceChanges += 1;
  }

  /** "Enviar produto" on Tiny's screen: the whole catalogue at start, then one product now and then. */
  async function sendProduct() {
    if (last.product === 0) await sandbox.post('/control/tiny/webhooks/send-products', { token: seller.tinyToken });
    else await sandbox.post('/control/tiny/webhooks/send-product', { token: seller.tinyToken, codigo: pick(DEMO_CATALOG).sku });
    stats.productsSent += 1;
  }

  async function tick() {
    if (busy || stopped) return;
    busy = true;
    const now = Date.now();
    try {
      if (now - last.order >= pace.orderEveryMs * (0.6 + random() * 0.8)) {
        last.order = now;
        await step('sell', sell);
      }
      let tiny;
      await step('seller desk', async () => (tiny = await work(now)));
      if (now - last.ship >= pace.shipEveryMs) {
        last.ship = now;
        await step('ship', ship);
      }
      if (tiny && now - last.stock >= pace.stockEveryMs) {
        last.stock = now;
        await step('stock count', () => countStock(tiny));
      }
      if (tiny && now - last.price >= pace.priceEveryMs) {
        last.price = now;
        await step('price change', () => changePrice(tiny));
      }
      if (now - last.product >= pace.productEveryMs) {
        await step('send product', sendProduct);
        last.product = now;
      }
    } finally {
      busy = false;
    }
  }

  const timer = setInterval(() => void tick(), pace.tickMs);
  void tick();
  return {
    stats,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

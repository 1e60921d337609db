import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { dropSchema, sql, uniqueSuffix, waitFor } from '@hub/testing';
import { OrdersAppModule } from '../../orders/src/app.module';
import { createSandboxConnection, sandboxJson, SELLER, startGateway, startService, type GatewayHarness } from './gateway-harness';

interface Seeded {
  id: number;
  marketplace: string;
  /** Ideris's approval (null: Ideris gave none), and when the hub saw the order. */
  approved: string | null;
  discovered: string;
  state: 'imported' | 'needs_mapping';
}

/** The order's day in Brasília time, as the dashboard's date inputs write it. */
const brasiliaDay = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo' }).format(at);

/**
 * Orders of one connection around the São Paulo midnight of 2026-03-08 (03:00 UTC) and the next one, in two
 * marketplaces: 5 of Mercado Livre on the 8th (both ends of the day, one whose Ideris approval is missing and counts
 * by when the hub saw it), 2 of Shopee on the 8th, one of Mercado Livre each on the 7th and the 9th, one of Shopee on
 * the 10th. Seeded as rows: the poller reads only the last 24 h of Ideris, and these days are fixed.
 */
const SEEDED: Seeded[] = [
  { id: 9_000_001, marketplace: 'Mercado Livre', approved: '2026-03-08T03:00:00Z', discovered: '2026-03-08T03:01:00Z', state: 'imported' },
  { id: 9_000_002, marketplace: 'Mercado Livre', approved: '2026-03-09T02:59:59Z', discovered: '2026-03-09T03:05:00Z', state: 'imported' },
  { id: 9_000_003, marketplace: 'Mercado Livre', approved: null, discovered: '2026-03-08T15:00:00Z', state: 'imported' },
  { id: 9_000_004, marketplace: 'Mercado Livre', approved: '2026-03-08T12:00:00Z', discovered: '2026-03-08T12:01:00Z', state: 'needs_mapping' },
  { id: 9_000_005, marketplace: 'Mercado Livre', approved: '2026-03-08T18:00:00Z', discovered: '2026-03-08T18:01:00Z', state: 'imported' },
  { id: 9_000_006, marketplace: 'Shopee', approved: '2026-03-08T13:00:00Z', discovered: '2026-03-08T13:01:00Z', state: 'imported' },
  { id: 9_000_007, marketplace: 'Shopee', approved: '2026-03-08T14:00:00Z', discovered: '2026-03-08T14:01:00Z', state: 'needs_mapping' },
  { id: 9_000_008, marketplace: 'Mercado Livre', approved: '2026-03-08T02:59:59Z', discovered: '2026-03-08T03:00:30Z', state: 'imported' },
  { id: 9_000_009, marketplace: 'Mercado Livre', approved: '2026-03-09T03:00:00Z', discovered: '2026-03-09T03:00:30Z', state: 'imported' },
  { id: 9_000_010, marketplace: 'Shopee', approved: '2026-03-10T12:00:00Z', discovered: '2026-03-10T12:01:00Z', state: 'imported' },
];
const MERCADO_LIVRE_ON_THE_8TH = [9_000_001, 9_000_002, 9_000_003, 9_000_004, 9_000_005];

/** The orders page's list over the gateway and the orders service: marketplace and day range filtered on the server. */
describe('operator dashboard: the orders list filtered by marketplace and day', () => {
  let h: GatewayHarness;
  let orders: INestApplication;
  let connectionId: string;
  let discovered: { id: number; approved: string };
  const ordersSchema = uniqueSuffix('orders');

  const list = (query: string) => h.api('GET', `/api/v1/connections/${connectionId}/orders?${query}`);
  /** Every page of a filter, `limit` at a time, as the pager and the CSV export read them. */
  async function allPages(query: string, limit: number) {
    const pages: { total: number; ids: number[] }[] = [];
    for (let offset = 0; offset === 0 || offset < pages[0]!.total; offset += limit) {
      const res = await list(`${query}&limit=${limit}&offset=${offset}`);
      expect(res.status).toBe(200);
      pages.push({ total: res.body.total, ids: res.body.orders.map((o: { iderisOrderId: number }) => o.iderisOrderId) });
    }
    return pages;
  }

  beforeAll(async () => {
    h = await startGateway();
    orders = await startService(h, OrdersAppModule.forConfig, ordersSchema, 'orders');
    connectionId = (await createSandboxConnection(h)).id;
    await sandboxJson(h, 'POST', '/control/ideris/marketplaces', { privateKey: SELLER.iderisPrivateKey, marketplaceName: 'Mercado Livre' });
    const shopee = await sandboxJson(h, 'POST', '/control/ideris/marketplaces', { privateKey: SELLER.iderisPrivateKey, marketplaceName: 'Shopee' });
    // One order found by the poller, approved two hours ago: its Ideris approval is the date the filter reads.
    const [order] = await sandboxJson(h, 'POST', '/control/ideris/orders', { privateKey: SELLER.iderisPrivateKey, marketplaceId: shopee.id, approved: new Date(Date.now() - 2 * 3_600_000).toISOString() });
    discovered = { id: order.id, approved: new Date(order.approved).toISOString() };
    expect((await h.api('POST', `/api/v1/connections/${connectionId}/activate`)).status).toBe(200);
    await waitFor(async () => (await sql(`SELECT 1 FROM "${ordersSchema}".order_sync WHERE ideris_order_id = $1`, [discovered.id])).length === 1, 60_000, 200);
    for (const o of SEEDED)
      await sql(
        `INSERT INTO "${ordersSchema}".order_sync (id, connection_id, ideris_order_id, marketplace, marketplace_order_code, visible_at, discovered_at, state, work_status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'done')`,
        [randomUUID(), connectionId, o.id, o.marketplace, `2000${o.id}`, o.approved, o.discovered, o.state],
      );
  }, 120_000);

  afterAll(async () => {
    await orders?.close();
    await h?.close();
    for (const schema of [h.schema, ordersSchema]) await dropSchema(schema);
  });

  it('pages one marketplace\'s orders of a day (Brasília time, both ends included) with the total and the counts of that filter', async () => {
    const pages = await allPages('marketplace=mercado%20livre&from=2026-03-08&to=2026-03-08', 2);
    expect(pages.map((p) => p.ids.length)).toEqual([2, 2, 1]);
    expect(pages.every((p) => p.total === 5)).toBe(true);
    const ids = pages.flatMap((p) => p.ids);
    expect(new Set(ids).size).toBe(5);
    expect([...ids].sort()).toEqual(MERCADO_LIVRE_ON_THE_8TH);
    const first = await list('marketplace=Mercado%20Livre&from=2026-03-08&to=2026-03-08&limit=2');
    expect(first.body.orders.every((o: { marketplace: string }) => o.marketplace === 'Mercado Livre')).toBe(true);
    expect(first.body.counts).toEqual([
      { state: 'imported', work_status: 'done', n: 4 },
      { state: 'needs_mapping', work_status: 'done', n: 1 },
    ]);
    const fallback = (await list('from=2026-03-08&to=2026-03-08&state=imported&marketplace=MERCADO%20LIVRE&limit=50')).body.orders.find((o: { iderisOrderId: number }) => o.iderisOrderId === 9_000_003);
    expect(fallback).toMatchObject({ approvedAt: null, discoveredAt: '2026-03-08T15:00:00.000Z' });
  });

  it('filters by a day range alone, by a marketplace alone, and with the state on top (counts ignore only the state)', async () => {
    const range = await allPages('from=2026-03-08&to=2026-03-09', 3);
    expect(pages(range)).toEqual({ total: 8, sizes: [3, 3, 2] });
    expect(range.flatMap((p) => p.ids).sort()).toEqual([...MERCADO_LIVRE_ON_THE_8TH, 9_000_006, 9_000_007, 9_000_009]);

    const parked = await list('from=2026-03-08&to=2026-03-09&state=needs_mapping');
    expect(parked.body.total).toBe(2);
    expect(parked.body.orders.map((o: { iderisOrderId: number }) => o.iderisOrderId).sort()).toEqual([9_000_004, 9_000_007]);
    expect(parked.body.counts.reduce((n: number, c: { n: number }) => n + c.n, 0)).toBe(8);

    const shopee = await allPages('marketplace=shopee', 2);
    expect(pages(shopee)).toEqual({ total: 4, sizes: [2, 2] });
    expect(shopee.flatMap((p) => p.ids).sort()).toEqual([9_000_006, 9_000_007, 9_000_010, discovered.id].sort());
    expect((await list('from=2026-03-11')).body.orders.map((o: { iderisOrderId: number }) => o.iderisOrderId)).toEqual([discovered.id]);
    expect((await list('to=2026-03-07')).body).toMatchObject({ total: 1, orders: [{ iderisOrderId: 9_000_008 }] });
    expect((await list('marketplace=Amazon')).body).toMatchObject({ total: 0, orders: [], counts: [] });
  });

  it('dates an order the poller found by its Ideris approval', async () => {
    const day = brasiliaDay(new Date(discovered.approved));
    const res = await list(`marketplace=Shopee&from=${day}&to=${day}`);
    expect(res.body).toMatchObject({ total: 1, orders: [{ iderisOrderId: discovered.id, marketplace: 'Shopee', approvedAt: discovered.approved }] });
  });

  it.each([
    ['from=2026-03-09&to=2026-03-08', 'to: must not be before from (2026-03-09)'],
    ['from=2026-02-30', 'from: must be a day written YYYY-MM-DD (got "2026-02-30")'],
    ['to=08%2F03%2F2026', 'to: must be a day written YYYY-MM-DD (got "08/03/2026")'],
    ['marketplace=', 'marketplace: marketplace must be longer than or equal to 1 characters'],
  ])('answers 400 with the reason for %s', async (query, reason) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual([reason]);
    const bulk = await h.api('POST', `/api/v1/connections/${connectionId}/orders/reprocess-parked?${query}`);
    expect(bulk.status).toBe(400);
    expect(bulk.body.message).toEqual([reason]);
  });

  it('queues again only the parked orders of the filter the list shows', async () => {
    const res = await h.api('POST', `/api/v1/connections/${connectionId}/orders/reprocess-parked?marketplace=Mercado%20Livre&from=2026-03-08&to=2026-03-08`);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ requeued: 1 });
    const history = await sql<{ ideris_order_id: string }>(
      `SELECT s.ideris_order_id FROM "${ordersSchema}".order_history h JOIN "${ordersSchema}".order_sync s ON s.id = h.order_sync_id WHERE h.kind = 'requeued' AND s.connection_id = $1`,
      [connectionId],
    );
    expect(history.map((r) => Number(r.ideris_order_id))).toEqual([9_000_004]);
  });
});

function pages(all: { total: number; ids: number[] }[]) {
  expect(new Set(all.map((p) => p.total)).size).toBe(1);
  return { total: all[0]!.total, sizes: all.map((p) => p.ids.length) };
}

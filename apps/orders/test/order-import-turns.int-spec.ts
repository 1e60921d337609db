import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { dropSchema, sql, uniqueSuffix, waitFor } from '@hub/testing';
import { createSandboxConnection, sandboxJson, SELLER, startGateway, startService, type GatewayHarness, type SandboxSeller } from '../../gateway/test/gateway-harness';
import { OrdersAppModule } from '../src/app.module';
import { OrderSyncRepository } from '../src/import/order-sync.repository';
import { ORDER_IMPORTS_IN_FLIGHT } from '../src/import/order-import.handler';

/**
 * Per-connection import turns (ADR 0031) through the running services: one connection's backlog, waiting for its own
 * tight budget, does not hold back another connection's orders (head-of-line blocking in the one import consumer), and
 * orders left waiting for a turn are all imported, once each. Real PostgreSQL, NATS and the sandbox over HTTP.
 */
describe('order import turns: a connection’s backlog does not hold back the others', () => {
  let h: GatewayHarness;
  let orders: INestApplication;
  const ordersSchema = uniqueSuffix('orders_turns');
  const run = randomBytes(5).toString('hex');
  /** Tiny 30 calls a minute (an import every ~2 s), Ideris 600 (the backlog is discovered at once): 2 turns. */
  const slow: SandboxSeller = { cnpj: '12345678000195', tinyToken: `tiny-slow-${run}-${'c'.repeat(30)}`, iderisPrivateKey: `${run}${'d'.repeat(86)}`, callsPerMinute: 30, iderisCallsPerMinute: 600 };
  /** Tiny 600 / Ideris 600: 20 turns. */
  const fast: SandboxSeller = { ...SELLER, tinyToken: `tiny-fast-${run}-${'e'.repeat(30)}`, iderisPrivateKey: `${run}${'f'.repeat(86)}` };
  let slowId: string;
  let fastId: string;

  const states = async (connectionId: string) =>
    (await sql<{ state: string; waiting: boolean; running: boolean; n: number }>(
      `SELECT state, deferred_at IS NOT NULL AND state = 'discovered' AS waiting, coalesce(claimed_until > now(), false) AS running, count(*)::int AS n
         FROM "${ordersSchema}".order_sync WHERE connection_id = $1 GROUP BY 1, 2, 3`,
      [connectionId],
    ));
  const count = async (connectionId: string, where: (s: { state: string; waiting: boolean; running: boolean }) => boolean) =>
    (await states(connectionId)).filter(where).reduce((sum, s) => sum + s.n, 0);
  const tinyOrders = async (token: string): Promise<{ numeroEcommerce?: string }[]> => (await sandboxJson(h, 'GET', `/control/tiny/state?token=${encodeURIComponent(token)}`)).orders;
  const activate = async (connectionId: string) => expect((await h.api('POST', `/api/v1/connections/${connectionId}/activate`)).status).toBe(200);

  beforeAll(async () => {
    h = await startGateway();
    orders = await startService(h, OrdersAppModule.forConfig, ordersSchema, 'orders');
    slowId = (await createSandboxConnection(h, uniqueSuffix('slow-seller'), slow)).id;
    fastId = (await createSandboxConnection(h, uniqueSuffix('fast-seller'), fast)).id;
    for (const seller of [slow, fast]) await sandboxJson(h, 'POST', '/control/ideris/marketplaces', { privateKey: seller.iderisPrivateKey, marketplaceName: 'Mercado Livre' });
  });

  afterAll(async () => {
    await orders?.close();
    await h?.close();
    await dropSchema(h.schema);
    await dropSchema(ordersSchema);
  });

  it('imports another connection’s orders at once while a backlog larger than the consumer’s slots waits for its own budget', async () => {
    // More jobs than the replica’s slots plus the budget’s first burst (30 calls at once), queued ahead of the other connection’s.
    const backlog = ORDER_IMPORTS_IN_FLIGHT + 80;
    // Approved a second apart, all in the past: one poll finds them all.
    await sandboxJson(h, 'POST', '/control/ideris/orders', { privateKey: slow.iderisPrivateKey, count: backlog, approved: new Date(Date.now() - (backlog + 10) * 1000).toISOString() });
    await activate(slowId);
    await waitFor(async () => (await count(slowId, () => true)) === backlog, 60_000, 250);
    // Every job past the connection's 2 turns left its order waiting in order_sync and was acknowledged.
    await waitFor(async () => (await count(slowId, (s) => s.waiting)) >= backlog - 4, 30_000, 250);

    const created: { id: number; code: string }[] = await sandboxJson(h, 'POST', '/control/ideris/orders', { privateKey: fast.iderisPrivateKey, count: 30, approved: new Date(Date.now() - 40_000).toISOString() });
    const startedAt = Date.now();
    await activate(fastId);
    await waitFor(async () => (await count(fastId, (s) => s.state === 'imported')) === 30, 30_000, 200);
    const fastMs = Date.now() - startedAt;
    const inTiny = await tinyOrders(fast.tinyToken);
    for (const order of created) expect(inTiny.filter((o) => o.numeroEcommerce === order.code)).toHaveLength(1);

    // The backlog is still mostly waiting (30 calls a minute), with no more imports in flight than its turns.
    const slowImported = await count(slowId, (s) => s.state === 'imported');
    expect(slowImported).toBeLessThan(backlog / 2);
    expect(await count(slowId, (s) => s.running)).toBeLessThanOrEqual(2);
    expect(await count(slowId, (s) => s.waiting)).toBeGreaterThan(backlog / 2);
    // The panel tells a waiting order from one merely queued.
    const queued = (await h.api('GET', `/api/v1/connections/${slowId}/orders?workStatus=queued&limit=200`)).body.orders as { waitingForTurnSince: string | null }[];
    expect(queued.filter((o) => o.waitingForTurnSince !== null).length).toBeGreaterThan(backlog / 2);
    // Before the turns, the fast connection's jobs sat behind the 128 slots the backlog held: minutes, not seconds.
    expect(fastMs).toBeLessThan(30_000);
  }, 180_000);

  it('imports every order left waiting for a turn, once each (a connection with more orders than its turns)', async () => {
    // A third seller (Tiny and Ideris 600: 20 turns) with 150 orders, all found by its first poll.
    const seller: SandboxSeller = { ...SELLER, tinyToken: `tiny-many-${run}-${'g'.repeat(30)}`, iderisPrivateKey: `${run}${'h'.repeat(86)}` };
    const connectionId = (await createSandboxConnection(h, uniqueSuffix('many-seller'), seller)).id;
    await sandboxJson(h, 'POST', '/control/ideris/marketplaces', { privateKey: seller.iderisPrivateKey, marketplaceName: 'Shopee' });
    const created: { id: number; code: string }[] = await sandboxJson(h, 'POST', '/control/ideris/orders', { privateKey: seller.iderisPrivateKey, count: 150, approved: new Date(Date.now() - 160_000).toISOString() });
    await activate(connectionId);
    await waitFor(async () => (await count(connectionId, (s) => s.state === 'imported')) === 150, 90_000, 250);
    const inTiny = await tinyOrders(seller.tinyToken);
    for (const order of created) expect(inTiny.filter((o) => o.numeroEcommerce === order.code)).toHaveLength(1);
    expect(inTiny).toHaveLength(150);
    const history = await sql<{ kind: string; n: number }>(
      `SELECT h.kind, count(*)::int AS n FROM "${ordersSchema}".order_history h JOIN "${ordersSchema}".order_sync o ON o.id = h.order_sync_id
        WHERE o.connection_id = $1 GROUP BY h.kind`,
      [connectionId],
    );
    expect(history.find((x) => x.kind === 'created')?.n).toBe(150);
    // Most of them waited for a turn (20 at a time), and none is left waiting.
    const waited = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "${ordersSchema}".order_sync WHERE connection_id = $1 AND deferred_at IS NOT NULL`, [connectionId]);
    expect(waited[0]!.n).toBeGreaterThan(100);
    expect(await count(connectionId, (s) => s.waiting)).toBe(0);
  }, 120_000);

  it('takes the longest-waiting due order not being imported, and an operator’s job makes a later-due order due now', async () => {
    const repo = orders.get(OrderSyncRepository);
    // A connection the directory does not know: no turn of this replica takes its orders.
    const connectionId = randomUUID();
    const insert = (id: number, deferredSecondsAgo: number | null, claimed = false) =>
      sql(
        `INSERT INTO "${ordersSchema}".order_sync (id, connection_id, ideris_order_id, state, work_status, deferred_at, deferred_trigger, claimed_by, claimed_until)
         VALUES (gen_random_uuid(), $1, $2, 'discovered', 'queued', CASE WHEN $3::int IS NULL THEN NULL ELSE now() - make_interval(secs => $3::int) END, 'poll', $4, $5)`,
        [connectionId, id, deferredSecondsAgo, claimed ? 'someone' : null, claimed ? new Date(Date.now() + 60_000) : null],
      );
    await insert(1, 30, true); // oldest, but being imported
    await insert(2, 20);
    await insert(3, 10);
    await insert(4, null); // has its own job
    expect(await repo.takeDeferred(connectionId, 30_000)).toEqual({ iderisOrderId: 2, trigger: 'poll' });
    expect(await repo.takeDeferred(connectionId, 30_000)).toEqual({ iderisOrderId: 3, trigger: 'poll' });
    // Both are held for 30 s now, order 1 is claimed and order 4 is not waiting.
    expect(await repo.takeDeferred(connectionId, 30_000)).toBeUndefined();
    expect(await repo.connectionsWithDeferredDue(500)).not.toContain(connectionId);
    // A job over the connection's turns keeps the order's place; an operator's makes it due now, read afresh.
    expect(await repo.defer(connectionId, 4, 'poll')).toBe(true);
    expect(await repo.defer(connectionId, 2, 'operator')).toBe(true);
    expect(await repo.connectionsWithDeferredDue(500)).toContain(connectionId);
    const next = [await repo.takeDeferred(connectionId, 30_000), await repo.takeDeferred(connectionId, 30_000)];
    expect(next).toEqual(expect.arrayContaining([{ iderisOrderId: 2, trigger: 'operator' }, { iderisOrderId: 4, trigger: 'poll' }]));
    // A retry waits its delay; a given-up order waits no more; an order settled meanwhile is never taken.
    await repo.redefer(connectionId, 2, 0);
    await repo.redefer(connectionId, 4, null);
    expect(await repo.takeDeferred(connectionId, 30_000)).toEqual({ iderisOrderId: 2, trigger: 'operator' });
    await sql(`UPDATE "${ordersSchema}".order_sync SET state = 'imported', deferred_at = now() - interval '1 minute' WHERE connection_id = $1 AND ideris_order_id = 3`, [connectionId]);
    expect(await repo.takeDeferred(connectionId, 30_000)).toBeUndefined();
    expect(await repo.defer(connectionId, 3, 'poll')).toBe(false);
  });
});

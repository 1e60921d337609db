import type { INestApplication } from '@nestjs/common';
import { dropSchema, sql, uniqueSuffix, waitFor } from '@hub/testing';
import { OrdersAppModule } from '../../orders/src/app.module';
import { CatalogAppModule } from '../../catalog/src/app.module';
import { FiscalShippingAppModule } from '../../fiscal-shipping/src/app.module';
import { StatusSyncAppModule } from '../../status-sync/src/app.module';
import { createSandboxConnection, sandboxJson, SELLER, startGateway, startService, type GatewayHarness } from './gateway-harness';

/**
 * The dashboard API over the gateway, orders and status-sync in-process (real PostgreSQL, NATS, the sandbox); catalog
 * and fiscal-shipping are started one at a time for their part (PostgreSQL's connections are shared by the machine),
 * and a service that is not running is reported missing (`partial`) instead of failing the page.
 */
describe('operator dashboard API (gateway aggregating the services)', () => {
  let h: GatewayHarness;
  let orders: INestApplication;
  let others: INestApplication[] = [];
  let connectionId: string;
  const ordersSchema = uniqueSuffix('orders');
  const otherSchemas = [uniqueSuffix('status'), uniqueSuffix('catalog'), uniqueSuffix('fiscal')];
  let parked: { id: number; code: string };
  let imported: { id: number; code: string };

  const orderRow = async (iderisOrderId: number) =>
    (await sql<{ state: string; work_status: string }>(`SELECT state, work_status FROM "${ordersSchema}".order_sync WHERE ideris_order_id = $1`, [iderisOrderId]))[0];
  const ordersFlow = async () => {
    const res = await h.api('GET', `/api/v1/overview?q=${encodeURIComponent(connectionId)}`);
    expect(res.status).toBe(200);
    return { body: res.body, orders: res.body.items[0].flows.orders };
  };

  beforeAll(async () => {
    h = await startGateway();
    orders = await startService(h, OrdersAppModule.forConfig, ordersSchema, 'orders');
    others = [await startService(h, StatusSyncAppModule.forConfig, otherSchemas[0]!, 'status-sync')];
    connectionId = (await createSandboxConnection(h)).id;
    await sandboxJson(h, 'POST', '/control/ideris/marketplaces', { privateKey: SELLER.iderisPrivateKey, marketplaceName: 'Mercado Livre' });
    expect((await h.api('POST', `/api/v1/connections/${connectionId}/activate`)).status).toBe(200);
    [imported] = await sandboxJson(h, 'POST', '/control/ideris/orders', { privateKey: SELLER.iderisPrivateKey, count: 1 });
    // A listing without SKU and no de-para for its listing code: the order parks as needs mapping.
    const peak = await sandboxJson(h, 'POST', '/control/ideris/orders/peak', { privateKey: SELLER.iderisPrivateKey, orders: 1, accounts: 1, nullSkuRate: 1, kitRate: 0, spreadSeconds: 5 });
    parked = { id: peak.firstId, code: `2000${peak.firstId}` };
    await waitFor(async () => (await orderRow(imported.id))?.state === 'imported' && (await orderRow(parked.id))?.state === 'needs_mapping', 80_000, 200);
  }, 120_000);

  afterAll(async () => {
    for (const app of [orders, ...others]) await app?.close();
    await h?.close();
    for (const schema of [h.schema, ordersSchema, ...otherSchemas]) await dropSchema(schema);
  });

  it('lists a needs-mapping order in the failure inbox with its reason and refs', async () => {
    const res = await h.api('GET', `/api/v1/failures?connectionId=${connectionId}&flow=orders`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    expect(res.body.items[0]).toMatchObject({
      flow: 'orders', connectionId, connectionName: expect.any(String), key: String(parked.id), status: 'waiting', outcome: 'needs_mapping', reasonCode: 'needs_mapping',
      reasonDetail: expect.stringContaining('MLB'), refs: { iderisOrderId: String(parked.id), marketplaceOrderCode: parked.code },
    });
    const all = await h.api('GET', `/api/v1/failures?connectionId=${connectionId}`);
    expect(all.body.partial.sort()).toEqual(['catalog', 'fiscal-shipping']);
    expect(all.body.items.map((i: { ref: string }) => i.ref)).toContain(res.body.items[0].ref);

    const groups = await h.api('GET', `/api/v1/failures/groups?connectionId=${connectionId}`);
    expect(groups.body.groups).toEqual([expect.objectContaining({ connectionId, flow: 'orders', reasonCode: 'needs_mapping', count: 1 })]);
    const item = await h.api('GET', `/api/v1/failures/item?ref=${encodeURIComponent(res.body.items[0].ref)}`);
    expect(item.status).toBe(200);
    expect(item.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(['discovered', 'parked']);
    expect(JSON.stringify(item.body.request)).not.toContain(SELLER.iderisPrivateKey);
  });

  it('shows a key scoped to other connections none of these failures, and one scoped to this connection all of them', async () => {
    const other = (await h.api('POST', '/api/v1/connections', { name: 'Outra loja (escopo)' })).body;
    const elsewhere = (await h.api('POST', '/api/v1/api-keys', { name: 'outra', rights: 'read', connectionIds: [other.id] })).body.key;
    const here = (await h.api('POST', '/api/v1/api-keys', { name: 'esta', rights: 'read', connectionIds: [connectionId] })).body.key;
    const as = (key: string) => ({ authorization: `Bearer ${key}` });
    const none = await h.api('GET', '/api/v1/failures?flow=orders', undefined, as(elsewhere));
    expect(none.body.total).toBe(0);
    expect((await h.api('GET', '/api/v1/failures/groups', undefined, as(elsewhere))).body.groups).toEqual([]);
    expect((await h.api('GET', `/api/v1/search?q=${parked.code}`, undefined, as(elsewhere))).body.hits).toEqual([]);
    const mine = await h.api('GET', '/api/v1/failures?flow=orders', undefined, as(here));
    expect(mine.body.items.map((i: { key: string }) => i.key)).toEqual([String(parked.id)]);
    expect((await h.api('GET', `/api/v1/search?q=${parked.code}`, undefined, as(here))).body.hits.length).toBeGreaterThan(0);
    await h.api('DELETE', `/api/v1/connections/${other.id}`);
  });

  it('retries refs and filters, answering queued and skipped (an imported order is already done)', async () => {
    const refs = [`orders~${connectionId}~${parked.id}`, `orders~${connectionId}~${imported.id}`, `orders~${connectionId}~999999999`, 'not-a-ref'];
    const byRefs = await h.api('POST', '/api/v1/failures/retry', { refs });
    expect(byRefs.status).toBe(200);
    expect(byRefs.body).toMatchObject({ matched: 4, queued: 1, skipped: 3, skippedReasons: { already_done: 1, not_found: 2 } });
    await waitFor(async () => (await orderRow(parked.id))?.work_status === 'done', 30_000, 100);

    const byFilter = await h.api('POST', '/api/v1/failures/retry', { filter: { connectionId, flow: 'orders', reasonCode: 'needs_mapping' } });
    expect(byFilter.body).toMatchObject({ matched: 1, queued: 1, skipped: 0 });
    await waitFor(async () => (await orderRow(parked.id))?.work_status === 'done', 30_000, 100);
    // A filter naming an id reaches the item whatever its state: the imported order is already done.
    const byId = await h.api('POST', '/api/v1/failures/retry', { filter: { connectionId, q: imported.code } });
    expect(byId.body).toMatchObject({ matched: 1, queued: 0, skipped: 1, skippedReasons: { already_done: 1 } });
    const none = await h.api('POST', '/api/v1/failures/retry', { filter: { connectionId, flow: 'orders', reasonCode: 'refused_by_tiny' } });
    expect(none.body).toMatchObject({ matched: 0, queued: 0 });
    expect((await h.api('POST', '/api/v1/failures/retry', {})).status).toBe(400);
  });

  it('finds an order by its marketplace number, and the connection by its name', async () => {
    const res = await h.api('GET', `/api/v1/search?q=${imported.code}`);
    expect(res.status).toBe(200);
    expect(res.body.hits).toEqual([expect.objectContaining({ kind: 'order', connectionId, refs: expect.objectContaining({ iderisOrderId: String(imported.id), marketplaceOrderCode: imported.code, tinyOrderId: expect.any(String) }) })]);
    const name = (await h.api('GET', `/api/v1/connections/${connectionId}`)).body.name;
    expect((await h.api('GET', `/api/v1/search?q=${name}`)).body.hits[0]).toMatchObject({ kind: 'connection', connectionId });
  });

  it('shows the orders flow late when its poller has not succeeded for more than its cadence, and failing when it fails', async () => {
    const first = await ordersFlow();
    expect(first.body.partial.sort()).toEqual(['catalog', 'fiscal-shipping']);
    expect(first.orders).toMatchObject({ failures: 1, lastSuccessAt: expect.any(String), poller: { lastSuccessAt: expect.any(String) } });
    expect(['ok', 'failing']).toContain(first.orders.state);
    expect(first.body.items[0].flows).toMatchObject({ stock: { state: 'unknown' }, invoices: { state: 'unknown' }, status: { state: expect.stringMatching(/ok|late/) } });

    // Another holder keeps the poller's lease (as a dead process would until it lapses) and the last success ages.
    const poll = (set: string) => sql(`UPDATE "${ordersSchema}".poll_state SET ${set} WHERE connection_id = $1`, [connectionId]);
    // Taken only when free: a round in flight holds the lease until its end.
    await waitFor(async () => (await sql(
      `UPDATE "${ordersSchema}".poll_state SET lease_holder = 'a-dead-replica', lease_until = now() + interval '1 hour', last_poll_at = now() - interval '5 minutes'
        WHERE connection_id = $1 AND (lease_until IS NULL OR lease_until < now()) RETURNING 1`, [connectionId])).length === 1, 40_000, 100);
    await sql(`UPDATE "${ordersSchema}".order_sync SET updated_at = now() - interval '10 minutes' WHERE connection_id = $1`, [connectionId]);
    expect((await ordersFlow()).orders.state).toBe('late');

    // The lease lapses; the next round finds Ideris answering 500 on every search page.
    await sandboxJson(h, 'POST', '/control/faults', { system: 'ideris', account: SELLER.iderisPrivateKey, endpoint: 'order/search', httpStatus: 500 });
    try {
      await poll(`lease_holder = NULL, lease_until = NULL, next_poll_at = now()`);
      const failing = await waitFor(async () => {
        const flow = await ordersFlow();
        return flow.orders.state === 'failing' ? flow : undefined;
      }, 40_000, 250);
      expect(failing.body.items[0].health).toBe('failing');
      expect(failing.orders.poller.lastError).toEqual(expect.any(String));
    } finally {
      await sandboxJson(h, 'DELETE', '/control/faults');
    }
  }, 90_000);

  it('shows a flow switched off in the connection\'s settings as off', async () => {
    await sql(`UPDATE "${h.schema}".connection SET settings = settings || '{"flows": {"invoices": false}}' WHERE id = $1`, [connectionId]);
    try {
      const flows = (await ordersFlow()).body.items[0].flows;
      expect(flows.invoices.state).toBe('off');
      expect(flows.orders.state).not.toBe('off');
    } finally {
      await sql(`UPDATE "${h.schema}".connection SET settings = settings - 'flows' WHERE id = $1`, [connectionId]);
    }
  });

  it('describes every dashboard route and its answer in the OpenAPI document', async () => {
    const doc = (await h.api('GET', '/api/docs/openapi.json')).body;
    const ok = (path: string, method = 'get') => doc.paths[path]?.[method]?.responses?.['200']?.content?.['application/json']?.schema?.$ref;
    expect(ok('/api/v1/overview')).toBe('#/components/schemas/OverviewAnswer');
    expect(ok('/api/v1/failures')).toBe('#/components/schemas/FailuresAnswer');
    expect(ok('/api/v1/failures/retry', 'post')).toBe('#/components/schemas/RetryAnswer');
    expect(ok('/api/v1/connections/{id}/budget')).toBe('#/components/schemas/BudgetAnswer');
    expect(Object.keys(doc.components.schemas.FlowsFreshness.properties).sort()).toEqual(['invoices', 'messages', 'orders', 'prices', 'products', 'status', 'stock', 'tracking']);
  });

  it('reports the connection\'s budgets and its activity per hour', async () => {
    const budget = await h.api('GET', `/api/v1/connections/${connectionId}/budget`);
    expect(budget.status).toBe(200);
    expect(budget.body.tiny).toMatchObject({ limitPerMinute: SELLER.callsPerMinute, byLane: expect.any(Object), blocks: { last24h: expect.any(Number) } });
    expect(budget.body.perMinute).toHaveLength(60);
    expect(budget.body.perMinute.reduce((n: number, m: { tiny: number }) => n + m.tiny, 0)).toBeGreaterThan(0);
    const activity = await h.api('GET', `/api/v1/activity?connectionId=${connectionId}&hours=24`);
    expect(activity.status).toBe(200);
    expect(activity.body.buckets).toContainEqual(expect.objectContaining({ flow: 'orders', processed: 1 }));
  });

  it.each([
    ['catalog', CatalogAppModule.forConfig, 1, ['stock', 'prices', 'products']],
    ['fiscal-shipping', (config: Parameters<typeof FiscalShippingAppModule.forConfig>[0]) => FiscalShippingAppModule.forConfig(config), 2, ['invoices', 'tracking']],
  ] as const)('%s answers every work question over its own tables', async (service, forConfig, schemaAt, flows) => {
    const app = await startService(h, forConfig, otherSchemas[schemaAt]!, service);
    try {
      const overview = await h.api('GET', `/api/v1/overview?q=${encodeURIComponent(connectionId)}`);
      expect(overview.body.partial).not.toContain(service);
      for (const flow of flows) {
        expect(overview.body.items[0].flows[flow]).toMatchObject({ state: 'idle', failures: 0, pending: 0 });
        const failures = await h.api('GET', `/api/v1/failures?connectionId=${connectionId}&flow=${flow}&q=X-1&olderThanMinutes=1&status=waiting`);
        expect(failures.body).toEqual({ total: 0, items: [], partial: [] });
        const retried = await h.api('POST', '/api/v1/failures/retry', { filter: { connectionId, flow } });
        expect(retried.body).toMatchObject({ matched: 0, partial: [] });
        const item = await h.api('GET', `/api/v1/failures/item?ref=${encodeURIComponent(`${flow}~${connectionId}~problem%3AX`)}`);
        expect(item.status).toBe(404);
      }
      expect((await h.api('GET', `/api/v1/failures/groups?connectionId=${connectionId}&flow=${flows[0]}`)).body).toEqual({ groups: [], partial: [] });
      expect((await h.api('GET', '/api/v1/search?q=SKU-none')).body.partial).not.toContain(service);
      expect((await h.api('GET', `/api/v1/activity?connectionId=${connectionId}`)).body.partial).not.toContain(service);
      if (service === 'catalog') {
        // The SKU de-para screen's search of Tiny products by code (produtos.pesquisa through catalog).
        await sandboxJson(h, 'POST', '/control/tiny/products', { token: SELLER.tinyToken, codigo: 'CAM-AZ-M', nome: 'Camiseta azul M' });
        await sandboxJson(h, 'POST', '/control/tiny/products', { token: SELLER.tinyToken, codigo: 'CAM-AZ-MM', nome: 'Camiseta azul MM' });
        // catalog was started a moment ago: it learns the connection from the CONNECTIONS stream (a replay that can
        // take a few seconds on a loaded machine; until then the search answers 422, the connection unknown to it).
        const products = await waitFor(async () => {
          const answer = await h.api('GET', `/api/v1/connections/${connectionId}/tiny-products?q=CAM-AZ-M`);
          return answer.status === 422 ? undefined : answer;
        }, 15_000, 200);
        expect(products.status).toBe(200);
        expect(products.body.items[0]).toMatchObject({ id: expect.any(String), code: 'CAM-AZ-M', name: 'Camiseta azul M', situation: 'A' });
        expect(products.body.items).toHaveLength(2);
      }
    } finally {
      await app.close();
    }
  });

  it('answers without a service that does not answer, naming it, instead of failing the page', async () => {
    await others.pop()!.close();
    const overview = await h.api('GET', `/api/v1/overview?q=${encodeURIComponent(connectionId)}`);
    expect(overview.status).toBe(200);
    expect(overview.body.partial.sort()).toEqual(['catalog', 'fiscal-shipping', 'status-sync']);
    expect(overview.body.items[0].flows.status.state).toBe('unknown');
    expect(overview.body.items[0].flows.orders.state).not.toBe('unknown');
    const failures = await h.api('GET', `/api/v1/failures?connectionId=${connectionId}`);
    expect(failures.status).toBe(200);
    expect(failures.body.total).toBe(1);
    expect(failures.body.partial).toContain('status-sync');
  });
});

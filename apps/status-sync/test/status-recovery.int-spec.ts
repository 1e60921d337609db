import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { INestApplication } from '@nestjs/common';
import { OrderEvents, type OrderImportedV1 } from '@hub/contracts';
import { dropSchema, sql, testNatsUrl, uniqueSuffix, waitFor } from '@hub/testing';
import { OrdersAppModule } from '../../orders/src/app.module';
import { createSandboxConnection, sandboxJson, SELLER, startGateway, startService, type GatewayHarness } from '../../gateway/test/gateway-harness';
import { StatusSyncAppModule } from '../src/app.module';
import { IderisStatusPoller } from '../src/ideris-to-tiny/ideris-status.poller';
import { OrderStatusSyncService } from '../src/order-status/order-status-sync.service';

const INVOICED = 1010;
const SHIPPING = 1009;
const CANCELLED = 1012;
const DAY = 24 * 3600_000;

interface Change {
  at: string;
  orderId: number;
  kind: string;
  by: string;
  value: string;
  refused?: boolean;
}

/**
 * What the status feed must not miss: orders open longer than its search window, writes a dead writer left
 * unconfirmed, and a marketplace cancellation found while writing a Tiny change. The poller is driven by hand
 * (`STATUS_POLLING=off`); the sandbox's journals say what each side actually received.
 */
describe('status sync keeps every change through long-open orders, crashed writers and late cancellations', () => {
  let h: GatewayHarness;
  let orders: INestApplication;
  let statusSync: INestApplication;
  let nc: NatsConnection;
  let connectionId: string;
  let imported: { iderisOrderId: number; tinyOrderId: string; code: string }[] = [];
  const ordersSchema = uniqueSuffix('orders');
  const statusSchema = uniqueSuffix('status');

  const sandbox = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => sandboxJson(h, method, path, body, headers);
  const tinyScript = async (script: string, fields: Record<string, string>) => {
    const res = await fetch(`${h.sandboxUrl}/tiny/api2/${script}`, { method: 'POST', body: new URLSearchParams({ token: SELLER.tinyToken, formato: 'json', ...fields }) });
    return ((await res.json()) as { retorno: any }).retorno;
  };
  const cancelInMarketplace = (iderisOrderId: number) => sandbox('POST', `/control/ideris/orders/${iderisOrderId}/status`, { privateKey: SELLER.iderisPrivateKey, statusId: CANCELLED });
  /** What an integrator changed in Ideris (`refused`: the attempts Ideris turned down instead). */
  const iderisChanges = async (orderId: number, kind = 'status', refused = false): Promise<Change[]> =>
    ((await sandbox('GET', `/control/ideris/state?privateKey=${SELLER.iderisPrivateKey}`)).orderChanges as Change[]).filter(
      (c) => c.orderId === orderId && c.kind === kind && c.by === 'api' && (c.refused === true) === refused,
    );
  const tinyState = async () => sandbox('GET', `/control/tiny/state?token=${encodeURIComponent(SELLER.tinyToken)}`);
  const tinyWrites = async (tinyOrderId: string): Promise<Change[]> => ((await tinyState()).orderChanges as Change[]).filter((c) => String(c.orderId) === tinyOrderId && c.kind === 'situation' && c.by === 'api');
  const tinySituation = async (tinyOrderId: string): Promise<string> => (await tinyState()).orders.find((o: { id: number }) => String(o.id) === tinyOrderId).situacao;
  const statusOf = async (iderisOrderId: number) => (await h.api('GET', `/api/v1/connections/${connectionId}/status/orders/${iderisOrderId}`)).body;
  const row = (set: string, iderisOrderId: number, params: unknown[] = []) =>
    sql(`UPDATE "${statusSchema}".order_status SET ${set} WHERE connection_id = $1 AND ideris_order_id = $2`, [connectionId, iderisOrderId, ...params]);
  /** One round of the connection's Ideris poller, now. */
  const pollNow = async () => {
    await sql(`UPDATE "${statusSchema}".status_poll_state SET next_poll_at = now() WHERE connection_id = $1`, [connectionId]);
    expect(await statusSync.get(IderisStatusPoller).pollIfDue(connectionId)).toBe(true);
  };

  beforeAll(async () => {
    process.env['STATUS_POLLING'] = 'off';
    // Announced writes lapse after 1.5 s unless their writer renews them.
    process.env['STATUS_WRITE_LEASE_MS'] = '1500';
    h = await startGateway();
    const start = (module: 'orders' | 'status-sync', schema: string) =>
      startService(h, (config) => (module === 'orders' ? OrdersAppModule.forConfig(config) : StatusSyncAppModule.forConfig(config)), schema, module);
    orders = await start('orders', ordersSchema);
    statusSync = await start('status-sync', statusSchema);
    nc = await connect({ servers: testNatsUrl() });
    const created = await createSandboxConnection(h);
    connectionId = created.id;
    const webhookUrls = Object.fromEntries(Object.entries(created.webhookUrls as Record<string, string>).map(([k, url]) => [k, url.replace('http://hub.example.test', h.url)]));
    await sandbox('POST', '/control/ideris/marketplaces', { privateKey: SELLER.iderisPrivateKey, marketplaceName: 'Mercado Livre' });
    await sandbox('POST', '/control/tiny/webhooks/settings', { timeScale: 0.001 });
    await sandbox('POST', '/control/tiny/webhooks', { token: SELLER.tinyToken, idEcommerce: 777, urls: { situacao_pedido: webhookUrls['situacao_pedido'], atualizacao_pedido: webhookUrls['atualizacao_pedido'] } });
    expect((await h.api('POST', `/api/v1/connections/${connectionId}/activate`)).status).toBe(200);
    const ideris: { id: number; code: string }[] = await sandbox('POST', '/control/ideris/orders', { privateKey: SELLER.iderisPrivateKey, count: 9 });
    await waitFor(async () => (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "${statusSchema}".order_status WHERE connection_id = $1`, [connectionId]))[0]!.n === 9, 45_000, 250);
    const rows = await sql<{ ideris_order_id: string; tiny_order_id: string }>(`SELECT ideris_order_id, tiny_order_id FROM "${statusSchema}".order_status WHERE connection_id = $1`, [connectionId]);
    imported = ideris.map((o) => ({ iderisOrderId: o.id, code: o.code, tinyOrderId: rows.find((r) => Number(r.ideris_order_id) === o.id)!.tiny_order_id }));
  });

  afterAll(async () => {
    delete process.env['STATUS_POLLING'];
    delete process.env['STATUS_WRITE_LEASE_MS'];
    await nc?.close();
    await statusSync?.close();
    await orders?.close();
    await h?.close();
    await dropSchema(h.schema);
    await dropSchema(ordersSchema);
    await dropSchema(statusSchema);
  });

  it('applies a marketplace cancellation to an order imported more than 7 days ago, still open in Tiny', async () => {
    // An order approved and imported ten days ago, still open: its approval is far outside the feed's search window.
    const [old] = (await sandbox('POST', '/control/ideris/orders', { privateKey: SELLER.iderisPrivateKey, count: 1, approved: new Date(Date.now() - 10 * DAY).toISOString() })) as { id: number; code: string }[];
    const created = await tinyScript('pedido.incluir', {
      pedido: JSON.stringify({ pedido: { numero_pedido_ecommerce: old!.code, cliente: { nome: 'Cliente Antigo' }, itens: [{ item: { descricao: 'Camiseta', unidade: 'UN', quantidade: '1', valor_unitario: '49.90' } }] } }),
    });
    const tinyOrderId = String(created.registros.registro.id);
    const event: OrderImportedV1 = { connectionId, iderisOrderId: old!.id, tinyOrderId, marketplaceOrderCode: old!.code, skus: [] };
    await jetstream(nc).publish(OrderEvents.imported.subject, JSON.stringify(event), { msgID: `old-${connectionId}-${old!.id}` });
    await waitFor(async () => (await statusOf(old!.id)).tinyOrderId === tinyOrderId, 15_000, 100);
    await row(`imported_at = now() - interval '10 days'`, old!.id);
    await pollNow();

    await cancelInMarketplace(old!.id);
    await pollNow();
    expect(await tinySituation(tinyOrderId)).toBe('cancelado');
    expect((await tinyWrites(tinyOrderId)).map((w) => w.value)).toEqual(['cancelado']);
    expect(await statusOf(old!.id)).toMatchObject({ tinySituation: 'cancelado', iderisStatusId: CANCELLED });
  });

  it('finishes a Tiny cancellation whose writer died after announcing it, once', async () => {
    const order = imported[0]!;
    await cancelInMarketplace(order.iderisOrderId);
    // What a status-sync killed between the decision and the call to Tiny leaves behind.
    await row(`ideris_status_id = ${CANCELLED}, pending_side = 'tiny', pending_value = 'cancelado', pending_until = now() - interval '1 second'`, order.iderisOrderId);
    await pollNow();
    expect(await tinySituation(order.tinyOrderId)).toBe('cancelado');
    await pollNow();
    expect((await tinyWrites(order.tinyOrderId)).map((w) => w.value)).toEqual(['cancelado']);
    expect(await statusOf(order.iderisOrderId)).toMatchObject({ tinySituation: 'cancelado', lastWritten: { side: 'tiny', value: 'cancelado' } });
  });

  it('confirms, without writing again, a Tiny cancellation that reached Tiny before its writer died', async () => {
    const order = imported[1]!;
    await cancelInMarketplace(order.iderisOrderId);
    await row(`ideris_status_id = ${CANCELLED}, pending_side = 'tiny', pending_value = 'cancelado', pending_until = now() - interval '1 second'`, order.iderisOrderId);
    // The dead writer's call did reach Tiny.
    expect((await tinyScript('pedido.alterar.situacao', { id: order.tinyOrderId, situacao: 'cancelado' })).status).toBe('OK');
    await pollNow();
    await pollNow();
    expect((await tinyWrites(order.tinyOrderId)).map((w) => w.value)).toEqual(['cancelado']);
    expect(await statusOf(order.iderisOrderId)).toMatchObject({ tinySituation: 'cancelado', lastWritten: { side: 'tiny', value: 'cancelado' } });
    expect(await iderisChanges(order.iderisOrderId)).toEqual([]);
  });

  it('finishes an Ideris status write whose writer died after announcing it, once', async () => {
    const order = imported[2]!;
    // Tiny invoiced it; the writer of "Faturado" to Ideris died after recording its decision.
    await row(`tiny_situation = 'faturado', tiny_sequence = 1, ideris_status_id = 1007, pending_side = 'ideris', pending_value = '${INVOICED}', pending_until = now() - interval '1 second'`, order.iderisOrderId);
    await pollNow();
    await pollNow();
    expect((await iderisChanges(order.iderisOrderId)).map((c) => c.value)).toEqual([String(INVOICED)]);
    expect(await statusOf(order.iderisOrderId)).toMatchObject({ iderisStatusId: INVOICED, lastWritten: { side: 'ideris', value: String(INVOICED) } });
  });

  it('flags an invoiced order the marketplace cancelled before its invoice was announced, instead of recording the cancellation silently', async () => {
    const order = imported[3]!;
    // Cancelled in the marketplace; no poll has seen it when Tiny's "faturado" arrives.
    await cancelInMarketplace(order.iderisOrderId);
    await sandbox('POST', `/control/tiny/orders/${order.tinyOrderId}/invoice`, { token: SELLER.tinyToken });
    await waitFor(async () => (await statusOf(order.iderisOrderId)).tinySituation === 'faturado', 15_000, 100);
    await pollNow();
    expect(await statusOf(order.iderisOrderId)).toMatchObject({ needsAttention: true, iderisStatusId: CANCELLED, tinySituation: 'faturado' });
    expect(await tinySituation(order.tinyOrderId)).toBe('faturado');
    expect(await iderisChanges(order.iderisOrderId)).toEqual([]);
  });

  it('never writes a Tiny change over a cancellation the poller has not seen yet', async () => {
    const order = imported[4]!;
    await sandbox('POST', `/control/tiny/orders/${order.tinyOrderId}/invoice`, { token: SELLER.tinyToken });
    await waitFor(async () => (await iderisChanges(order.iderisOrderId)).length === 1, 15_000, 100);
    await cancelInMarketplace(order.iderisOrderId);
    // The seller ships it before the next poll.
    await sandbox('POST', `/control/tiny/orders/${order.tinyOrderId}/situation`, { token: SELLER.tinyToken, situacao: 'enviado' });
    await waitFor(async () => (await statusOf(order.iderisOrderId)).tinySituation === 'enviado', 15_000, 100);
    expect((await iderisChanges(order.iderisOrderId)).map((c) => c.value)).toEqual([String(INVOICED)]);
    expect((await iderisChanges(order.iderisOrderId)).map((c) => c.value)).not.toContain(String(SHIPPING));
    expect(await statusOf(order.iderisOrderId)).toMatchObject({ needsAttention: true, iderisStatusId: CANCELLED });
  });

  it('finishes, at the next poll round, a Tiny cancellation whose call failed (Tiny 503)', async () => {
    const order = imported[6]!;
    await sandbox('POST', '/control/faults', { system: 'tiny', account: SELLER.tinyToken, endpoint: 'pedido.alterar.situacao', httpStatus: 503, times: 1 });
    await cancelInMarketplace(order.iderisOrderId);
    await pollNow();
    expect(await tinySituation(order.tinyOrderId)).toBe('aberto');
    await pollNow();
    expect(await tinySituation(order.tinyOrderId)).toBe('cancelado');
    expect((await tinyWrites(order.tinyOrderId)).map((w) => w.value)).toEqual(['cancelado']);
  });

  it('finishes, at the next poll round, an Ideris status write whose call failed (Ideris 503), once', async () => {
    const order = imported[7]!;
    await sandbox('POST', '/control/faults', { system: 'ideris', account: SELLER.iderisPrivateKey, endpoint: 'put order', httpStatus: 503, times: 1 });
    await sandbox('POST', `/control/tiny/orders/${order.tinyOrderId}/invoice`, { token: SELLER.tinyToken });
    await waitFor(async () => (await statusOf(order.iderisOrderId)).history.some((e: { kind: string }) => e.kind === 'write-failed'), 15_000, 100);
    expect(await iderisChanges(order.iderisOrderId)).toEqual([]);
    await pollNow();
    await pollNow();
    expect((await iderisChanges(order.iderisOrderId)).map((c) => c.value)).toEqual([String(INVOICED)]);
    expect(await statusOf(order.iderisOrderId)).toMatchObject({ iderisStatusId: INVOICED, tinySituation: 'faturado' });
  });

  it('does not take over a write whose call outlasts its lease while its writer lives', async () => {
    const order = imported[8]!;
    // Tiny takes 4 s to answer; the write's lease is 1.5 s unless renewed.
    await sandbox('POST', '/control/faults', { system: 'tiny', account: SELLER.tinyToken, endpoint: 'pedido.alterar.situacao', latencyMs: 4000, times: 1 });
    await cancelInMarketplace(order.iderisOrderId);
    await sql(`UPDATE "${statusSchema}".status_poll_state SET next_poll_at = now() WHERE connection_id = $1`, [connectionId]);
    const round = statusSync.get(IderisStatusPoller).pollIfDue(connectionId);
    await new Promise((r) => setTimeout(r, 2500));
    expect(await statusSync.get(OrderStatusSyncService).resumeLapsedWrites(connectionId)).toEqual({ resumed: 0, problems: [] });
    expect(await round).toBe(true);
    expect((await tinyWrites(order.tinyOrderId)).map((w) => w.value)).toEqual(['cancelado']);
  });

  it('decides at once a marketplace cancellation that lands between its read and its status write (Ideris refuses the write)', async () => {
    const order = imported[5]!;
    // The write waits 2 s inside Ideris; the marketplace cancels the order meanwhile.
    await sandbox('POST', '/control/faults', { system: 'ideris', account: SELLER.iderisPrivateKey, endpoint: 'put order', latencyMs: 2000, times: 1 });
    await sandbox('POST', `/control/tiny/orders/${order.tinyOrderId}/invoice`, { token: SELLER.tinyToken });
    await waitFor(async () => (await sql<{ pending_side: string | null }>(`SELECT pending_side FROM "${statusSchema}".order_status WHERE connection_id = $1 AND ideris_order_id = $2`, [connectionId, order.iderisOrderId]))[0]!.pending_side === 'ideris', 15_000, 20);
    await new Promise((r) => setTimeout(r, 300));
    await cancelInMarketplace(order.iderisOrderId);
    // No poll: the refused write itself makes the hub read Ideris and decide.
    await waitFor(async () => (await statusOf(order.iderisOrderId)).needsAttention === true, 15_000, 100);
    expect(await statusOf(order.iderisOrderId)).toMatchObject({ iderisStatusId: CANCELLED, tinySituation: 'faturado' });
    expect(await iderisChanges(order.iderisOrderId)).toEqual([]);
    expect((await iderisChanges(order.iderisOrderId, 'status', true)).map((c) => c.value)).toEqual([String(INVOICED)]);
    expect(await tinySituation(order.tinyOrderId)).toBe('faturado');
  });
});

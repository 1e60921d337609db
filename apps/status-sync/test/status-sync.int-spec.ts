import type { INestApplication } from '@nestjs/common';
import { dropSchema, uniqueSuffix, waitFor } from '@hub/testing';
import { OrdersAppModule } from '../../orders/src/app.module';
import { createSandboxConnection, sandboxJson, SELLER, startGateway, startService, withTinyShapes, type GatewayHarness } from '../../gateway/test/gateway-harness';
import { StatusSyncAppModule } from '../src/app.module';

interface StatusView {
  iderisOrderId: number;
  tinyOrderId: string;
  tinySituation: string | null;
  iderisStatusId: number | null;
  needsAttention: boolean;
  history: { kind: string; detail: { outcome?: string; situation?: string } }[];
}

const OPEN = 1007;
const TO_INVOICE = 1008;
const INVOICED = 1010;
const CANCELLED = 1012;

/**
 * Gateway, orders and status-sync in-process, against real PostgreSQL, NATS and the sandbox over HTTP; Tiny's
 * notifications travel from the sandbox to the gateway's webhook URLs like in production.
 */
describe('order status sync (Tiny ⇄ Ideris) through the running services', () => {
  let h: GatewayHarness;
  let orders: INestApplication;
  let statusSync: INestApplication;
  let connectionId: string;
  let webhookUrls: Record<string, string>;
  const ordersSchema = uniqueSuffix('orders');
  const statusSchema = uniqueSuffix('status');
  const testIderisWrites: number[] = [];
  let imported: { iderisOrderId: number; tinyOrderId: string }[] = [];

  const sandbox = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => sandboxJson(h, method, path, body, headers);
  const iderisJwt = async (): Promise<string> => sandbox('POST', '/ideris/login', SELLER.iderisPrivateKey);
  /** What a seller (or the marketplace) does in Ideris: one status write through the API. */
  const changeInIderis = async (orderId: number, statusId: number) => {
    await sandbox('PUT', '/ideris/order', { orderId, statusId }, { authorization: `Bearer ${await iderisJwt()}` });
    testIderisWrites.push(orderId);
  };
  const iderisStatus = async (orderId: number): Promise<number> => (await sandbox('GET', `/ideris/order/${orderId}`, undefined, { authorization: `Bearer ${await iderisJwt()}` })).obj.statusId;
  const tinySituation = async (tinyOrderId: string): Promise<string> => {
    const state = await sandbox('GET', `/control/tiny/state?token=${encodeURIComponent(SELLER.tinyToken)}`);
    return (state.orders as { id: number; situacao: string }[]).find((o) => String(o.id) === tinyOrderId)!.situacao;
  };
  const statusOf = async (iderisOrderId: number): Promise<StatusView> => (await h.api('GET', `/api/v1/connections/${connectionId}/status/orders/${iderisOrderId}`)).body;
  const outcomes = async (iderisOrderId: number) => (await statusOf(iderisOrderId)).history.filter((e) => e.kind === 'tiny-change').map((e) => e.detail.outcome);
  /** Status writes that reached each system's API, from the sandbox's own call counters. */
  const statusWritesSeenBySandbox = async (): Promise<{ tiny: number; ideris: number }> => {
    const calls = await sandbox('GET', '/control/calls');
    const sum = (system: 'tiny' | 'ideris', endpoint: string) =>
      Object.values(calls[system] as Record<string, { endpoints: Record<string, { ok: number }> }>).reduce((n, account) => n + Object.entries(account.endpoints).filter(([name]) => name.includes(endpoint)).reduce((m, [, e]) => m + e.ok, 0), 0);
    return { tiny: sum('tiny', 'pedido.alterar.situacao'), ideris: sum('ideris', 'put order') };
  };
  const hubWrites = async (): Promise<{ tiny: number; ideris: number }> => (await h.api('GET', `/api/v1/connections/${connectionId}/status/orders`)).body.writes;
  const settle = () => new Promise((r) => setTimeout(r, 3_000));
  /** Where the sandbox's Tiny posts its notifications (replaces the previous registration). */
  const registerWebhooks = (kinds: string[]) =>
    sandbox('POST', '/control/tiny/webhooks', { token: SELLER.tinyToken, idEcommerce: 777, urls: Object.fromEntries(kinds.map((kind) => [kind, webhookUrls[kind]])) });

  beforeAll(async () => {
    process.env['STATUS_POLL_INTERVAL_MS'] = '500';
    h = await startGateway();
    const start = (module: 'orders' | 'status-sync', schema: string) =>
      startService(h, (config) => (module === 'orders' ? OrdersAppModule.forConfig(config) : StatusSyncAppModule.forConfig(config)), schema, module);
    orders = await start('orders', ordersSchema);
    statusSync = await start('status-sync', statusSchema);
    const created = await createSandboxConnection(h);
    connectionId = created.id;
    webhookUrls = Object.fromEntries(Object.entries(created.webhookUrls as Record<string, string>).map(([k, url]) => [k, url.replace('http://hub.example.test', h.url)]));
    await sandbox('POST', '/control/ideris/marketplaces', { privateKey: SELLER.iderisPrivateKey, marketplaceName: 'Mercado Livre' });
    await sandbox('POST', '/control/tiny/webhooks/settings', { timeScale: 0.001 });
    await registerWebhooks(['situacao_pedido', 'atualizacao_pedido']);
    expect((await h.api('POST', `/api/v1/connections/${connectionId}/activate`)).status).toBe(200);
  });

  afterAll(async () => {
    delete process.env['STATUS_POLL_INTERVAL_MS'];
    await statusSync?.close();
    await orders?.close();
    await h?.close();
    await dropSchema(h.schema);
    await dropSchema(ordersSchema);
    await dropSchema(statusSchema);
  });

  it('keeps a read model of the imported orders and a default status map from the Ideris catalogue', async () => {
    await sandbox('POST', '/control/ideris/orders', { privateKey: SELLER.iderisPrivateKey, count: 5 });
    await waitFor(async () => (await h.api('GET', `/api/v1/connections/${connectionId}/status/orders`)).body.total === 5, 45_000, 250);
    const list = await h.api('GET', `/api/v1/connections/${connectionId}/status/orders?limit=10`);
    imported = (list.body.orders as StatusView[]).map((o) => ({ iderisOrderId: o.iderisOrderId, tinyOrderId: o.tinyOrderId })).sort((a, b) => a.iderisOrderId - b.iderisOrderId);
    const map = await h.api('GET', `/api/v1/connections/${connectionId}/status-map`);
    expect(map.status).toBe(200);
    expect(map.body).toMatchObject({ source: 'default', map: { tinyToIderis: { aprovado: TO_INVOICE, faturado: INVOICED, cancelado: CANCELLED }, iderisToTiny: { [CANCELLED]: 'cancelado' } } });
  });

  it('edits the map through the admin API and refuses a bad one', async () => {
    const current = (await h.api('GET', `/api/v1/connections/${connectionId}/status-map`)).body.map;
    const bad = await h.api('PUT', `/api/v1/connections/${connectionId}/status-map`, { tinyToIderis: { atendido: 1 }, iderisToTiny: {} });
    expect(bad.status).toBe(400);
    const put = await h.api('PUT', `/api/v1/connections/${connectionId}/status-map`, { ...current, iderisToTiny: { ...current.iderisToTiny, '1223': 'preparando_envio' } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ source: 'operator', map: { iderisToTiny: { '1223': 'preparando_envio' } } });
  });

  it('sends a Tiny situation change to Ideris once, though Tiny notifies it twice (situacao_pedido and atualizacao_pedido)', async () => {
    const a = imported[0]!;
    await sandbox('POST', `/control/tiny/orders/${a.tinyOrderId}/situation`, { token: SELLER.tinyToken, situacao: 'aprovado' });
    await waitFor(async () => (await iderisStatus(a.iderisOrderId)) === TO_INVOICE, 30_000, 250);
    await waitFor(async () => (await outcomes(a.iderisOrderId)).length >= 2, 15_000, 250);
    expect((await outcomes(a.iderisOrderId)).sort()).toEqual(['duplicate', 'write-ideris']);
    expect(await statusOf(a.iderisOrderId)).toMatchObject({ tinySituation: 'aprovado', iderisStatusId: TO_INVOICE, needsAttention: false });
  });

  it('cancels in Tiny an order still open when the marketplace cancels it in Ideris', async () => {
    const b = imported[1]!;
    await changeInIderis(b.iderisOrderId, CANCELLED);
    await waitFor(async () => (await tinySituation(b.tinyOrderId)) === 'cancelado', 30_000, 250);
    await waitFor(async () => (await statusOf(b.iderisOrderId)).tinySituation === 'cancelado', 10_000, 250);
  });

  it('does not cancel an order Tiny already invoiced: it needs attention, with both states, until an operator resolves it', async () => {
    const [, , c, d] = imported as [unknown, unknown, { iderisOrderId: number; tinyOrderId: string }, { iderisOrderId: number; tinyOrderId: string }];
    for (const order of [c, d]) await sandbox('POST', `/control/tiny/orders/${order.tinyOrderId}/invoice`, { token: SELLER.tinyToken });
    for (const order of [c, d]) await waitFor(async () => (await iderisStatus(order.iderisOrderId)) === INVOICED, 30_000, 250);
    for (const order of [c, d]) await changeInIderis(order.iderisOrderId, CANCELLED);
    await waitFor(async () => (await h.api('GET', `/api/v1/connections/${connectionId}/status/orders?needsAttention=true`)).body.orders.length === 2, 30_000, 250);
    expect(await statusOf(c.iderisOrderId)).toMatchObject({ needsAttention: true, tinySituation: 'faturado', iderisStatusId: CANCELLED, attentionReason: expect.stringContaining('faturado') });
    expect(await tinySituation(c.tinyOrderId)).toBe('faturado');

    const keep = await h.api('POST', `/api/v1/connections/${connectionId}/status/orders/${c.iderisOrderId}/resolve`, { action: 'keep' });
    expect(keep).toMatchObject({ status: 200, body: { resolved: true, action: 'keep', tinySituation: 'faturado' } });
    const cancel = await h.api('POST', `/api/v1/connections/${connectionId}/status/orders/${d.iderisOrderId}/resolve`, { action: 'cancel-in-tiny' });
    expect(cancel).toMatchObject({ status: 200, body: { resolved: true, tinySituation: 'cancelado' } });
    expect(await tinySituation(c.tinyOrderId)).toBe('faturado');
    expect(await tinySituation(d.tinyOrderId)).toBe('cancelado');
    expect((await h.api('POST', `/api/v1/connections/${connectionId}/status/orders/${c.iderisOrderId}/resolve`, { action: 'keep' })).status).toBe(409);
    expect((await h.api('POST', `/api/v1/connections/${connectionId}/status/orders/${c.iderisOrderId}/resolve`, { action: 'delete' })).status).toBe(400);
    expect((await h.api('GET', `/api/v1/connections/${connectionId}/status/orders`)).body.needsAttention).toBe(0);
  });

  it('never moves an order backwards on a late or repeated notification', async () => {
    const a = imported[0]!;
    const before = await outcomes(a.iderisOrderId);
    const notify = (situacao: string) =>
      fetch(webhookUrls['situacao_pedido']!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ versao: '1.0.0', cnpj: SELLER.cnpj, idEcommerce: 777, tipo: 'situacao_pedido', dados: { idVendaTiny: a.tinyOrderId, situacao, descricaoSituacao: situacao } }),
      });
    expect((await notify('aberto')).status).toBe(200);
    expect((await notify('aprovado')).status).toBe(200);
    await waitFor(async () => (await outcomes(a.iderisOrderId)).length >= before.length + 2, 15_000, 250);
    expect((await outcomes(a.iderisOrderId)).slice(before.length).sort()).toEqual(['backwards', 'duplicate']);
    expect(await statusOf(a.iderisOrderId)).toMatchObject({ tinySituation: 'aprovado', iderisStatusId: TO_INVOICE });
    expect(await iderisStatus(a.iderisOrderId)).toBe(TO_INVOICE);
    expect(await iderisStatus(imported[4]!.iderisOrderId)).toBe(OPEN);
  });

  it('counts the status writes on both sides: each change written once, no echo', async () => {
    await settle();
    // The hub: A → 1008; C and D → 1010 (invoiced); B cancelled in Tiny; D cancelled in Tiny by the operator.
    expect(await hubWrites()).toEqual({ ideris: 3, tiny: 2 });
    const seen = await statusWritesSeenBySandbox();
    expect(seen).toEqual({ ideris: 3 + testIderisWrites.length, tiny: 2 });
    const report = { statusWrites: await hubWrites(), echoes: seen.ideris - testIderisWrites.length - 3 + (seen.tiny - 2) };
    expect(report.echoes).toBe(0);
  });

  it('maps a situacao_pedido whose situacao is a description ("Aprovada", then "Cancelado") and writes the mapped Ideris status', async () => {
    const e = imported[4]!;
    const situationEvents = async () => (await statusOf(e.iderisOrderId)).history.filter((event) => event.kind === 'tiny-change').map((event) => event.detail);
    /** What Tiny posted for this order, in order: `situacao` and `descricaoSituacao` as sent. */
    const notified = async () =>
      ((await sandbox('GET', `/control/tiny/webhooks/deliveries?token=${encodeURIComponent(SELLER.tinyToken)}&kind=situacao_pedido`)).attempts as { status: number; body: { dados: Record<string, unknown> } }[])
        .filter((attempt) => String(attempt.body.dados['idVendaTiny']) === e.tinyOrderId)
        .map((attempt) => ({ status: attempt.status, situacao: attempt.body.dados['situacao'], descricaoSituacao: attempt.body.dados['descricaoSituacao'] }));
    // An e-commerce integration without the account webhooks: situacao_pedido is the only notice of a change, and
    // Tiny sends the description where the code would be, as integrators' fixtures show.
    await registerWebhooks(['situacao_pedido']);
    try {
      await withTinyShapes(h, SELLER.tinyToken, { situationNotification: 'description' }, async () => {
        expect(await iderisStatus(e.iderisOrderId)).toBe(OPEN);
        await sandbox('POST', `/control/tiny/orders/${e.tinyOrderId}/situation`, { token: SELLER.tinyToken, situacao: 'aprovado' });
        await waitFor(async () => (await iderisStatus(e.iderisOrderId)) === TO_INVOICE, 10_000, 100);
        await sandbox('POST', `/control/tiny/orders/${e.tinyOrderId}/situation`, { token: SELLER.tinyToken, situacao: 'cancelado' });
        await waitFor(async () => (await iderisStatus(e.iderisOrderId)) === CANCELLED, 10_000, 100);

        expect(await notified()).toEqual([
          { status: 200, situacao: 'Aprovada', descricaoSituacao: 'Aprovado' },
          { status: 200, situacao: 'Cancelado', descricaoSituacao: 'Cancelado' },
        ]);
        await waitFor(async () => (await statusOf(e.iderisOrderId)).tinySituation === 'cancelado', 10_000, 100);
        expect(await situationEvents()).toEqual([
          expect.objectContaining({ source: 'situacao_pedido', situation: 'aprovado', outcome: 'write-ideris' }),
          expect.objectContaining({ source: 'situacao_pedido', situation: 'cancelado', outcome: 'write-ideris' }),
        ]);
        expect(await statusOf(e.iderisOrderId)).toMatchObject({ tinySituation: 'cancelado', iderisStatusId: CANCELLED, needsAttention: false });
      });
    } finally {
      await registerWebhooks(['situacao_pedido', 'atualizacao_pedido']);
    }
  });
});

import { createHash } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { INestApplication } from '@nestjs/common';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { CatalogRpcSubjects, Consumers, Streams, type StockStateView, type TinyNotificationReceivedV1 } from '@hub/contracts';
import { FailurePolicy } from '@hub/work';
import { IderisCatalogApi, IderisClient } from '@hub/ideris';
import type { MessageContext } from '@hub/messaging';
import { sql, testNatsUrl, waitFor } from '@hub/testing';
import { SELLER, withTinyShapes, type GatewayHarness } from '../../gateway/test/gateway-harness';
import { StockNotificationHandler } from '../src/stock/stock-notification.handler';
import { desiredQuantity } from '../src/stock/domain/stock-rule';
import { deliveriesSettled, startCatalogHarness, type CatalogHarness } from './catalog-harness';

const SAFETY_BUFFER = 2;
const SKU_COUNT = 50;
/** These SKUs are announced with the physical balance while the connection sends the available one: re-read from Tiny. */
const REREAD = new Set(['STK-46', 'STK-47', 'STK-48', 'STK-49', 'STK-50']);
const TINY_BALANCE = { saldo: 20, saldoReservado: 3 };
const sku = (n: number) => `STK-${String(n).padStart(2, '0')}`;

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Notice {
  sku: string;
  saldo: number;
  tipoEstoque?: 'F' | 'D';
  tinyProductId: number;
}

/** The gateway, the sandbox and catalog in-process, against real PostgreSQL and NATS; webhooks posted as Tiny would. */
describe('stock sync (Tiny → Ideris) through the running services', () => {
  let p: CatalogHarness;
  let h: GatewayHarness;
  let catalog: INestApplication;
  let rpc: ClientProxy;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let connectionId: string;
  let webhookUrl: string;
  let catalogSchema: string;
  let tinyToken: string;
  let iderisKey: string;
  const tinyIds = new Map<string, number>();

  const sandbox = (method: string, path: string, body?: unknown): Promise<any> => p.sandbox(method, path, body);
  /**
   * Tiny's side first, then its notification: the balance changes in the sandbox (available = saldo − reserved,
   * what a `D` notification carries), then the webhook is posted. Catalog reads Tiny when it cannot trust a
   * notification's value (a busy SKU may have been delivered out of order), so Tiny must hold what it announced.
   * `F`/missing-tipo notifications are for SKUs whose value is always read from Tiny; Tiny keeps TINY_BALANCE for those.
   */
  const postNotice = async (notice: Notice, options: { changeTiny?: boolean } = {}): Promise<number> => {
    if ((options.changeTiny ?? true) && notice.tipoEstoque === 'D' && tinyIds.has(notice.sku)) {
      await sandbox('POST', '/control/tiny/stock/burst', { token: tinyToken, changes: [{ codigo: notice.sku, saldo: notice.saldo + TINY_BALANCE.saldoReservado }] });
    }
    const body = { versao: '1.0.0', cnpj: SELLER.cnpj, idEcommerce: 777, tipo: 'estoque', dados: { tipoEstoque: notice.tipoEstoque, saldo: notice.saldo, idProduto: notice.tinyProductId, sku: notice.sku, skuMapeamento: notice.sku, skuMapeamentoPai: '' } };
    const res = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = (await res.json()) as { status: string; sequence: number };
    if (res.status !== 200 || answer.status !== 'accepted') throw new Error(`webhook answered ${res.status} ${JSON.stringify(answer)}`);
    return answer.sequence;
  };
  const iderisStock = async (): Promise<Map<string, number>> => {
    const api = new IderisCatalogApi(new IderisClient({ baseUrl: `${h.sandboxUrl}/ideris`, privateKey: iderisKey }));
    return new Map((await api.searchSkus()).map((s) => [s.sku, s.currentStock]));
  };
  const iderisStockCalls = async (): Promise<{ calls: number; ok: number; errors: number }> => {
    const stats = await sandbox('GET', '/control/calls');
    return stats.ideris[iderisKey]?.endpoints['sku/stock'] ?? { calls: 0, ok: 0, errors: 0 };
  };
  const tinyStockReads = async (): Promise<number> => (await sandbox('GET', '/control/calls')).tiny[tinyToken]?.endpoints['produto.obter.estoque']?.calls ?? 0;
  const pushLog = () => sql<{ sku: string; qty: number; previous_qty: number | null }>(`SELECT sku, qty, previous_qty FROM "${catalogSchema}".stock_push_log WHERE connection_id = $1 ORDER BY id`, [connectionId]);
  const pendingCount = async () => (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "${catalogSchema}".stock_pending WHERE connection_id = $1`, [connectionId]))[0]!.n;
  const stockState = () => firstValueFrom(rpc.send<StockStateView>(CatalogRpcSubjects.stockState, { connectionId, limit: 200 }));

  beforeAll(async () => {
    p = await startCatalogHarness('stock', {
      tinyIntegrationId: 777,
      settings: { stockType: 'available', safetyBuffer: SAFETY_BUFFER },
      beforeActivation: async (control, ids) => {
        for (let n = 1; n <= SKU_COUNT; n++) {
          const product = await control('POST', '/control/tiny/products', { token: ids.tinyToken, codigo: sku(n), ...TINY_BALANCE });
          tinyIds.set(sku(n), product.id);
          // STK-01 already holds in Ideris what Tiny will announce: nothing may be pushed for it.
          await control('POST', '/control/ideris/skus', { privateKey: ids.iderisKey, sku: sku(n), currentStock: n === 1 ? desiredQuantity('9', SAFETY_BUFFER) : 0 });
        }
      },
    });
    ({ h, catalog, connectionId, catalogSchema, tinyToken, iderisKey } = p);
    webhookUrl = p.webhookUrls['estoque']!;
    rpc = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [testNatsUrl()] } });
    nc = await connect({ servers: testNatsUrl() });
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    rpc?.close();
    await nc?.drain();
    await p?.close();
  });


  it('pushes the rule-applied latest Tiny value of every SKU after a burst with repeats, duplicates and reordering, and never a no-op', async () => {
    const random = seeded(42);
    const perSku = new Map<string, Notice[]>();
    for (let n = 2; n <= SKU_COUNT; n++) {
      const id = sku(n);
      const values = Array.from({ length: 2 + Math.floor(random() * 7) }, () => Math.floor(random() * 12) - 2); // some negative, some under the buffer
      perSku.set(id, values.map((saldo) => ({ sku: id, saldo, tipoEstoque: REREAD.has(id) ? (id === 'STK-50' ? undefined : 'F') : 'D', tinyProductId: tinyIds.get(id)! })));
    }
    perSku.set('STK-01', [{ sku: 'STK-01', saldo: 9, tipoEstoque: 'D', tinyProductId: tinyIds.get('STK-01')! }]);
    perSku.set('STK-404', [{ sku: 'STK-404', saldo: 5, tipoEstoque: 'D', tinyProductId: 1 }]);
    // Interleave the SKUs at random, keeping each SKU's own order (the stream position decides which value is latest).
    const queues = [...perSku.values()].map((q) => [...q]);
    const burst: Notice[] = [];
    while (queues.some((q) => q.length > 0)) {
      const open = queues.filter((q) => q.length > 0);
      const next = open[Math.floor(random() * open.length)]!.shift()!;
      burst.push(next);
      if (random() < 0.15) burst.push(next); // Tiny sending the same notification twice
    }
    // Ideris fails a few stock writes: they stay pending and are retried.
    await sandbox('POST', '/control/faults', { system: 'ideris', account: iderisKey, endpoint: 'sku/stock', httpStatus: 503, times: 3, skip: 5 });

    const sequences = new Map<string, number[]>();
    for (const notice of burst) {
      const seq = await postNotice(notice);
      sequences.set(notice.sku, [...(sequences.get(notice.sku) ?? []), seq]);
    }

    const expected = new Map<string, number>();
    for (const [id, notices] of perSku) {
      if (id === 'STK-404') continue;
      expected.set(id, REREAD.has(id) ? TINY_BALANCE.saldo - TINY_BALANCE.saldoReservado - SAFETY_BUFFER : desiredQuantity(String(notices.at(-1)!.saldo), SAFETY_BUFFER));
    }
    await waitFor(async () => {
      if ((await pendingCount()) > 0) return false;
      const held = await iderisStock();
      return [...expected].every(([id, qty]) => held.get(id) === qty);
    }, 60_000, 250);

    const log = await pushLog();
    for (const push of log) {
      expect(push.previous_qty).not.toBeNull();
      expect(push.qty).not.toBe(push.previous_qty);
    }
    expect(log.filter((p) => p.sku === 'STK-01')).toEqual([]);
    for (const [id, qty] of expected) if (qty !== 0 && id !== 'STK-01') expect(log.some((p) => p.sku === id && p.qty === qty)).toBe(true);
    // Every accepted stock write in Ideris is journalled: nothing was pushed behind the journal's back.
    expect((await iderisStockCalls()).ok).toBe(log.length);
    // The three injected 503s (retried) and the one unknown SKU (recorded, not retried).
    expect((await iderisStockCalls()).errors).toBe(4);
    expect(log.length).toBeLessThan(burst.length / 2);

    const state = await stockState();
    expect(state).toMatchObject({ connectionId, pending: 0, retrying: 0 });
    expect(state.problems).toEqual([expect.objectContaining({ sku: 'STK-404', kind: 'unknown-sku', desiredQuantity: 3 })]);
    expect(state.lastPushes.length).toBe(Math.min(log.length, 200));

    // A stale redelivery: an older notification handed to the handler again at its original stream position.
    const [victimSku, victimSeqs] = [...sequences].find(
      ([id]) => !REREAD.has(id) && id !== 'STK-01' && id !== 'STK-404' && desiredQuantity(String(perSku.get(id)![0]!.saldo), SAFETY_BUFFER) !== expected.get(id),
    )!;
    const oldSeq = victimSeqs[0]!;
    const stored = await jsm.streams.getMessage(Streams.TINY_NOTIFICATIONS.name, { seq: oldSeq });
    const callsBefore = await iderisStockCalls();
    await catalog.get(StockNotificationHandler).handle(redelivery(stored!.json<TinyNotificationReceivedV1>(), oldSeq));
    // It arrived close to the SKU's latest notification, so the SKU is checked against Tiny again: same value, nothing sent.
    await waitFor(async () => (await pendingCount()) === 0, 10_000, 100);
    expect((await iderisStock()).get(victimSku)).toBe(expected.get(victimSku));
    expect(await iderisStockCalls()).toEqual(callsBefore);
    expect(await pushLog()).toHaveLength(log.length);
  }, 120_000);

  it('ends with Tiny\'s latest value when Tiny delivers two changes of a SKU in reverse order', async () => {
    const id = 'STK-04';
    const productId = tinyIds.get(id)!;
    // Tiny: 30, then 12. Its notifications arrive reversed: 12 first (trusted and pushed), then the older 30.
    await sandbox('POST', '/control/tiny/stock/burst', { token: tinyToken, changes: [{ codigo: id, saldo: 30 + TINY_BALANCE.saldoReservado }] });
    await sandbox('POST', '/control/tiny/stock/burst', { token: tinyToken, changes: [{ codigo: id, saldo: 12 + TINY_BALANCE.saldoReservado }] });
    await postNotice({ sku: id, saldo: 12, tipoEstoque: 'D', tinyProductId: productId }, { changeTiny: false });
    await postNotice({ sku: id, saldo: 30, tipoEstoque: 'D', tinyProductId: productId }, { changeTiny: false });
    await waitFor(async () => (await pendingCount()) === 0 && (await iderisStock()).get(id) === 12 - SAFETY_BUFFER, 10_000, 100);
    // The late, older value was never pushed: the SKU was re-read from Tiny instead.
    const pushes = (await pushLog()).filter((p) => p.sku === id);
    expect(pushes.some((p) => p.qty === 30 - SAFETY_BUFFER)).toBe(false);
    expect(pushes.at(-1)!.qty).toBe(12 - SAFETY_BUFFER);
  });

  it('trusts two close notifications of a SKU that say the same value: Tiny is not read', async () => {
    // A SKU of its own (the burst's SKUs had notifications moments ago, with other values).
    const id = 'STK-SAME';
    tinyIds.set(id, (await sandbox('POST', '/control/tiny/products', { token: tinyToken, codigo: id, ...TINY_BALANCE })).id);
    await sandbox('POST', '/control/ideris/skus', { privateKey: iderisKey, sku: id, currentStock: 0 });
    const readsBefore = await tinyStockReads();
    // Tiny's change, announced twice (two webhooks, a second apart at most): whichever came first, the SKU ends at 15.
    await postNotice({ sku: id, saldo: 15, tipoEstoque: 'D', tinyProductId: tinyIds.get(id)! });
    await postNotice({ sku: id, saldo: 15, tipoEstoque: 'D', tinyProductId: tinyIds.get(id)! }, { changeTiny: false });
    await waitFor(async () => (await pendingCount()) === 0 && (await iderisStock()).get(id) === 15 - SAFETY_BUFFER, 10_000, 100);
    expect(await tinyStockReads()).toBe(readsBefore);
  });

  it('re-reads a late retry of the older value once two close notifications of a SKU disagreed', async () => {
    const id = 'STK-06';
    const productId = tinyIds.get(id)!;
    // Tiny: 3, then 5. The notifications arrive 5 first, then the older 3 (disagreeing: Tiny is read, 5 is pushed)…
    await sandbox('POST', '/control/tiny/stock/burst', { token: tinyToken, changes: [{ codigo: id, saldo: 3 + TINY_BALANCE.saldoReservado }] });
    await sandbox('POST', '/control/tiny/stock/burst', { token: tinyToken, changes: [{ codigo: id, saldo: 5 + TINY_BALANCE.saldoReservado }] });
    await postNotice({ sku: id, saldo: 5, tipoEstoque: 'D', tinyProductId: productId }, { changeTiny: false });
    await postNotice({ sku: id, saldo: 3, tipoEstoque: 'D', tinyProductId: productId }, { changeTiny: false });
    await waitFor(async () => (await pendingCount()) === 0 && (await iderisStock()).get(id) === 5 - SAFETY_BUFFER, 10_000, 100);
    const readsBefore = await tinyStockReads();
    // …then Tiny retries the older one: it agrees with the notification before it, but the SKU is in doubt: read again.
    await postNotice({ sku: id, saldo: 3, tipoEstoque: 'D', tinyProductId: productId }, { changeTiny: false });
    await waitFor(async () => (await tinyStockReads()) > readsBefore && (await pendingCount()) === 0, 10_000, 100);
    expect((await iderisStock()).get(id)).toBe(5 - SAFETY_BUFFER);
    expect((await pushLog()).filter((p) => p.sku === id && p.qty === 3 - SAFETY_BUFFER)).toEqual([]);
    // Every read of Tiny the pushes made waited in the normal lane: none competed with order creation (real-time).
    const lanes = await sql<{ lane: string; n: number }>(`SELECT lane, sum(n)::int AS n FROM api_budget.grant_minute WHERE key = $1 GROUP BY lane`, [
      `tiny:${createHash('sha256').update(tinyToken).digest('hex').slice(0, 24)}`,
    ]);
    expect(lanes.find((l) => l.lane === 'realtime')).toBeUndefined();
    expect(lanes.find((l) => l.lane === 'normal')?.n).toBeGreaterThanOrEqual(await tinyStockReads());
  });

  it('sends nothing when Tiny announces the value Ideris already holds, and the next change at once', async () => {
    const id = 'STK-02';
    const held = (await iderisStock()).get(id)!;
    const callsBefore = await iderisStockCalls();
    const seq = await postNotice({ sku: id, saldo: held + SAFETY_BUFFER, tipoEstoque: 'D', tinyProductId: tinyIds.get(id)! });
    const seen = () => sql(`SELECT 1 FROM "${catalogSchema}".stock_seen WHERE connection_id = $1 AND sku = $2 AND last_seq >= $3`, [connectionId, id, seq]);
    await waitFor(async () => (await seen()).length === 1 && (await pendingCount()) === 0, 10_000, 100);
    expect((await iderisStockCalls()).calls).toBe(callsBefore.calls);

    await postNotice({ sku: id, saldo: held + SAFETY_BUFFER + 7, tipoEstoque: 'D', tinyProductId: tinyIds.get(id)! });
    await waitFor(async () => (await iderisStock()).get(id) === held + 7, 10_000, 100);
    expect((await iderisStockCalls()).ok).toBe(callsBefore.ok + 1);
  });

  it('pushes a stock change Tiny notifies in the account-level shape (versao 1.0.1, no idEcommerce, tipoEstoque or skuMapeamento) to the SKU named by sku', async () => {
    const id = 'STK-10';
    const others = new Map([...(await iderisStock())].filter(([other]) => other !== id));
    // Tiny sends its own estoque notifications now, in the shape of the integrator's fixture of a real one.
    await sandbox('POST', '/control/tiny/webhooks', { token: tinyToken, idEcommerce: 777, urls: { estoque: webhookUrl } });
    try {
      await withTinyShapes(h, tinyToken, { stockNotification: 'account' }, async () => {
        // The seller counts 41 units; 3 stay reserved. The notification carries the physical 41 and no stock type,
        // so catalog reads Tiny's available balance (38) and applies the connection's buffer.
        await sandbox('POST', '/control/tiny/stock', { token: tinyToken, codigo: id, saldo: 41 });
        const delivered = await deliveriesSettled(p, (d) => d.attempts.some((attempt: any) => attempt.kind === 'estoque'));
        const estoque = delivered.attempts.filter((attempt: any) => attempt.kind === 'estoque');
        expect(estoque).toEqual([expect.objectContaining({ status: 200, attempt: 1 })]);
        expect(estoque[0].body).toEqual({ versao: '1.0.1', cnpj: SELLER.cnpj, tipo: 'estoque', dados: { idProduto: tinyIds.get(id), sku: id, nome: expect.any(String), saldo: 41 } });
        await waitFor(async () => (await pendingCount()) === 0 && (await iderisStock()).get(id) === 41 - TINY_BALANCE.saldoReservado - SAFETY_BUFFER, 10_000, 100);
        expect((await pushLog()).at(-1)).toMatchObject({ sku: id, qty: 41 - TINY_BALANCE.saldoReservado - SAFETY_BUFFER });
        expect(new Map([...(await iderisStock())].filter(([other]) => other !== id))).toEqual(others);
      });
    } finally {
      await sandbox('DELETE', `/control/tiny/webhooks?token=${encodeURIComponent(tinyToken)}`);
    }
  });

  it('ignores stock notifications of a connection that is no longer active, once its read model had time to catch up', async () => {
    const id = 'STK-03';
    const seq = await postNotice({ sku: id, saldo: 999, tipoEstoque: 'D', tinyProductId: tinyIds.get(id)! });
    await waitFor(async () => (await iderisStock()).get(id) === 999 - SAFETY_BUFFER, 10_000, 100);
    const stored = (await jsm.streams.getMessage(Streams.TINY_NOTIFICATIONS.name, { seq }))!.json<TinyNotificationReceivedV1>();
    expect((await h.api('POST', `/api/v1/connections/${connectionId}/deactivate`)).status).toBe(200);
    await waitFor(async () => (await sql(`SELECT 1 FROM "${catalogSchema}".connection_view WHERE id = $1 AND situation = 'inactive'`, [connectionId])).length === 1, 15_000, 100);
    const later = { ...stored, rawBody: stored.rawBody.replace('"saldo":999', '"saldo":5') };
    const handler = catalog.get(StockNotificationHandler);
    await expect(handler.handle(redelivery(later, seq + 1_000_000, 1))).rejects.toThrow(/not active/);
    await handler.handle(redelivery(later, seq + 1_000_000, 3));
    expect(await pendingCount()).toBe(0);
    expect((await iderisStock()).get(id)).toBe(999 - SAFETY_BUFFER);
  });
});

function redelivery(payload: TinyNotificationReceivedV1, streamSequence: number, attempt = 2): MessageContext<TinyNotificationReceivedV1> {
  return {
    payload,
    subject: 'gateway.tiny-notification.estoque.v1',
    messageId: `redelivery-${streamSequence}`,
    streamSequence,
    attempt,
    connectionId: payload.connectionId,
    correlationId: 'test',
    headers: {},
    manager: undefined as never,
    emit: async () => '',
    working: () => undefined,
    failure: (error) => FailurePolicy.forConsumer(Consumers.catalogStock).classify(error, attempt),
  };
}

import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { INestApplication } from '@nestjs/common';
import { Consumers, Streams, type PriceConfirmationView, type TinyNotificationReceivedV1 } from '@hub/contracts';
import { FailurePolicy } from '@hub/work';
import { IderisCatalogApi, IderisClient } from '@hub/ideris';
import type { MessageContext } from '@hub/messaging';
import { sql, testNatsUrl, waitFor } from '@hub/testing';
import { SELLER, type GatewayHarness } from '../../gateway/test/gateway-harness';
import { PriceNotificationHandler } from '../src/prices/price-notification.handler';
import { startCatalogHarness, type CatalogHarness } from './catalog-harness';

const RULES = { maxDropPercent: 30, rules: [{ marketplace: 'default', markupPercent: 10, fixedAdditionCents: 0, rounding: '90', usePromotional: true }] };

/** The gateway, the sandbox and catalog in-process, against real PostgreSQL and NATS; `precos` webhooks posted as Tiny would. */
describe('prices (Tiny → Ideris) through the running services', () => {
  let p: CatalogHarness;
  let h: GatewayHarness;
  let catalog: INestApplication;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let connectionId: string;
  let webhookUrl: string;
  let catalogSchema: string;
  let iderisKey: string;
  let tinyToken: string;

  const sandbox = (method: string, path: string, body?: unknown): Promise<any> => p.sandbox(method, path, body);
  /** A `precos` notification as Tiny posts it (whatever Tiny holds now: a late retry carries an older price). */
  const postNotice = async (sku: string, preco: string, precoPromocional = ''): Promise<number> => {
    const body = { versao: '1.0.0', cnpj: SELLER.cnpj, idEcommerce: 778, tipo: 'precos', dados: { idMapeamento: '1', skuMapeamento: sku, skuMapeamentoPai: '', nome: sku, codigo: sku, preco, precoPromocional } };
    const res = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = (await res.json()) as { status: string; sequence: number };
    if (res.status !== 200 || answer.status !== 'accepted') throw new Error(`webhook answered ${res.status} ${JSON.stringify(answer)}`);
    return answer.sequence;
  };
  /** The seller changes the price in Tiny, and Tiny notifies it. */
  const postPrice = async (sku: string, preco: string, precoPromocional = ''): Promise<number> => {
    await sandbox('POST', '/control/tiny/prices', { token: tinyToken, codigo: sku, preco, precoPromocional: precoPromocional || '0.00' });
    return postNotice(sku, preco, precoPromocional);
  };
  const iderisPrice = async (sku: string): Promise<number | undefined> => {
    const api = new IderisCatalogApi(new IderisClient({ baseUrl: `${h.sandboxUrl}/ideris`, privateKey: iderisKey }));
    return (await api.searchListingModels({ sku }))[0]?.value;
  };
  const priceCalls = async (): Promise<{ calls: number; ok: number; errors: number }> => {
    const stats = await sandbox('GET', '/control/calls');
    return stats.ideris[iderisKey]?.endpoints['listingModel/price'] ?? { calls: 0, ok: 0, errors: 0 };
  };
  const settled = async (sku: string, seq: number) =>
    waitFor(async () => {
      const seen = await sql(`SELECT 1 FROM "${catalogSchema}".price_seen WHERE connection_id = $1 AND sku = $2 AND last_seq >= $3`, [connectionId, sku, seq]);
      const [{ n }] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "${catalogSchema}".price_pending WHERE connection_id = $1`, [connectionId]);
      return seen.length === 1 && n === 0;
    }, 15_000, 100);
  const confirmations = async (status = 'pending'): Promise<PriceConfirmationView[]> => {
    const res = await h.api('GET', `/api/v1/connections/${connectionId}/price-confirmations?status=${status}`);
    expect(res.status).toBe(200);
    return res.body.confirmations;
  };

  beforeAll(async () => {
    p = await startCatalogHarness('prices', {
      tinyIntegrationId: 778,
      settings: {},
      // Each SKU gets a listing model priced R$ 99.90.
      beforeActivation: async (control, ids) => {
        for (const sku of ['PRC-1', 'PRC-2']) {
          await control('POST', '/control/ideris/skus', { privateKey: ids.iderisKey, sku, currentStock: 1 });
          await control('POST', '/control/tiny/products', { token: ids.tinyToken, codigo: sku, preco: '99.90', saldo: 1 });
        }
      },
    });
    ({ h, catalog, connectionId, catalogSchema, iderisKey, tinyToken } = p);
    webhookUrl = p.webhookUrls['precos']!;
    nc = await connect({ servers: testNatsUrl() });
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    await nc?.drain();
    await p?.close();
  });


  it('has a default rule (no markup, no rounding, 30 % guard) and takes a new rule set through the gateway', async () => {
    const before = await h.api('GET', `/api/v1/connections/${connectionId}/price-rules`);
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ connectionId, maxDropPercent: 30, rules: [expect.objectContaining({ marketplace: 'default', markupPercent: 0, fixedAdditionCents: 0, rounding: 'none', usePromotional: false })] });

    const refused = await h.api('PUT', `/api/v1/connections/${connectionId}/price-rules`, { rules: [{ ...RULES.rules[0], rounding: '95' }] });
    expect(refused.status).toBe(400);
    const duplicated = await h.api('PUT', `/api/v1/connections/${connectionId}/price-rules`, { rules: [RULES.rules[0], RULES.rules[0]] });
    expect(duplicated.status).toBe(400);

    const put = await h.api('PUT', `/api/v1/connections/${connectionId}/price-rules`, RULES);
    expect(put.status).toBe(200);
    expect(put.body.rules).toEqual([expect.objectContaining(RULES.rules[0])]);
  });

  it('applies the rule to a price notification and reaches Ideris once; a duplicate notification pushes nothing new', async () => {
    const callsBefore = await priceCalls();
    // Promotional 95.00 is the base: × 1.10 = 104.50 → .90 of the same real = 104.90.
    const seq = await postPrice('PRC-1', '100.00', '95.00');
    await waitFor(async () => (await iderisPrice('PRC-1')) === 104.9, 15_000, 100);
    await settled('PRC-1', seq);
    expect((await priceCalls()).ok).toBe(callsBefore.ok + 1);

    const again = await postPrice('PRC-1', '100.00', '95.00');
    await settled('PRC-1', again);
    expect(await priceCalls()).toMatchObject({ calls: callsBefore.calls + 1, ok: callsBefore.ok + 1, errors: callsBefore.errors });
    const log = await sql<{ price_cents: number; previous_cents: number }>(`SELECT price_cents, previous_cents FROM "${catalogSchema}".price_push_log WHERE connection_id = $1 AND sku = 'PRC-1'`, [connectionId]);
    expect(log).toEqual([{ price_cents: 10490, previous_cents: 9990 }]);

    // A redelivery of the first notification, at its original stream position, sends nothing new either: it is
    // close to the latest one, so Tiny's price is read, and Ideris already holds it.
    const stored = (await jsm.streams.getMessage(Streams.TINY_NOTIFICATIONS.name, { seq }))!.json<TinyNotificationReceivedV1>();
    await catalog.get(PriceNotificationHandler).handle(redelivery(stored, seq));
    await settled('PRC-1', again);
    expect(await priceCalls()).toMatchObject({ calls: callsBefore.calls + 1, ok: callsBefore.ok + 1 });
  });

  it('parks a 50 % drop with the old and new price, and pushes it once confirmed', async () => {
    const callsBefore = await priceCalls();
    // 47.50 × 1.10 = 52.25 → 52.90: a 49.6 % drop from 104.90.
    const seq = await postPrice('PRC-1', '47.50');
    const [parked] = await waitFor(async () => {
      const list = await confirmations();
      return list.length === 1 ? list : undefined;
    }, 15_000, 100);
    await settled('PRC-1', seq);
    expect(parked).toMatchObject({ sku: 'PRC-1', marketplace: 'default', oldPriceCents: 10490, newPriceCents: 5290, dropPercent: 49.57, tinyPrice: '47.5', status: 'pending', sourceSequence: seq });
    expect(await iderisPrice('PRC-1')).toBe(104.9);
    expect((await priceCalls()).calls).toBe(callsBefore.calls);

    // Tiny repeating the same drop leaves one entry waiting.
    await settled('PRC-1', await postPrice('PRC-1', '47.50'));
    expect(await confirmations()).toHaveLength(1);

    const confirmed = await h.api('POST', `/api/v1/connections/${connectionId}/price-confirmations/${parked!.id}/confirm`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ id: parked!.id, status: 'confirmed', newPriceCents: 5290 });
    expect(await iderisPrice('PRC-1')).toBe(52.9);
    expect((await priceCalls()).ok).toBe(callsBefore.ok + 1);
    expect(await confirmations()).toEqual([]);
    expect((await h.api('POST', `/api/v1/connections/${connectionId}/price-confirmations/${parked!.id}/confirm`)).status).toBe(409);
    expect((await h.api('POST', `/api/v1/connections/${connectionId}/price-confirmations/999999999/confirm`)).status).toBe(404);

    // The confirmed price is now what Ideris holds: the same notification again sends nothing.
    await settled('PRC-1', await postPrice('PRC-1', '47.50'));
    expect((await priceCalls()).calls).toBe(callsBefore.calls + 1);
  });

  it('drops a rejected price (Ideris keeps its own), and a later acceptable price supersedes a waiting drop', async () => {
    const callsBefore = await priceCalls();
    await settled('PRC-2', await postPrice('PRC-2', '20.00'));
    const [parked] = await confirmations();
    expect(parked).toMatchObject({ sku: 'PRC-2', oldPriceCents: 9990, newPriceCents: 2290 });
    const rejected = await h.api('POST', `/api/v1/connections/${connectionId}/price-confirmations/${parked!.id}/reject`);
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected' });
    expect(await iderisPrice('PRC-2')).toBe(99.9);

    await settled('PRC-2', await postPrice('PRC-2', '21.00'));
    expect(await confirmations()).toHaveLength(1);
    await settled('PRC-2', await postPrice('PRC-2', '80.00'));
    await waitFor(async () => (await iderisPrice('PRC-2')) === 88.9, 10_000, 100);
    expect(await confirmations()).toEqual([]);
    expect((await confirmations('superseded')).map((c) => c.newPriceCents)).toEqual([2390]);
    expect((await priceCalls()).ok).toBe(callsBefore.ok + 1);
  });

  it("reads Tiny's price when a notification reaches the hub close to another of the SKU: Tiny's late retry of an older price does not overwrite the newer one", async () => {
    // The seller changed PRC-2 to 110.00, then to 120.00. The first notification failed while the hub was
    // unreachable, and Tiny's retry came after the second one: the older price reaches the hub last.
    await sandbox('POST', '/control/tiny/prices', { token: tinyToken, codigo: 'PRC-2', preco: '110.00' });
    await postPrice('PRC-2', '120.00');
    const retried = await postNotice('PRC-2', '110.00');
    await settled('PRC-2', retried);
    // Tiny holds 120.00: × 1.10 = 132.00 → 132.90 (110.00 would give 121.90).
    expect(await iderisPrice('PRC-2')).toBe(132.9);
    const [last] = await sql<{ price_cents: number }>(`SELECT price_cents FROM "${catalogSchema}".price_push_log WHERE connection_id = $1 AND sku = 'PRC-2' ORDER BY id DESC LIMIT 1`, [connectionId]);
    expect(last).toEqual({ price_cents: 13290 });
  });
});

function redelivery(payload: TinyNotificationReceivedV1, streamSequence: number): MessageContext<TinyNotificationReceivedV1> {
  return {
    payload,
    subject: 'gateway.tiny-notification.precos.v1',
    messageId: `redelivery-${streamSequence}`,
    streamSequence,
    attempt: 2,
    connectionId: payload.connectionId,
    correlationId: 'test',
    headers: {},
    manager: undefined as never,
    emit: async () => '',
    working: () => undefined,
    failure: (error) => FailurePolicy.forConsumer(Consumers.catalogPrices).classify(error, 2),
  };
}

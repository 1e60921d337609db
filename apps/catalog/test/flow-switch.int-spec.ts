import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Consumers } from '@hub/contracts';
import { IderisCatalogApi, IderisClient } from '@hub/ideris';
import { sql, testNatsUrl, waitFor } from '@hub/testing';
import { SELLER } from '../../gateway/test/gateway-harness';
import { StockSweeper } from '../src/stock/stock-sweeper';
import { startCatalogHarness, type CatalogHarness } from './catalog-harness';

/** The stock flow switched off and on again for one connection, through the running gateway and catalog. */
describe('per-flow switch: stock', () => {
  let p: CatalogHarness;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const iderisStock = async () => {
    const api = new IderisCatalogApi(new IderisClient({ baseUrl: `${p.h.sandboxUrl}/ideris`, privateKey: p.iderisKey }));
    return new Map((await api.searchSkus()).map((s) => [s.sku, s.currentStock]));
  };
  const tinyIds = new Map<string, number>();
  /** Tiny's balance changes, then Tiny notifies it (what the sandbox would send with webhooks registered). */
  const sellerCounts = async (sku: string, saldo: number) => {
    await p.sandbox('POST', '/control/tiny/stock/burst', { token: p.tinyToken, changes: [{ codigo: sku, saldo }] });
    const body = { versao: '1.0.0', cnpj: SELLER.cnpj, idEcommerce: 781, tipo: 'estoque', dados: { tipoEstoque: 'F', saldo, idProduto: tinyIds.get(sku), sku, skuMapeamento: sku, skuMapeamentoPai: '' } };
    const res = await fetch(p.webhookUrls['estoque']!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  };
  /** Every stock notification stored so far has been handled (acknowledged) by catalog. */
  const notificationsHandled = () =>
    waitFor(async () => {
      const info = await jsm.consumers.info(Consumers.catalogStock.stream.name, Consumers.catalogStock.durable);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    }, 15_000, 100);
  const switchStock = async (on: boolean) => {
    const res = await p.h.api('PATCH', `/api/v1/connections/${p.connectionId}`, { settings: { flows: { stock: on } } });
    expect(res.status).toBe(200);
    expect(res.body.settings.flows.stock).toBe(on);
    await waitFor(async () => (await sql(`SELECT 1 FROM "${p.catalogSchema}".connection_view WHERE id = $1 AND (settings->'flows'->>'stock') = $2`, [p.connectionId, String(on)])).length === 1, 15_000, 100);
  };
  const pushes = async () => (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "${p.catalogSchema}".stock_push_log WHERE connection_id = $1`, [p.connectionId]))[0]!.n;
  const sweepNow = async () => {
    await sql(`INSERT INTO "${p.catalogSchema}".stock_sweep (connection_id) VALUES ($1) ON CONFLICT DO NOTHING`, [p.connectionId]);
    await sql(`UPDATE "${p.catalogSchema}".stock_sweep SET next_poll_at = now(), next_offset = 0 WHERE connection_id = $1`, [p.connectionId]);
    await p.catalog.get(StockSweeper).tick();
  };

  beforeAll(async () => {
    // The test runs the sweep's scheduling pass itself.
    process.env['CATALOG_STOCK_SWEEP'] = 'off';
    process.env['CATALOG_STOCK_FEED'] = 'off';
    p = await startCatalogHarness('flows', {
      tinyIntegrationId: 781,
      settings: { stockType: 'physical', safetyBuffer: 0 },
      beforeActivation: async (control, ids) => {
        for (const sku of ['FLW-1', 'FLW-2']) {
          const product = await control('POST', '/control/tiny/products', { token: ids.tinyToken, codigo: sku, saldo: 10 });
          tinyIds.set(sku, Number(product.id));
          await control('POST', '/control/ideris/skus', { privateKey: ids.iderisKey, sku, currentStock: 10 });
        }
      },
    });
    nc = await connect({ servers: testNatsUrl() });
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    delete process.env['CATALOG_STOCK_SWEEP'];
    delete process.env['CATALOG_STOCK_FEED'];
    await nc?.drain();
    await p?.close();
  });

  it('acknowledges and skips stock notifications and sweeps while the flow is off, and catches up once it is on', async () => {
    await switchStock(false);
    await sellerCounts('FLW-1', 3);
    await notificationsHandled();
    await sweepNow();
    await new Promise((r) => setTimeout(r, 1000));
    expect((await iderisStock()).get('FLW-1')).toBe(10);
    expect(await pushes()).toBe(0);
    expect(await sql(`SELECT sku FROM "${p.catalogSchema}".stock_pending WHERE connection_id = $1`, [p.connectionId])).toEqual([]);

    await switchStock(true);
    // The change made while off: the sweep compares both sides and corrects it.
    await sweepNow();
    await waitFor(async () => (await iderisStock()).get('FLW-1') === 3, 15_000, 100);
    // A new notification is pushed as usual.
    await sellerCounts('FLW-2', 7);
    await waitFor(async () => (await iderisStock()).get('FLW-2') === 7, 15_000, 100);
    expect(await pushes()).toBe(2);
  });
});

import { createHash } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { INestApplication } from '@nestjs/common';
import { OrderEvents, type OrderImportedV1 } from '@hub/contracts';
import { IderisCatalogApi, IderisClient } from '@hub/ideris';
import { sql, testNatsUrl, waitFor } from '@hub/testing';
import { SELLER, type GatewayHarness } from '../../gateway/test/gateway-harness';
import { StockSweeper } from '../src/stock/stock-sweeper';
import { StockUpdatesFeed } from '../src/stock/stock-updates-feed';
import { startCatalogHarness, type CatalogHarness } from './catalog-harness';

const SAFETY_BUFFER = 1;
const RESERVED = 2;
const rule = (saldo: number) => Math.max(0, saldo - RESERVED - SAFETY_BUFFER);

/** The reconciliation backstops: imported orders' products re-read from Tiny, and the sweep comparing Ideris with Tiny. */
describe('stock reconciliation (Tiny → Ideris) through the running services', () => {
  let p: CatalogHarness;
  let h: GatewayHarness;
  let catalog: INestApplication;
  let nc: NatsConnection;
  let connectionId: string;
  let webhookUrl: string;
  let catalogSchema: string;
  let tinyToken: string;
  let iderisKey: string;
  const iderisApi = () => new IderisCatalogApi(new IderisClient({ baseUrl: `${h.sandboxUrl}/ideris`, privateKey: iderisKey }));
  const sandbox = (method: string, path: string, body?: unknown): Promise<any> => p.sandbox(method, path, body);
  const iderisStock = async () => new Map((await iderisApi().searchSkus()).map((s) => [s.sku, s.currentStock]));
  const setTinySaldo = (codigo: string, saldo: number) => sandbox('POST', '/control/tiny/stock/burst', { token: tinyToken, changes: [{ codigo, saldo }] });
  const stockCalls = async () => ((await sandbox('GET', '/control/calls')).ideris[iderisKey]?.endpoints['sku/stock'] ?? { calls: 0, ok: 0 }) as { calls: number; ok: number };
  /** Tiny's notification of an available balance (`D`), posted as Tiny would. */
  const notify = async (sku: string, saldo: number, tinyProductId: number) => {
    const body = { versao: '1.0.0', cnpj: SELLER.cnpj, idEcommerce: 778, tipo: 'estoque', dados: { tipoEstoque: 'D', saldo, idProduto: tinyProductId, sku, skuMapeamento: sku, skuMapeamentoPai: '' } };
    const res = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  };
  const tinyId = async (codigo: string) => (await sandbox('GET', `/control/tiny/state?token=${encodeURIComponent(tinyToken)}`)).products.find((p: { codigo: string }) => p.codigo === codigo).id as number;
  const tinyCalls = async (endpoint: string): Promise<number> => (await sandbox('GET', '/control/calls')).tiny[tinyToken]?.endpoints[endpoint]?.calls ?? 0;
  const imported = async (skus: string[], iderisOrderId: number) => {
    const event: OrderImportedV1 = { connectionId, iderisOrderId, tinyOrderId: String(900000 + iderisOrderId), skus };
    await jetstream(nc).publish(OrderEvents.imported.subject, JSON.stringify(event), { msgID: `rec-${connectionId}-${iderisOrderId}` });
  };

  beforeAll(async () => {
    // The test drives the sweep itself; the timer would race it for the same steps.
    process.env['CATALOG_STOCK_SWEEP'] = 'off';
    // Imported orders' re-reads at once, unless a test lets them settle.
    process.env['CATALOG_ORDER_RECHECK_SETTLE_MS'] = '0';
    process.env['CATALOG_STOCK_FEED'] = 'off';
    p = await startCatalogHarness('reconcile', {
      tinyCallsPerMinute: 3000,
      tinyIntegrationId: 778,
      settings: { stockType: 'available', safetyBuffer: SAFETY_BUFFER },
      beforeActivation: async (control, ids) => {
        for (let n = 1; n <= 60; n++) {
          const codigo = `REC-${String(n).padStart(3, '0')}`;
          await control('POST', '/control/tiny/products', { token: ids.tinyToken, codigo, saldo: 10 + n, saldoReservado: RESERVED });
          await control('POST', '/control/ideris/skus', { privateKey: ids.iderisKey, sku: codigo, currentStock: rule(10 + n) });
        }
      },
    });
    ({ h, catalog, connectionId, catalogSchema, tinyToken, iderisKey } = p);
    webhookUrl = p.webhookUrls['estoque']!;
    nc = await connect({ servers: testNatsUrl() });
  });

  afterAll(async () => {
    delete process.env['CATALOG_STOCK_SWEEP'];
    delete process.env['CATALOG_STOCK_FEED'];
    delete process.env['CATALOG_ORDER_RECHECK_SETTLE_MS'];
    await nc?.drain();
    await p?.close();
  });


  it('re-reads the products of an imported order from Tiny and pushes what changed, even with no stock notification at all', async () => {
    // The sale lowered Tiny's balance of REC-001 and REC-002, but Tiny's notifications never came. REC-003 did not change.
    await setTinySaldo('REC-001', 4);
    await setTinySaldo('REC-002', 9);
    const before = await stockCalls();
    await imported(['REC-001', 'REC-002', 'REC-003', 'NOT-IN-TINY'], 1);
    await waitFor(async () => {
      const held = await iderisStock();
      return held.get('REC-001') === rule(4) && held.get('REC-002') === rule(9);
    }, 15_000, 100);
    await waitFor(async () => (await sql(`SELECT 1 FROM "${catalogSchema}".stock_pending WHERE connection_id = $1`, [connectionId])).length === 0, 10_000, 100);
    // Only the two that differ were written; REC-003 was compared and left alone; the unknown code was skipped.
    expect((await stockCalls()).ok - before.ok).toBe(2);
    expect((await iderisStock()).get('REC-003')).toBe(rule(13));
    const products = await sql<{ sku: string }>(`SELECT sku FROM "${catalogSchema}".stock_product WHERE connection_id = $1 ORDER BY sku`, [connectionId]);
    expect(products.map((p) => p.sku)).toEqual(['REC-001', 'REC-002', 'REC-003']);

    // A redelivery of the same event (or the next order of the same products) changes nothing when nothing moved.
    await imported(['REC-001'], 2);
    await waitFor(async () => (await sql(`SELECT 1 FROM "${catalogSchema}".stock_pending WHERE connection_id = $1`, [connectionId])).length === 0, 10_000, 100);
    expect((await stockCalls()).ok - before.ok).toBe(2);
  });

  it('compares against what Ideris really holds after a marketplace sale lowered it on its own', async () => {
    // The hub last pushed rule(4) for REC-001; the marketplace sale took one unit in Ideris; Tiny still says 4.
    await sandbox('POST', '/control/ideris/skus', { privateKey: iderisKey, sku: 'REC-001', currentStock: rule(4) - 1 });
    await imported(['REC-001'], 3);
    await waitFor(async () => (await iderisStock()).get('REC-001') === rule(4), 15_000, 100);
  });

  it("lets an imported order's re-read settle, and reads nothing from Tiny when the sale's own notifications come first", async () => {
    process.env['CATALOG_ORDER_RECHECK_SETTLE_MS'] = '6000';
    try {
      // Ideris as the sandbox holds it, read without an API call (the searches are counted).
      const held = async () => new Map<string, number>((await sandbox('GET', `/control/ideris/state?privateKey=${encodeURIComponent(iderisKey)}`)).skus.map((x: { sku: string; currentStock: number }) => [x.sku, x.currentStock]));
      const iderisSearches = async () => ((await sandbox('GET', '/control/calls')).ideris[iderisKey]?.endpoints['sku/search']?.calls ?? 0) as number;
      const before = { pesquisa: await tinyCalls('produtos.pesquisa'), estoque: await tinyCalls('produto.obter.estoque'), searches: await iderisSearches() };
      const pendingRecheck = async () =>
        (await sql<{ sku: string; tiny_product_id: string }>(
          `SELECT sku, tiny_product_id FROM "${catalogSchema}".stock_pending WHERE connection_id = $1 AND reason = 'order-imported' ORDER BY sku`, [connectionId],
        ));
      // REC-034 was never named by a notification (the hub does not know its Tiny product); REC-002 is known.
      const askedAt = Date.now();
      await imported(['REC-034', 'REC-002'], 4);
      await waitFor(async () => (await pendingRecheck()).length === 2, 5_000, 50);
      expect(await pendingRecheck()).toEqual([{ sku: 'REC-002', tiny_product_id: String(await tinyId('REC-002')) }, { sku: 'REC-034', tiny_product_id: '' }]);
      // The sale posted in Tiny; its notifications arrive while the re-reads settle, and are pushed at once.
      await setTinySaldo('REC-034', 21);
      await notify('REC-034', 21 - RESERVED, await tinyId('REC-034'));
      await setTinySaldo('REC-002', 8);
      await notify('REC-002', 8 - RESERVED, await tinyId('REC-002'));
      await waitFor(async () => {
        const now = await held();
        return now.get('REC-034') === rule(21) && now.get('REC-002') === rule(8);
      }, 5_000, 50);
      expect(Date.now() - askedAt).toBeLessThan(6_000);
      await waitFor(async () => (await sql(`SELECT 1 FROM "${catalogSchema}".stock_pending WHERE connection_id = $1`, [connectionId])).length === 0, 5_000, 50);
      // No product search, no Tiny stock read: the notifications carried what the re-read would have read. Ideris is
      // searched at most once, for REC-034's first push (the hub never learned its count), not for the order.
      expect(await tinyCalls('produtos.pesquisa')).toBe(before.pesquisa);
      expect(await tinyCalls('produto.obter.estoque')).toBe(before.estoque);
      expect(await iderisSearches()).toBeLessThanOrEqual(before.searches + 1);

      // No notification at all: once settled, the re-read finds the product by its code and pushes what Tiny holds.
      await setTinySaldo('REC-035', 5);
      await imported(['REC-035'], 5);
      await waitFor(async () => (await pendingRecheck()).length === 1, 5_000, 50);
      await new Promise((r) => setTimeout(r, 2_000));
      expect((await held()).get('REC-035')).toBe(rule(45)); // not yet: still settling
      await waitFor(async () => (await held()).get('REC-035') === rule(5), 15_000, 100);
      expect(await tinyCalls('produtos.pesquisa')).toBe(before.pesquisa + 1);
      expect(await tinyCalls('produto.obter.estoque')).toBe(before.estoque + 1);
    } finally {
      process.env['CATALOG_ORDER_RECHECK_SETTLE_MS'] = '0';
    }
  });

  it('writes Ideris stock in the normal lane, behind order reads, and a sold-out SKU in the real-time lane', async () => {
    const key = `ideris:${createHash('sha256').update(iderisKey).digest('hex').slice(0, 24)}`;
    const grants = async () =>
      Object.fromEntries((await sql<{ lane: string; n: number }>(`SELECT lane, sum(n)::int AS n FROM api_budget.grant_minute WHERE key = $1 GROUP BY lane`, [key])).map((r) => [r.lane, r.n]));
    const before = await grants();
    await setTinySaldo('REC-036', 9);
    await notify('REC-036', 9 - RESERVED, await tinyId('REC-036'));
    await waitFor(async () => (await iderisStock()).get('REC-036') === rule(9), 10_000, 50);
    const afterValue = await grants();
    expect((afterValue['normal'] ?? 0) - (before['normal'] ?? 0)).toBeGreaterThanOrEqual(1);
    expect(afterValue['realtime'] ?? 0).toBe(before['realtime'] ?? 0);
    // Sold out: available 0 (saldo = reserved + safety buffer) is written in the real-time lane (Tiny may be read
    // first: two close notifications that disagree are in doubt).
    await setTinySaldo('REC-036', RESERVED + SAFETY_BUFFER);
    await notify('REC-036', SAFETY_BUFFER, await tinyId('REC-036'));
    await waitFor(async () => (await iderisStock()).get('REC-036') === 0, 10_000, 50);
    expect(((await grants())['realtime'] ?? 0) - (afterValue['realtime'] ?? 0)).toBe(1);
  });

  it('sweeps every Ideris SKU against Tiny from a cursor, in the bulk lane, and corrects what differs', async () => {
    // Drift the hub never heard of: Tiny changed behind its back for three SKUs, Ideris for one.
    await setTinySaldo('REC-010', 2);
    await setTinySaldo('REC-020', 50);
    await setTinySaldo('REC-055', 31);
    await sandbox('POST', '/control/ideris/skus', { privateKey: iderisKey, sku: 'REC-030', currentStock: 999 });
    const sweeper = catalog.get(StockSweeper);
    const steps: Array<{ read: number; checked: number; corrected: number }> = [];
    let offset = 0;
    for (;;) {
      const step = await sweeper.step(connectionId, offset);
      steps.push(step);
      offset = step.nextOffset;
      if (offset >= step.total || step.read === 0) break;
    }
    expect(steps.length).toBe(2); // 60 SKUs in pages of 50
    expect(steps.reduce((n, s) => n + s.corrected, 0)).toBe(4);
    expect(steps.reduce((n, s) => n + s.checked, 0)).toBe(60);
    await waitFor(async () => {
      const held = await iderisStock();
      return held.get('REC-010') === rule(2) && held.get('REC-020') === rule(50) && held.get('REC-055') === rule(31) && held.get('REC-030') === rule(40);
    }, 15_000, 100);

    // A pass over a catalogue in agreement corrects nothing and writes nothing.
    await waitFor(async () => (await sql(`SELECT 1 FROM "${catalogSchema}".stock_pending WHERE connection_id = $1`, [connectionId])).length === 0, 10_000, 100);
    const before = await stockCalls();
    expect((await sweeper.step(connectionId, 0)).corrected).toBe(0);
    expect((await sweeper.step(connectionId, 50)).corrected).toBe(0);
    expect((await stockCalls()).calls).toBe(before.calls);
  });

  it('keeps the sweep cursor and pass in the database, so a restart resumes where it stopped', async () => {
    const sweeper = catalog.get(StockSweeper);
    await sql(`INSERT INTO "${catalogSchema}".stock_sweep (connection_id) VALUES ($1) ON CONFLICT DO NOTHING`, [connectionId]);
    await sql(`UPDATE "${catalogSchema}".stock_sweep SET next_poll_at = now(), next_offset = 0, pass = 0 WHERE connection_id = $1`, [connectionId]);
    expect(await sweeper.pollIfDue(connectionId)).toBe(true);
    let [state] = await sql<{ next_offset: number; pass: number }>(`SELECT next_offset, pass FROM "${catalogSchema}".stock_sweep WHERE connection_id = $1`, [connectionId]);
    expect(state).toEqual({ next_offset: 50, pass: 0 });
    await sql(`UPDATE "${catalogSchema}".stock_sweep SET next_poll_at = now() WHERE connection_id = $1`, [connectionId]);
    expect(await sweeper.pollIfDue(connectionId)).toBe(true);
    [state] = await sql<{ next_offset: number; pass: number; last_pass_checked: number }>(`SELECT next_offset, pass, last_pass_checked FROM "${catalogSchema}".stock_sweep WHERE connection_id = $1`, [connectionId]);
    expect(state).toMatchObject({ next_offset: 0, pass: 1, last_pass_checked: 60 });
    // The next pass is hours away: a tick now claims nothing.
    expect(await sweeper.pollIfDue(connectionId)).toBe(false);

    // The operator sees it through the gateway, and can start a pass now.
    const view = await h.api('GET', `/api/v1/connections/${connectionId}/stock`);
    expect(view.status).toBe(200);
    expect(view.body.reconciliation.sweep).toMatchObject({ passes: 1, offset: 0, lastPassChecked: 60, lastError: null });
    expect(view.body.pendingByReason).toEqual({});
    const started = await h.api('POST', `/api/v1/connections/${connectionId}/stock/sweep`);
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ connectionId, started: true });
    expect(await sweeper.pollIfDue(connectionId)).toBe(true);
  });

  describe("Tiny's stock-change queue (lista.atualizacoes.estoque), consumed once", () => {
    const feedState = async () =>
      (await sql<{ reading_started_at: Date | null; records_total: string; recoveries: number; last_error: string | null }>(
        `SELECT reading_started_at, records_total::text, recoveries, last_error FROM "${catalogSchema}".stock_feed WHERE connection_id = $1`,
        [connectionId],
      ))[0]!;
    const runFeed = async () => {
      await sql(`UPDATE "${catalogSchema}".stock_feed SET next_poll_at = now() WHERE connection_id = $1`, [connectionId]);
      return catalog.get(StockUpdatesFeed).pollIfDue(connectionId);
    };

    beforeAll(async () => {
      const patched = await h.api('PATCH', `/api/v1/connections/${connectionId}`, { settings: { stockUpdatesFeed: true } });
      expect(patched.status).toBe(200);
      await waitFor(async () => (await sql(`SELECT 1 FROM "${catalogSchema}".connection_view WHERE id = $1 AND (settings->>'stockUpdatesFeed')::boolean`, [connectionId])).length === 1, 15_000, 100);
      // The feed reads changes since its row was created: create it now, then drain what earlier tests left queued.
      await sql(`INSERT INTO "${catalogSchema}".stock_feed (connection_id, since) VALUES ($1, now() - interval '1 day') ON CONFLICT DO NOTHING`, [connectionId]);
      expect(await runFeed()).toBe(true);
      await waitFor(async () => (await sql(`SELECT 1 FROM "${catalogSchema}".stock_pending WHERE connection_id = $1`, [connectionId])).length === 0, 15_000, 100);
    });

    it('pushes the changes the queue reports, with no notification at all', async () => {
      await setTinySaldo('REC-040', 3);
      await setTinySaldo('REC-041', 77);
      expect(await runFeed()).toBe(true);
      await waitFor(async () => {
        const held = await iderisStock();
        return held.get('REC-040') === rule(3) && held.get('REC-041') === rule(77);
      }, 15_000, 100);
      expect(await feedState()).toMatchObject({ reading_started_at: null, recoveries: 0, last_error: null });
    });

    it('settles a SKU whose close notifications disagree through the queue, not with a read of that SKU alone', async () => {
      const id = await tinyId('REC-044');
      const reads = await tinyCalls('produto.obter.estoque');
      // Tiny: 30, then 12; the notifications arrive reversed, a moment apart: which is the latest is in doubt.
      await setTinySaldo('REC-044', 30);
      await setTinySaldo('REC-044', 12);
      await notify('REC-044', 12 - RESERVED, id);
      await notify('REC-044', 30 - RESERVED, id);
      const pending = () => sql<{ reason: string; desired_qty: number | null; waits: boolean }>(
        `SELECT reason, desired_qty, next_attempt_at > now() + interval '30 seconds' AS waits FROM "${catalogSchema}".stock_pending WHERE connection_id = $1 AND sku = 'REC-044'`,
        [connectionId],
      );
      await waitFor(async () => (await pending())[0]?.reason === 'awaiting-feed', 10_000, 100);
      expect(await pending()).toEqual([{ reason: 'awaiting-feed', desired_qty: null, waits: true }]);
      // The queue's next read was brought forward (from a minute to seconds).
      const [feed] = await sql<{ soon: boolean }>(`SELECT next_poll_at <= now() + interval '3 seconds' AS soon FROM "${catalogSchema}".stock_feed WHERE connection_id = $1`, [connectionId]);
      expect(feed).toEqual({ soon: true });
      const lists = await tinyCalls('lista.atualizacoes.estoque');
      expect(await runFeed()).toBe(true);
      await waitFor(async () => (await iderisStock()).get('REC-044') === rule(12) && (await pending()).length === 0, 15_000, 100);
      expect(await tinyCalls('lista.atualizacoes.estoque')).toBe(lists + 1);
      expect(await tinyCalls('produto.obter.estoque')).toBe(reads);
    });

    it("settles a SKU in doubt from the queue's earlier record when the queue listed its change before the notifications arrived", async () => {
      const id = await tinyId('REC-045');
      await setTinySaldo('REC-045', 30);
      await setTinySaldo('REC-045', 12);
      // The queue is read (and emptied of REC-045) before Tiny's notifications of the two changes arrive, reversed.
      expect(await runFeed()).toBe(true);
      await waitFor(async () => (await iderisStock()).get('REC-045') === rule(12), 15_000, 100);
      const reads = await tinyCalls('produto.obter.estoque');
      await notify('REC-045', 12 - RESERVED, id);
      await notify('REC-045', 30 - RESERVED, id);
      await waitFor(async () => (await sql(`SELECT 1 FROM "${catalogSchema}".stock_pending WHERE connection_id = $1 AND sku = 'REC-045' AND reason = 'awaiting-feed'`, [connectionId])).length === 1, 10_000, 100);
      // The next complete read lists nothing of REC-045: unchanged since the record it kept, which settles the doubt.
      expect(await runFeed()).toBe(true);
      await waitFor(async () => (await sql(`SELECT 1 FROM "${catalogSchema}".stock_pending WHERE connection_id = $1 AND sku = 'REC-045'`, [connectionId])).length === 0, 15_000, 100);
      expect((await iderisStock()).get('REC-045')).toBe(rule(12));
      expect(await tinyCalls('produto.obter.estoque')).toBe(reads);
    });

    it('recovers with a full sweep when a read consumed records but its answer never arrived', async () => {
      await setTinySaldo('REC-042', 5);
      await setTinySaldo('REC-043', 66);
      // Tiny removes the two records from its queue, then the connection drops before the answer.
      await sandbox('POST', '/control/faults', { system: 'tiny', account: tinyToken, endpoint: 'lista.atualizacoes.estoque', times: 1, commitThenDrop: true });
      expect(await runFeed()).toBe(true);
      const afterLoss = await feedState();
      expect(afterLoss.reading_started_at).not.toBeNull();
      expect(afterLoss.last_error).not.toBeNull();
      // Tiny's queue no longer has them: reading it again finds nothing of these two.
      expect((await iderisStock()).get('REC-042')).toBe(rule(10 + 42));

      // The next run sees the unfinished read and starts a full sweep now; the sweep finds and fixes both.
      expect(await runFeed()).toBe(true);
      expect(await feedState()).toMatchObject({ reading_started_at: null, recoveries: 1, last_error: null });
      // What the queue said before the loss is no longer taken as Tiny's balance (a lost record may have changed it).
      expect(await sql(`SELECT sku FROM "${catalogSchema}".stock_feed_value WHERE connection_id = $1 AND sku IN ('REC-040', 'REC-042', 'REC-043')`, [connectionId])).toEqual([]);
      const [sweep] = await sql<{ due: boolean; next_offset: number }>(`SELECT next_poll_at <= now() AS due, next_offset FROM "${catalogSchema}".stock_sweep WHERE connection_id = $1`, [connectionId]);
      expect(sweep).toEqual({ due: true, next_offset: 0 });
      const sweeper = catalog.get(StockSweeper);
      while (await sweeper.pollIfDue(connectionId)) {
        const [state] = await sql<{ next_offset: number }>(`SELECT next_offset FROM "${catalogSchema}".stock_sweep WHERE connection_id = $1`, [connectionId]);
        if (state!.next_offset === 0) break;
        await sql(`UPDATE "${catalogSchema}".stock_sweep SET next_poll_at = now() WHERE connection_id = $1`, [connectionId]);
      }
      await waitFor(async () => {
        const held = await iderisStock();
        return held.get('REC-042') === rule(5) && held.get('REC-043') === rule(66);
      }, 15_000, 100);
    });
  });

  describe('kits counted from their components', () => {

    beforeAll(async () => {
      expect((await h.api('PATCH', `/api/v1/connections/${connectionId}`, { settings: { kitStock: 'components', stockUpdatesFeed: false } })).status).toBe(200);
      await waitFor(async () => (await sql(`SELECT 1 FROM "${catalogSchema}".connection_view WHERE id = $1 AND settings->>'kitStock' = 'components'`, [connectionId])).length === 1, 15_000, 100);
      // The kit KIT-A = 2 × REC-050 + 0.5 × REC-051, as the products sync records it; its own Tiny balance says 999.
      await sandbox('POST', '/control/tiny/products', { token: tinyToken, codigo: 'KIT-A', saldo: 999, saldoReservado: 0 });
      await sandbox('POST', '/control/ideris/skus', { privateKey: iderisKey, sku: 'KIT-A', currentStock: 0 });
      await sql(
        `INSERT INTO "${catalogSchema}".product_kit_component (connection_id, kit_sku, component_sku, quantity, source) VALUES ($1, 'KIT-A', 'REC-050', 2, 'tiny'), ($1, 'KIT-A', 'REC-051', 0.5, 'tiny')`,
        [connectionId],
      );
    });

    it('pushes the number of kits the scarcest component allows when a component changes', async () => {
      // REC-050: 21 available → 10 kits; REC-051: 3 available → 6 kits. The kit: min(10, 6) − buffer 1 = 5.
      await setTinySaldo('REC-050', 21 + RESERVED);
      await setTinySaldo('REC-051', 3 + RESERVED);
      await notify('REC-051', 3, await tinyId('REC-051'));
      await waitFor(async () => (await iderisStock()).get('KIT-A') === 5, 15_000, 100);
      // The component itself is pushed as usual.
      await waitFor(async () => (await iderisStock()).get('REC-051') === 3 - SAFETY_BUFFER, 15_000, 100);
    });

    it("never pushes the kit's own balance from a notification of the kit", async () => {
      await notify('KIT-A', 999, await tinyId('KIT-A'));
      await waitFor(async () => (await sql(`SELECT 1 FROM "${catalogSchema}".stock_pending WHERE connection_id = $1`, [connectionId])).length === 0, 15_000, 100);
      expect((await iderisStock()).get('KIT-A')).toBe(5);
      // A component selling out takes the kit to zero.
      await setTinySaldo('REC-050', 1 + RESERVED);
      await notify('REC-050', 1, await tinyId('REC-050'));
      await waitFor(async () => (await iderisStock()).get('KIT-A') === 0, 15_000, 100);
    });

    it('sweeps a kit against its components, not its own balance', async () => {
      await sandbox('POST', '/control/ideris/skus', { privateKey: iderisKey, sku: 'KIT-A', currentStock: 40 });
      await setTinySaldo('REC-050', 9 + RESERVED); // 4 kits; REC-051 allows 6 → 4 − 1 = 3
      const sweeper = catalog.get(StockSweeper);
      for (let offset = 0; ; ) {
        const step = await sweeper.step(connectionId, offset);
        offset = step.nextOffset;
        if (offset >= step.total || step.read === 0) break;
      }
      await waitFor(async () => (await iderisStock()).get('KIT-A') === 3, 15_000, 100);
    });
  });
});

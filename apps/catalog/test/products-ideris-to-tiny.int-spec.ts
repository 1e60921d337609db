import { sql, waitFor } from '@hub/testing';
import { ProductImportScheduler } from '../src/products/ideris-to-tiny/product-import.scheduler';
import { deliveriesSettled, productRows, sandboxCalls, startCatalogHarness, type CatalogHarness } from './catalog-harness';

/**
 * Ideris → Tiny through the running services: an import walks the sandbox's Ideris and writes Tiny in batches
 * under the shared budget; Tiny notifies the products back (`produto` after each API write) and the hub must
 * recognise its own echo.
 */
describe('products received from Ideris into Tiny', () => {
  let p: CatalogHarness;
  const CATALOG = [
    { sku: 'TEN', name: 'Tênis de corrida', price: 199.9, cost: 80, stock: 0, ean: '7891234567895', ncm: '64039990', images: ['https://img.example/ten.jpg'], netWeightKg: 0.9, grossWeightKg: 1.2, heightCm: 12, widthCm: 20, lengthCm: 32, variations: [{ sku: 'TEN-40', grid: { Numero: '40' }, stock: 2 }, { sku: 'TEN-41', grid: { Numero: '41' }, stock: 5, ean: '7890000000017' }] },
    { sku: 'MEIA', name: 'Meia', price: 9.9, stock: 30 },
    { sku: 'BONE', name: 'Boné', price: 39.9, stock: 7 },
    { sku: 'GARRAFA', name: 'Garrafa', price: 25, stock: 4 },
    { sku: 'KIT-TREINO', name: 'Kit treino', price: 45, kit: [{ sku: 'MEIA', quantity: 2 }, { sku: 'BONE', quantity: 1 }] },
  ];
  const api = (method: string, path: string, body?: unknown) => p.h.api(method, `/api/v1/connections/${p.connectionId}${path}`, body);
  const tinyState = () => p.sandbox('GET', `/control/tiny/state?token=${p.tinyToken}`);
  const finished = (id: string) =>
    waitFor(async () => {
      const view = (await api('GET', `/product-imports/${id}`)).body;
      return view.state === 'done' || view.state === 'failed' ? view : undefined;
    }, 60_000, 200);

  beforeAll(async () => {
    p = await startCatalogHarness('receive');
    await p.sandbox('POST', '/control/ideris/products', { privateKey: p.iderisKey, products: CATALOG });
    // Tiny tells the hub about every product the hub writes there (the echo the hub must not send back).
    await p.sandbox('POST', '/control/tiny/webhooks', { token: p.tinyToken, idEcommerce: 779, urls: { produto: p.webhookUrls['produto'] }, sendProductsOnChange: true });
  });

  afterAll(async () => {
    await p?.close();
  });

  it('refuses a bad import request with 400 and names the field', async () => {
    const bad = await api('POST', '/product-imports', { skus: ['A', 'A'] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.message)).toContain('skus');
    expect((await api('POST', '/product-imports', { skus: 'A' })).status).toBe(400);
    expect((await api('POST', '/product-imports', { everything: true })).status).toBe(400);
    expect((await api('GET', '/product-imports/999999')).status).toBe(404);
  });

  it('imports every listing model: variations as children, the kit after its components, in batches; the echo goes nowhere', async () => {
    const started = await api('POST', '/product-imports', {});
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ state: 'discovering', trigger: 'admin', skus: null });
    expect((await api('POST', '/product-imports', {})).status).toBe(409);

    const view = await finished(started.body.id);
    expect(view).toMatchObject({ state: 'done', discovered: 5, queued: 5, created: 5, updated: 0, failed: 0, remaining: 0, lastError: null });

    const tiny = await tinyState();
    const byCode = (codigo: string) => tiny.products.find((product: any) => product.codigo === codigo);
    expect(byCode('TEN')).toMatchObject({ nome: 'Tênis de corrida', preco: '199.90', precoCusto: '80.00', ncm: '64039990', gtin: '7891234567895', pesoLiquido: '0.9', pesoBruto: '1.2', alturaEmbalagem: '12', comprimentoEmbalagem: '32', anexos: ['https://img.example/ten.jpg'], tipoVariacao: 'P' });
    expect(byCode('TEN-41')).toMatchObject({ tipoVariacao: 'V', idProdutoPai: byCode('TEN').id, grade: { Numero: '41' }, gtin: '7890000000017', depositos: [expect.objectContaining({ saldo: 5 })] });
    expect(byCode('MEIA').depositos[0].saldo).toBe(30);
    expect(byCode('KIT-TREINO')).toMatchObject({ classeProduto: 'K', kit: [{ idProduto: byCode('MEIA').id, quantidade: '2' }, { idProduto: byCode('BONE').id, quantidade: '1' }] });
    expect(tiny.products.filter((product: any) => product.codigo === 'MEIA')).toHaveLength(1);

    // Two batch calls: the four products (components first), then the kit once its components had Tiny ids.
    const calls = await sandboxCalls(p);
    expect(calls.tiny['produto.incluir']).toMatchObject({ calls: 2, ok: 2, blocks: 0 });
    expect(calls.tiny['produto.alterar']).toBeUndefined();

    // Tiny sent each product back; the hub answered the mappings and pushed nothing to Ideris.
    const deliveries = await deliveriesSettled(p, (d) => d.productMappings.length === 5);
    expect(deliveries.productMappings.every((record: any) => record.mappings.every((mapping: any) => !mapping.error))).toBe(true);
    const echoes = await waitFor(async () => {
      const rows = await sql<{ sku: string }>(`SELECT DISTINCT sku FROM "${p.catalogSchema}".product_sync_log WHERE connection_id = $1 AND outcome = 'tiny-notice:echo' ORDER BY sku`, [p.connectionId]);
      return rows.length === 5 ? rows : undefined;
    }, 10_000, 100);
    expect(echoes.map((row) => row.sku)).toEqual(['BONE', 'GARRAFA', 'KIT-TREINO', 'MEIA', 'TEN']);
    expect((await productRows(p)).every((row) => row.state === 'synced' && row.direction === 'to-tiny')).toBe(true);
    expect(calls.ideris['listingModel']).toBeUndefined();
    const stillNone = await sandboxCalls(p);
    expect(stillNone.ideris['listingModel']).toBeUndefined();

    const kit = await sql(`SELECT component_sku, quantity::text, source FROM "${p.catalogSchema}".product_kit_component WHERE connection_id = $1 AND kit_sku = 'KIT-TREINO' ORDER BY component_sku`, [p.connectionId]);
    expect(kit).toEqual([
      { component_sku: 'BONE', quantity: '1.0000', source: 'ideris' },
      { component_sku: 'MEIA', quantity: '2.0000', source: 'ideris' },
    ]);
    const product = await api('GET', '/products/TEN-40');
    expect(product.body).toMatchObject({ sku: 'TEN', direction: 'to-tiny', state: 'synced', tinyProductId: String(byCode('TEN').id), importId: started.body.id });
    expect(product.body.bindings.map((binding: any) => [binding.sku, binding.tinyProductId])).toEqual([
      ['TEN', String(byCode('TEN').id)],
      ['TEN-40', String(byCode('TEN-40').id)],
      ['TEN-41', String(byCode('TEN-41').id)],
    ]);
  });

  it('writes nothing when nothing changed, and only what changed; a product already in Tiny is adopted, not duplicated', async () => {
    const again = await finished((await api('POST', '/product-imports', {})).body.id);
    expect(again).toMatchObject({ discovered: 5, queued: 0, unchanged: 5, created: 0, updated: 0 });
    const before = (await sandboxCalls(p)).tiny;

    // The seller had GARRAFA's twin in Tiny before the hub knew it, and Ideris gains a new product and a changed one.
    await p.sandbox('POST', '/control/tiny/products/catalog', { token: p.tinyToken, products: [{ sku: 'COPO', name: 'Copo (do Tiny)', price: 5 }] });
    await p.sandbox('POST', '/control/ideris/products', { privateKey: p.iderisKey, products: [{ sku: 'COPO', name: 'Copo', price: 6 }] });
    const state = await p.sandbox('GET', `/control/ideris/state?privateKey=${p.iderisKey}`);
    const garrafa = state.listingModels.find((model: any) => model.sku === 'GARRAFA');
    const jwt = await (await fetch(`${p.h.sandboxUrl}/ideris/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(p.iderisKey) })).json();
    const put = await fetch(`${p.h.sandboxUrl}/ideris/listingModel`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` }, body: JSON.stringify({ id: garrafa.id, title: 'Garrafa térmica' }) });
    expect(put.status).toBe(200);

    const view = await finished((await api('POST', '/product-imports', { skus: ['COPO', 'GARRAFA', 'NOPE'] })).body.id);
    expect(view).toMatchObject({ discovered: 2, queued: 2, skipped: 1, created: 0, updated: 2, failed: 0 });
    const tiny = await tinyState();
    expect(tiny.products.filter((product: any) => product.codigo === 'COPO')).toEqual([expect.objectContaining({ nome: 'Copo', preco: '5.00' })]);
    expect(tiny.products.find((product: any) => product.codigo === 'GARRAFA')).toMatchObject({ nome: 'Garrafa térmica', preco: '25.00' });
    const after = (await sandboxCalls(p)).tiny;
    // COPO: the create answered "duplicate", the product was found by its code and updated with GARRAFA.
    expect(after['produto.incluir']!.calls).toBe(before['produto.incluir']!.calls + 1);
    expect(after['produto.alterar']!.calls).toBe((before['produto.alterar']?.calls ?? 0) + 1);
    const journal = (await api('GET', '/products/COPO')).body.journal.map((entry: any) => entry.outcome);
    expect(journal).toEqual(expect.arrayContaining(['tiny-adopted', 'tiny-updated']));
  });

  it('starts the periodic import of a connection when its time comes, not on the first sight of it', async () => {
    await waitFor(async () => ((await api('GET', '/product-imports')).body.imports as any[]).every((entry) => entry.state === 'done'), 30_000, 200);
    const scheduler = p.catalog.get(ProductImportScheduler);
    expect(await scheduler.runDue()).not.toContain(p.connectionId);
    await sql(`UPDATE "${p.catalogSchema}".product_import_schedule SET next_run_at = now() - interval '1 second' WHERE connection_id = $1`, [p.connectionId]);
    expect(await scheduler.runDue()).toContain(p.connectionId);
    const [latest] = (await api('GET', '/product-imports')).body.imports;
    expect(latest).toMatchObject({ trigger: 'schedule' });
    expect(await finished(latest.id)).toMatchObject({ state: 'done', queued: 0 });
  });
});

import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { ProductRpcSubjects, Streams, type TinyNotificationReceivedV1 } from '@hub/contracts';
import type { MessageContext } from '@hub/messaging';
import { sql, testNatsUrl, waitFor } from '@hub/testing';
import { withTinyShapes } from '../../gateway/test/gateway-harness';
import { TinyProductNotificationHandler } from '../src/products/tiny-to-ideris/tiny-product-notification.handler';
import { deliveriesSettled, productRows, sandboxCalls, startCatalogHarness, type CatalogHarness } from './catalog-harness';

/**
 * Tiny → Ideris through the running services: the sandbox's Tiny sends `produto` to the gateway, which answers the
 * flat mapping array (asking catalog), and catalog pushes each product to the sandbox's Ideris.
 */
describe('products sent from Tiny to Ideris', () => {
  let p: CatalogHarness;
  const CATALOG = [
    { sku: 'CAM', name: 'Camiseta Básica', price: 59.9, cost: 20, stock: 0, ean: '7891234567895', ncm: '61091000', images: ['https://img.example/cam-1.jpg', 'https://img.example/cam.webp'], netWeightKg: 0.18, grossWeightKg: 0.25, heightCm: 3, widthCm: 25, lengthCm: 30, variations: [{ sku: 'CAM-P', grid: { Tamanho: 'P' }, stock: 4, ean: '7890000000017' }, { sku: 'CAM-M', grid: { Tamanho: 'M' }, stock: 1 }] },
    { sku: 'MEIA', name: 'Meia', price: 9.9, stock: 10 },
    { sku: 'BONE', name: 'Boné', price: 39.9, stock: 3 },
    { sku: 'KIT-MB', name: 'Kit meia e boné', price: 45, stock: 2, kit: [{ sku: 'MEIA', quantity: 2 }, { sku: 'BONE', quantity: 1 }] },
  ];

  const iderisState = () => p.sandbox('GET', `/control/ideris/state?privateKey=${p.iderisKey}`);
  const listingCalls = async () => (await sandboxCalls(p)).ideris['listingModel'] ?? { calls: 0, ok: 0, errors: 0 };
  const settledProducts = (skus: string[]) =>
    waitFor(async () => {
      const rows = await productRows(p);
      return skus.every((sku) => rows.some((row) => row.sku === sku && ['synced', 'failed'].includes(row.state))) ? rows : undefined;
    }, 20_000, 100);

  beforeAll(async () => {
    p = await startCatalogHarness('send');
    await p.sandbox('POST', '/control/tiny/products/catalog', { token: p.tinyToken, products: CATALOG });
    await p.sandbox('POST', '/control/tiny/webhooks', { token: p.tinyToken, idEcommerce: 779, urls: { produto: p.webhookUrls['produto'] } });
  });

  afterAll(async () => {
    await p?.close();
  });

  it('answers each produto with the flat mapping array and creates one listing model per product with variants, kit, images, EAN, NCM and weights', async () => {
    const tiny = await p.sandbox('GET', `/control/tiny/state?token=${p.tinyToken}`);
    const tinyId = (codigo: string) => String(tiny.products.find((product: any) => product.codigo === codigo).id);
    await p.sandbox('POST', '/control/tiny/webhooks/send-products', { token: p.tinyToken });
    const deliveries = await deliveriesSettled(p, (d) => d.productMappings.length === 4);
    // Every notification answered at the first attempt with one item per product and variation.
    expect(deliveries.attempts.every((attempt: any) => attempt.status === 200 && attempt.attempt === 1)).toBe(true);
    const shirt = deliveries.productMappings.find((record: any) => record.codigo === 'CAM');
    expect(shirt.mappings).toEqual([
      { idMapeamento: tinyId('CAM'), skuMapeamento: 'CAM' },
      { idMapeamento: tinyId('CAM-P'), skuMapeamento: 'CAM-P' },
      { idMapeamento: tinyId('CAM-M'), skuMapeamento: 'CAM-M' },
    ]);

    const rows = await settledProducts(['CAM', 'MEIA', 'BONE', 'KIT-MB']);
    expect(rows.map((row) => [row.sku, row.state, row.last_outcome])).toEqual([
      ['BONE', 'synced', 'ideris-created'],
      ['CAM', 'synced', 'ideris-created'],
      ['KIT-MB', 'synced', 'ideris-created'],
      ['MEIA', 'synced', 'ideris-created'],
    ]);
    const ideris = await iderisState();
    expect(ideris.listingModels).toHaveLength(4);
    const model = ideris.listingModels.find((candidate: any) => candidate.sku === 'CAM');
    expect(model).toMatchObject({
      title: 'Camiseta Básica',
      value: 59.9,
      cost: 20,
      weight: 180,
      weightPackage: 250,
      heightPackage: 3,
      widthPackage: 25,
      lengthPackage: 30,
      listingModelImage: [expect.objectContaining({ url: 'https://img.example/cam-1.jpg' })],
      variant: [
        expect.objectContaining({ sku: 'CAM-P', quantity: 3, variantAttribute: [{ attributeName: 'Tamanho', attributeValue: 'P' }] }),
        expect.objectContaining({ sku: 'CAM-M', quantity: 0 }),
      ],
    });
    const skuOf = (sku: string) => ideris.skus.find((candidate: any) => candidate.sku === sku);
    expect(skuOf('CAM')).toMatchObject({ ean: '7891234567895', ncmId: expect.any(Number) });
    expect(ideris.ncms).toEqual([expect.objectContaining({ id: skuOf('CAM').ncmId, code: '61091000' })]);
    expect(skuOf('CAM-P')).toMatchObject({ ean: '7890000000017', currentStock: 3 });
    expect(ideris.listingModels.find((candidate: any) => candidate.sku === 'KIT-MB')).toMatchObject({ kit: [{ sku: 'MEIA', quantity: 2 }, { sku: 'BONE', quantity: 1 }] });
    expect(skuOf('MEIA').currentStock).toBe(9);

    const kit = await sql(`SELECT component_sku, quantity::text, source FROM "${p.catalogSchema}".product_kit_component WHERE connection_id = $1 AND kit_sku = 'KIT-MB' ORDER BY component_sku`, [p.connectionId]);
    expect(kit).toEqual([
      { component_sku: 'BONE', quantity: '1.0000', source: 'tiny' },
      { component_sku: 'MEIA', quantity: '2.0000', source: 'tiny' },
    ]);
    const bindings = await p.h.api('GET', `/api/v1/connections/${p.connectionId}/products/CAM-M`);
    expect(bindings.status).toBe(200);
    expect(bindings.body).toMatchObject({ sku: 'CAM', kind: 'parent', state: 'synced', direction: 'to-ideris', variations: 2, tinyProductId: tinyId('CAM'), iderisListingModelId: model.id });
    expect(bindings.body.bindings).toEqual([
      expect.objectContaining({ sku: 'CAM', kind: 'parent', tinyProductId: tinyId('CAM'), iderisListingModelId: model.id, iderisSkuId: model.skuId }),
      expect.objectContaining({ sku: 'CAM-M', kind: 'variation', tinyProductId: tinyId('CAM-M'), iderisVariantId: model.variant[1].id }),
      expect.objectContaining({ sku: 'CAM-P', kind: 'variation', tinyProductId: tinyId('CAM-P'), iderisVariantId: model.variant[0].id }),
    ]);
  });

  it('sends nothing to Ideris for a product sent again unchanged, or for a redelivery; a change updates the same listing model', async () => {
    const before = await listingCalls();
    await p.sandbox('DELETE', `/control/tiny/webhooks/deliveries?token=${p.tinyToken}`);
    await p.sandbox('POST', '/control/tiny/webhooks/send-products', { token: p.tinyToken, codigos: ['CAM', 'MEIA'] });
    const again = await deliveriesSettled(p, (d) => d.productMappings.length === 2);
    // Sent again, Tiny carries the mappings the hub answered; the hub answers the same.
    expect(again.attempts.map((attempt: any) => attempt.body.dados.skuMapeamento).sort()).toEqual(['CAM', 'MEIA']);
    await waitFor(async () => (await productRows(p)).filter((row) => ['CAM', 'MEIA'].includes(row.sku)).every((row) => row.last_outcome === 'unchanged'), 10_000, 100);
    expect(await listingCalls()).toEqual(before);

    // The stored notification handed to the consumer again at its original position changes nothing.
    const nc = await connect({ servers: testNatsUrl() });
    const jsm = await jetstreamManager(nc);
    const seq = Number((await sql<{ tiny_seq: string }>(`SELECT tiny_seq FROM "${p.catalogSchema}".product_sync WHERE connection_id = $1 AND sku = 'CAM'`, [p.connectionId]))[0]!.tiny_seq);
    const stored = (await jsm.streams.getMessage(Streams.TINY_NOTIFICATIONS.name, { seq }))!.json<TinyNotificationReceivedV1>();
    await p.catalog.get(TinyProductNotificationHandler).handle({ payload: stored, streamSequence: seq, attempt: 2 } as MessageContext<TinyNotificationReceivedV1>);
    await nc.drain();
    expect((await productRows(p)).find((row) => row.sku === 'CAM')).toMatchObject({ state: 'synced', last_outcome: 'unchanged' });

    // A real change (name, a new variation) updates the listing model it already has.
    const tiny = await p.sandbox('GET', `/control/tiny/state?token=${p.tinyToken}`);
    const parentId = tiny.products.find((product: any) => product.codigo === 'CAM').id;
    const alter = await fetch(`${p.h.sandboxUrl}/tiny/api2/produto.alterar.php`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: p.tinyToken, formato: 'json', produto: JSON.stringify({ produtos: [{ produto: { sequencia: 1, id: parentId, nome: 'Camiseta Premium', variacoes: [{ variacao: { codigo: 'CAM-G', grade: { Tamanho: 'G' } } }] } }] }) }).toString(),
    });
    expect(((await alter.json()) as any).retorno.status).toBe('OK');
    await p.sandbox('POST', '/control/tiny/webhooks/send-product', { token: p.tinyToken, codigo: 'CAM' });
    await waitFor(async () => (await productRows(p)).find((row) => row.sku === 'CAM')?.last_outcome === 'ideris-updated', 10_000, 100);
    const ideris = await iderisState();
    expect(ideris.listingModels.filter((model: any) => model.sku === 'CAM')).toEqual([
      expect.objectContaining({ title: 'Camiseta Premium', variant: [expect.objectContaining({ sku: 'CAM-P' }), expect.objectContaining({ sku: 'CAM-M' }), expect.objectContaining({ sku: 'CAM-G' })] }),
    ]);
    expect(await listingCalls()).toMatchObject({ calls: before.calls + 1 });
  });

  it('answers items it cannot sync with an error for Tiny to show, and refuses a malformed notification with 422', async () => {
    const post = (dados: object) =>
      fetch(p.webhookUrls['produto']!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ versao: '1.0.0', cnpj: '12345678000195', idEcommerce: 779, tipo: 'produto', dados }) });
    const noCode = await post({ id: 880001, nome: 'Sem código', variacoes: [{ id: 880002, codigo: 'SC-P', grade: { Tamanho: 'P' } }] });
    expect(noCode.status).toBe(200);
    expect(await noCode.json()).toEqual([
      { idMapeamento: '880001', skuMapeamento: '880001', error: expect.stringContaining('não tem código') },
      { idMapeamento: '880002', skuMapeamento: 'SC-P', error: 'O produto pai não foi aceito.' },
    ]);
    // MEIA belongs to another Tiny product already.
    const taken = await post({ id: 880003, codigo: 'NOVO', nome: 'Novo', variacoes: [{ id: 880004, codigo: 'MEIA', grade: { Tamanho: 'U' } }, { id: 880005, codigo: 'NOVO-G', grade: { Tamanho: 'G' } }] });
    expect(await taken.json()).toEqual([
      { idMapeamento: '880003', skuMapeamento: 'NOVO' },
      { idMapeamento: '880004', skuMapeamento: 'MEIA', error: expect.stringMatching(/^O SKU MEIA já está vinculado a outro produto do Tiny/) },
      { idMapeamento: '880005', skuMapeamento: 'NOVO-G' },
    ]);
    await waitFor(async () => (await productRows(p)).find((row) => row.sku === 'NOVO')?.state === 'synced', 10_000, 100);
    const ideris = await iderisState();
    expect(ideris.listingModels.find((model: any) => model.sku === 'NOVO').variant.map((variant: any) => variant.sku)).toEqual(['NOVO-G']);

    const malformed = await post({ id: 'x', nome: 'Sem id' });
    expect(malformed.status).toBe(422);
    expect(await malformed.json()).toMatchObject({ message: expect.stringContaining('dados.id') });
  });

  it('lists products and their sync state through the gateway, and reprocesses one on request', async () => {
    const list = await p.h.api('GET', `/api/v1/connections/${p.connectionId}/products?direction=to-ideris&state=synced`);
    expect(list.status).toBe(200);
    expect(list.body.products.map((product: any) => product.sku).sort()).toEqual(['BONE', 'CAM', 'KIT-MB', 'MEIA', 'NOVO']);
    expect((await p.h.api('GET', `/api/v1/connections/${p.connectionId}/products?state=nope`)).status).toBe(400);
    expect((await p.h.api('GET', `/api/v1/connections/${p.connectionId}/products/NOPE`)).status).toBe(404);
    const kit = await p.h.api('GET', `/api/v1/connections/${p.connectionId}/products/KIT-MB`);
    expect(kit.body).toMatchObject({ kind: 'kit', kitComponents: 2, kit: [{ componentSku: 'BONE', quantity: '1', source: 'tiny' }, { componentSku: 'MEIA', quantity: '2', source: 'tiny' }] });

    const before = await listingCalls();
    const reprocessed = await p.h.api('POST', `/api/v1/connections/${p.connectionId}/products/MEIA/reprocess`);
    expect(reprocessed.status).toBe(200);
    await waitFor(async () => (await productRows(p)).find((row) => row.sku === 'MEIA')?.last_outcome === 'ideris-updated', 10_000, 100);
    expect((await listingCalls()).calls).toBe(before.calls + 1);
    expect((await iderisState()).listingModels.filter((model: any) => model.sku === 'MEIA')).toHaveLength(1);
    expect((await p.h.api('POST', `/api/v1/connections/${p.connectionId}/products/NOPE/reprocess`)).status).toBe(404);
  });

  it('answers Tiny from the payload when catalog does not answer in time, and the stored notification reaches Ideris once catalog is back', async () => {
    await p.sandbox('POST', '/control/tiny/products/catalog', { token: p.tinyToken, products: [{ sku: 'LATE', name: 'Chega depois', price: 12, variations: [{ sku: 'LATE-U', grid: { Tamanho: 'U' } }] }] });
    await p.sandbox('DELETE', `/control/tiny/webhooks/deliveries?token=${p.tinyToken}`);
    let deliveries: any;
    await p.restartCatalog(async () => {
      // Something takes the request and never answers (a catalog stuck on its database, say): the deadline decides.
      const nc = await connect({ servers: testNatsUrl() });
      const silent = nc.subscribe(ProductRpcSubjects.mapFromTiny, { queue: 'catalog' });
      await nc.flush();
      await p.sandbox('POST', '/control/tiny/webhooks/send-product', { token: p.tinyToken, codigo: 'LATE' });
      deliveries = await deliveriesSettled(p, (d) => d.productMappings.length === 1, 15_000);
      silent.unsubscribe();
      await nc.drain();
    });
    const tiny = await p.sandbox('GET', `/control/tiny/state?token=${p.tinyToken}`);
    const idOf = (codigo: string) => String(tiny.products.find((product: any) => product.codigo === codigo).id);
    expect(deliveries.attempts).toEqual([expect.objectContaining({ status: 200, attempt: 1, durationMs: expect.any(Number) })]);
    expect(deliveries.attempts[0].durationMs).toBeGreaterThanOrEqual(2_900);
    expect(deliveries.attempts[0].durationMs).toBeLessThan(5_000);
    expect(deliveries.productMappings[0].mappings).toEqual([
      { idMapeamento: idOf('LATE'), skuMapeamento: 'LATE' },
      { idMapeamento: idOf('LATE-U'), skuMapeamento: 'LATE-U' },
    ]);
    await waitFor(async () => (await productRows(p)).find((row) => row.sku === 'LATE')?.last_outcome === 'ideris-created', 30_000, 200);
    expect((await iderisState()).listingModels.filter((model: any) => model.sku === 'LATE')).toEqual([expect.objectContaining({ variant: [expect.objectContaining({ sku: 'LATE-U' })] })]);
  });

  it('sends a product whose variations Tiny wraps as {variacao:{…}} to Ideris with each variation\'s SKU and attributes', async () => {
    const seeded = await p.sandbox('POST', '/control/tiny/products/catalog', {
      token: p.tinyToken,
      products: [{ sku: 'JAQ', name: 'Jaqueta corta-vento', price: 189.9, variations: [{ sku: 'JAQ-AZ-P', grid: { Cor: 'Azul', Tamanho: 'P' }, stock: 5 }, { sku: 'JAQ-VD-G', grid: { Cor: 'Verde', Tamanho: 'G' }, stock: 2 }] }],
    });
    const ids = seeded.products[0] as { id: number; variations: Record<string, number> };
    await p.sandbox('DELETE', `/control/tiny/webhooks/deliveries?token=${p.tinyToken}`);
    await withTinyShapes(p.h, p.tinyToken, { productVariations: 'wrapped' }, async () => {
      await p.sandbox('POST', '/control/tiny/webhooks/send-product', { token: p.tinyToken, codigo: 'JAQ' });
      const deliveries = await deliveriesSettled(p, (d) => d.productMappings.length === 1, 10_000);
      const [attempt] = deliveries.attempts;
      expect(deliveries.attempts).toHaveLength(1);
      expect(attempt).toMatchObject({ status: 200, attempt: 1 });
      expect(attempt.body.dados.variacoes).toEqual([
        { variacao: expect.objectContaining({ id: ids.variations['JAQ-AZ-P'], codigo: 'JAQ-AZ-P', grade: { Cor: 'Azul', Tamanho: 'P' } }) },
        { variacao: expect.objectContaining({ id: ids.variations['JAQ-VD-G'], codigo: 'JAQ-VD-G', grade: { Cor: 'Verde', Tamanho: 'G' } }) },
      ]);
      // The answer stays the flat array: the product, then each variation.
      expect(attempt.reply).toEqual([
        { idMapeamento: String(ids.id), skuMapeamento: 'JAQ' },
        { idMapeamento: String(ids.variations['JAQ-AZ-P']), skuMapeamento: 'JAQ-AZ-P' },
        { idMapeamento: String(ids.variations['JAQ-VD-G']), skuMapeamento: 'JAQ-VD-G' },
      ]);
      await waitFor(async () => (await productRows(p)).find((row) => row.sku === 'JAQ')?.last_outcome === 'ideris-created', 10_000, 100);
      const models = (await iderisState()).listingModels.filter((model: any) => model.sku === 'JAQ');
      expect(models).toEqual([
        expect.objectContaining({
          title: 'Jaqueta corta-vento',
          value: 189.9,
          variant: [
            expect.objectContaining({ sku: 'JAQ-AZ-P', quantity: 4, variantAttribute: [{ attributeName: 'Cor', attributeValue: 'Azul' }, { attributeName: 'Tamanho', attributeValue: 'P' }] }),
            expect.objectContaining({ sku: 'JAQ-VD-G', quantity: 1, variantAttribute: [{ attributeName: 'Cor', attributeValue: 'Verde' }, { attributeName: 'Tamanho', attributeValue: 'G' }] }),
          ],
        }),
      ]);
    });
  });
});

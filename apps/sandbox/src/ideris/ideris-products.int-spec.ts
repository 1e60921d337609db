import type { NestExpressApplication } from '@nestjs/platform-express';
import { startSandbox } from '../sandbox-app';

const KEY = 'c0ffee'.repeat(16);

/** Listing models with variants, kits, images and dimensions: the assumed writes, the reads, the seeding calls. */
describe('sandbox: Ideris catalogue (listing models, variants, kits)', () => {
  let app: NestExpressApplication;
  let base: string;
  let jwt: string;

  beforeAll(async () => {
    ({ app, base } = await startSandbox());
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    await send('POST', '/control/reset', {});
    await send('POST', '/control/ideris/accounts', { privateKey: KEY, limitPerMinute: 1000 });
    jwt = (await (await send('POST', '/ideris/login', KEY)).json()) as string;
  });

  function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  async function ideris(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await send(method, `/ideris${path}`, body, { authorization: `Bearer ${jwt}` });
    return { status: response.status, body: await response.json() };
  }

  const model = {
    sku: 'CAM',
    title: 'Camiseta',
    value: 59.9,
    cost: 20,
    quantity: 0,
    ean: '7891234567895',
    ncm: '61091000',
    weight: 180,
    weightPackage: 250,
    heightPackage: 3,
    widthPackage: 25,
    lengthPackage: 30,
    listingModelImage: [
      { url: 'https://img.example/cam-2.jpg', order: 2 },
      { url: 'https://img.example/cam-1.jpg', order: 1 },
    ],
    variant: [
      { sku: 'CAM-P', quantity: 3, ean: '7890000000017', variantAttribute: [{ attributeName: 'Tamanho', attributeValue: 'P' }] },
      { sku: 'CAM-M', quantity: 4, variantAttribute: [{ attributeName: 'Tamanho', attributeValue: 'M' }] },
    ],
  };

  it('creates a listing model with its variants as SKUs of their own, and reads everything back', async () => {
    const created = await ideris('POST', '/listingModel', model);
    expect(created.status).toBe(200);
    expect(created.body.obj).toMatchObject({
      sku: 'CAM',
      weightPackage: 250,
      listingModelImage: [expect.objectContaining({ url: 'https://img.example/cam-1.jpg', order: 1 }), expect.objectContaining({ url: 'https://img.example/cam-2.jpg', order: 2 })],
      variant: [
        expect.objectContaining({ sku: 'CAM-P', quantity: 3, variantAttribute: [{ attributeName: 'Tamanho', attributeValue: 'P' }] }),
        expect.objectContaining({ sku: 'CAM-M', quantity: 4 }),
      ],
      kit: [],
    });
    const byVariant = await ideris('GET', '/listingModel/search?sku=CAM-M');
    expect(byVariant.body).toMatchObject({ total: 1, obj: [expect.objectContaining({ id: created.body.obj.id })] });

    const skus = await ideris('GET', '/sku/search?sku=CAM&sku=CAM-P');
    expect(skus.body.obj).toEqual([
      expect.objectContaining({ sku: 'CAM', ean: '7891234567895', ncmId: expect.any(Number) }),
      expect.objectContaining({ sku: 'CAM-P', ean: '7890000000017', stocks: [{ warehouseId: 1, currentStock: 3 }] }),
    ]);
    const ncm = await ideris('GET', `/ncm/${skus.body.obj[0].ncmId}`);
    expect(ncm).toEqual({ status: 200, body: { obj: expect.objectContaining({ code: '61091000' }) } });
    expect((await ideris('GET', '/ncm/1')).status).toBe(404);
  });

  it('refuses a taken SKU with 409 and bad fields with 400 naming them', async () => {
    expect((await ideris('POST', '/listingModel', model)).status).toBe(200);
    expect((await ideris('POST', '/listingModel', { ...model, sku: 'OTHER', variant: [{ sku: 'CAM-P' }] })).status).toBe(409);
    const cases: Array<[object, string]> = [
      [{ ...model, sku: 'T1', variant: [], title: 'x'.repeat(61) }, 'title'],
      [{ ...model, sku: 'T2', variant: [], listingModelImage: [{ url: 'https://img.example/a.gif' }] }, 'listingModelImage[0].url'],
      [{ ...model, sku: 'T3', variant: [], ncm: '6109' }, 'ncm'],
      [{ ...model, sku: 'T4', variant: [], ean: '12AB' }, 'ean'],
      [{ ...model, sku: 'T5', variant: [], kit: [{ sku: 'NOPE', quantity: 1 }] }, 'kit'],
      [{ ...model, sku: 'T6', kit: [{ sku: 'CAM-P', quantity: 1 }] }, 'kit'],
    ];
    for (const [body, field] of cases) {
      const answer = await ideris('POST', '/listingModel', body);
      expect([answer.status, Object.keys(answer.body.ModelState ?? {})]).toEqual([400, [field]]);
    }
  });

  it('updates only what is sent: adds a variant, changes attributes, replaces the kit and the images', async () => {
    const created = (await ideris('POST', '/listingModel', model)).body.obj;
    await ideris('POST', '/listingModel', { sku: 'MEIA', title: 'Meia', value: 9.9 });
    const kitModel = (await ideris('POST', '/listingModel', { sku: 'KIT', title: 'Kit', value: 60, kit: [{ sku: 'CAM-P', quantity: 1 }] })).body.obj;
    expect(kitModel.kit).toEqual([{ sku: 'CAM-P', quantity: 1 }]);

    const updated = await ideris('PUT', '/listingModel', {
      id: created.id,
      title: 'Camiseta Nova',
      variant: [{ sku: 'CAM-M', variantAttribute: [{ attributeName: 'Tamanho', attributeValue: 'M' }, { attributeName: 'Cor', attributeValue: 'Azul' }] }, { sku: 'CAM-G', quantity: 1 }],
      listingModelImage: [{ url: 'https://img.example/new.png', order: 1 }],
    });
    expect(updated.status).toBe(200);
    expect(updated.body.obj).toMatchObject({ title: 'Camiseta Nova', value: 59.9, listingModelImage: [expect.objectContaining({ url: 'https://img.example/new.png' })] });
    expect(updated.body.obj.variant.map((variant: any) => [variant.sku, variant.variantAttribute.length])).toEqual([['CAM-P', 1], ['CAM-M', 2], ['CAM-G', 0]]);
    expect((await ideris('GET', '/sku/search?sku=CAM-G')).body.total).toBe(1);

    const rekit = await ideris('PUT', '/listingModel', { id: kitModel.id, kit: [{ sku: 'MEIA', quantity: 3 }] });
    expect(rekit.body.obj.kit).toEqual([{ sku: 'MEIA', quantity: 3 }]);
    expect((await ideris('PUT', '/listingModel', { id: created.id, variant: [{ sku: 'MEIA' }] })).status).toBe(409);
    expect((await ideris('PUT', '/listingModel', { id: created.id, sku: 'OTHER' })).status).toBe(400);
    expect((await ideris('PUT', '/listingModel', { id: 1, title: 'x' })).status).toBe(404);
  });

  it('seeds a generated catalogue (variants, kits of earlier SKUs) and shows it in the state', async () => {
    const seeded = await send('POST', '/control/ideris/products', { privateKey: KEY, count: 30, prefix: 'I', variationRate: 0.3, kitRate: 0.2, seed: 5 });
    expect(seeded.status).toBe(201);
    const answer = (await seeded.json()) as any;
    expect(answer).toMatchObject({ created: 30, variants: expect.any(Number), kits: expect.any(Number) });
    expect(answer.variants).toBeGreaterThan(0);
    expect(answer.kits).toBeGreaterThan(0);
    const state = (await (await send('GET', `/control/ideris/state?privateKey=${KEY}`)).json()) as any;
    expect(state.listingModels).toHaveLength(30);
    expect(state.skus).toHaveLength(30 + answer.variants);
    const kit = state.listingModels.find((candidate: any) => candidate.kit.length > 0);
    expect(kit.kit.every((item: any) => state.skus.some((sku: any) => sku.sku === item.sku))).toBe(true);
    const page = await ideris('GET', '/listingModel/search?limit=100&offset=0');
    expect(page.body).toMatchObject({ total: 30 });
    expect(page.body.obj).toHaveLength(30);

    const refused = await send('POST', '/control/ideris/products', { privateKey: KEY, count: 1, prefix: 'I', seed: 5 });
    expect(refused.status).toBe(400);
  });
});

import type { NestExpressApplication } from '@nestjs/platform-express';
import { controlOf, startSandbox } from '../../../apps/sandbox/src/sandbox-app';
import { TinyApiError } from './tiny-api.error';
import { TinyClient } from './tiny-client';
import { TinyContactsApi } from './tiny-contacts.api';
import { TinyProductsApi } from './tiny-products.api';

describe('Tiny contacts and products against the sandbox over HTTP', () => {
  let app: NestExpressApplication;
  let base: string;
  let tokenCounter = 0;

  beforeAll(async () => {
    ({ app, base } = await startSandbox());
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    await control('/control/reset', {});
  });

  const control = controlOf(() => base);

  /** A fresh account per test: product/contact writes share a 5/min batch bucket per account. */
  async function account(): Promise<{ token: string; client: TinyClient }> {
    tokenCounter += 1;
    const token = `tok-catalog-${tokenCounter}`;
    await control('/control/tiny/accounts', { token, cnpj: '12345678000190', limitPerMinute: 120 });
    return { token, client: new TinyClient({ baseUrl: `${base}/tiny/api2`, token }) };
  }

  async function failure(promise: Promise<unknown>): Promise<TinyApiError> {
    try {
      await promise;
    } catch (error: unknown) {
      if (error instanceof TinyApiError) return error;
      throw error;
    }
    throw new Error('expected a TinyApiError');
  }

  describe('contacts', () => {
    it('creates a contact, reads it back with the document as digits, and finds it by a formatted CPF', async () => {
      const { client } = await account();
      const contacts = new TinyContactsApi(client);
      const [created] = await contacts.createContacts([{ name: 'Maria Souza', personType: 'F', document: '12345678909', email: 'maria@example.com', city: 'São Paulo', state: 'SP' }]);
      expect(created).toMatchObject({ sequence: 1, ok: true });
      const contact = await contacts.getContact(created.id!);
      expect(contact).toMatchObject({ name: 'Maria Souza', document: '12345678909', situation: 'A' });
      expect(contact.updatedAt).toBeInstanceOf(Date);
      await expect(contacts.findContactByDocument('123.456.789-09')).resolves.toMatchObject({ id: created.id, document: '12345678909' });
      await expect(contacts.findContactByDocument('98765432100')).resolves.toBeUndefined();
    });

    it('alters a contact located by CPF/CNPJ (no id), changing only the fields sent', async () => {
      const { client } = await account();
      const contacts = new TinyContactsApi(client);
      const [created] = await contacts.createContacts([{ name: 'Loja Beta', personType: 'J', document: '11.222.333/0001-81', email: 'a@beta.example' }]);
      const [altered] = await contacts.updateContacts([{ document: '11222333000181', email: 'novo@beta.example' }]);
      expect(altered).toMatchObject({ ok: true, id: created.id });
      await expect(contacts.getContact(created.id!)).resolves.toMatchObject({ name: 'Loja Beta', email: 'novo@beta.example' });
    });

    it('reports per-record outcomes of a mixed batch ("Parcial") and a duplicate document as code 30', async () => {
      const { client } = await account();
      const contacts = new TinyContactsApi(client);
      await contacts.createContacts([{ name: 'Ana', document: '52998224725' }]);
      const results = await contacts.createContacts([{ name: 'Bruno', document: '39053344705' }, { name: 'Ana de novo', document: '529.982.247-25' }]);
      expect(results.map((result) => [result.ok, result.code, result.kind])).toEqual([
        [true, undefined, undefined],
        [false, 30, 'duplicate'],
      ]);
    });

    it('throws with the registro code when every record fails, and refuses 21 records without calling', async () => {
      const { client } = await account();
      const contacts = new TinyContactsApi(client);
      expect(await failure(contacts.updateContacts([{ document: '00000000191', email: 'x@y.z' }]))).toMatchObject({ kind: 'not-found', code: 32 });
      const tooMany = Array.from({ length: 21 }, (_, index) => ({ name: `C${index}` }));
      expect(await failure(contacts.createContacts(tooMany))).toMatchObject({ kind: 'request', code: 22 });
    });

    it('gives an empty page for a search without hits (code 20)', async () => {
      const { client } = await account();
      await expect(new TinyContactsApi(client).searchContacts({ text: 'ninguém' })).resolves.toEqual({ page: 1, pageCount: 0, contacts: [] });
    });

    it('spends the 5/min batch bucket: the sixth contact write in a minute is rate-limited', async () => {
      const { client } = await account();
      const contacts = new TinyContactsApi(client);
      for (let index = 0; index < 5; index += 1) await contacts.createContacts([{ name: `Cliente ${index}` }]);
      expect(await failure(contacts.createContacts([{ name: 'Sexto' }]))).toMatchObject({ kind: 'rate-limited', code: 6 });
      await expect(contacts.searchContacts({ text: 'Cliente' })).resolves.toMatchObject({ contacts: expect.arrayContaining([expect.objectContaining({ name: 'Cliente 0' })]) });
    });
  });

  describe('products', () => {
    it('creates a product with variations and reads parent and children back', async () => {
      const { client } = await account();
      const products = new TinyProductsApi(client);
      const [created] = await products.createProducts([
        {
          sku: 'CAM-BAS',
          name: 'Camiseta Básica',
          priceCents: 7990,
          variations: [
            { sku: 'CAM-BAS-P', grid: { Tamanho: 'P' }, initialStock: 3 },
            { sku: 'CAM-BAS-M', grid: { Tamanho: 'M' }, priceCents: 8490 },
          ],
        },
      ]);
      expect(created).toMatchObject({ ok: true });
      const parent = await products.getProduct(created.id!);
      expect(parent).toMatchObject({ sku: 'CAM-BAS', priceCents: 7990, variationType: 'P', situation: 'A' });
      expect(parent.variations.map((variation) => [variation.sku, variation.priceCents, variation.grid])).toEqual([
        ['CAM-BAS-P', 7990, { Tamanho: 'P' }],
        ['CAM-BAS-M', 8490, { Tamanho: 'M' }],
      ]);
      const child = await products.getProduct(parent.variations[0].id);
      expect(child).toMatchObject({ variationType: 'V', parentId: parent.id });
    });

    it('writes images, packaging, cost, EAN per variation and a kit, and reads them back; alters variations by code', async () => {
      const { client } = await account();
      const products = new TinyProductsApi(client);
      const [component] = await products.createProducts([{ sku: 'MEIA', name: 'Meia', priceCents: 990 }]);
      const [created, kit] = await products.createProducts([
        {
          sku: 'TEN',
          name: 'Tênis',
          priceCents: 19990,
          costCents: 8000,
          ncm: '64039990',
          gtin: '7891234567895',
          grossWeightKg: '1.2',
          packaging: { heightCm: '12', widthCm: '20', lengthCm: '32' },
          images: ['https://img.example/ten-1.jpg', 'https://img.example/ten-2.jpg'],
          variations: [{ sku: 'TEN-40', gtin: '7890000000017', grid: { Numero: '40' } }],
        },
        { sku: 'KIT-MEIAS', name: 'Kit meias', priceCents: 2500, kit: [{ productId: component.id!, quantity: 3 }] },
      ]);
      const detail = await products.getProduct(created.id!);
      expect(detail).toMatchObject({
        costCents: 8000,
        ncm: '64039990',
        grossWeightKg: '1.2',
        packaging: { heightCm: '12', widthCm: '20', lengthCm: '32' },
        images: ['https://img.example/ten-1.jpg', 'https://img.example/ten-2.jpg'],
        variations: [expect.objectContaining({ sku: 'TEN-40', gtin: '7890000000017' })],
      });
      await expect(products.getProduct(kit.id!)).resolves.toMatchObject({ productClass: 'K', kit: [{ productId: component.id, quantity: '3' }] });

      const [altered] = await products.updateProducts([{ id: created.id, variations: [{ sku: 'TEN-40', grid: { Numero: '40' } }, { sku: 'TEN-41', grid: { Numero: '41' } }] }]);
      expect(altered).toMatchObject({ ok: true });
      expect((await products.getProduct(created.id!)).variations.map((variation) => variation.sku)).toEqual(['TEN-40', 'TEN-41']);
    });

    it('validates required fields and duplicate codes per record', async () => {
      const { client } = await account();
      const products = new TinyProductsApi(client);
      await products.createProducts([{ sku: 'SKU-1', name: 'Um', priceCents: 100 }]);
      const results = await products.createProducts([
        { sku: 'SKU-2', name: 'Dois', priceCents: 200 },
        { sku: 'SKU-1', name: 'Um de novo', priceCents: 100 },
        { sku: 'SKU-3', priceCents: 300 },
      ]);
      expect(results.map((result) => [result.ok, result.code])).toEqual([
        [true, undefined],
        [false, 30],
        [false, 31],
      ]);
      expect(results[2].messages).toEqual([{ erro: 'O nome do produto deve ser informado' }]);
      // Every record failing answers "Erro" as a whole; product batches still give each record's outcome.
      const allFailed = await products.createProducts([{ sku: 'SKU-1', name: 'Um', priceCents: 100 }, { sku: 'SKU-4', priceCents: 1 }]);
      expect(allFailed.map((result) => [result.ok, result.code, result.kind])).toEqual([
        [false, 30, 'duplicate'],
        [false, 31, 'validation'],
      ]);
    });

    it('alters only the fields sent and updates prices with per-item results ("Parcial" on an unknown id)', async () => {
      const { client } = await account();
      const products = new TinyProductsApi(client);
      const [created] = await products.createProducts([{ sku: 'SKU-A', name: 'Produto A', priceCents: 1000 }]);
      await products.updateProducts([{ id: created.id, name: 'Produto A+' }]);
      await expect(products.getProduct(created.id!)).resolves.toMatchObject({ name: 'Produto A+', priceCents: 1000 });
      const prices = await products.updatePrices([
        { productId: created.id!, priceCents: 1290, promotionalPriceCents: 1190 },
        { productId: '1', priceCents: 10 },
      ]);
      expect(prices.map((result) => [result.ok, result.code])).toEqual([
        [true, undefined],
        [false, 32],
      ]);
      await expect(products.getProduct(created.id!)).resolves.toMatchObject({ priceCents: 1290, promotionalPriceCents: 1190 });
    });

    it('lists price lists with the percentage as a decimal string', async () => {
      const { token, client } = await account();
      await control('/control/tiny/price-lists', { token, descricao: 'Atacado', acrescimoDesconto: -10.5 });
      await expect(new TinyProductsApi(client).searchPriceLists()).resolves.toEqual([expect.objectContaining({ description: 'Atacado', adjustmentPercent: '-10.5' })]);
      await expect(new TinyProductsApi(client).searchPriceLists('varejo')).resolves.toEqual([]);
    });

    it('reads stock changes once: lista.atualizacoes.estoque removes what it returned', async () => {
      const { token, client } = await account();
      await control('/control/tiny/products', { token, codigo: 'SKU-S', saldo: 1 });
      await control('/control/tiny/products', { token, codigo: 'SKU-T', saldo: 1 });
      const since = new Date(Date.now() - 60_000);
      await control('/control/tiny/stock', { token, codigo: 'SKU-S', saldo: 9 });
      await control('/control/tiny/stock', { token, codigo: 'SKU-T', saldo: 4 });
      const products = new TinyProductsApi(client);
      const first = await products.readStockUpdates(since);
      expect(first.records.map((record) => [record.sku, record.balance])).toEqual([
        ['SKU-S', '9'],
        ['SKU-T', '4'],
      ]);
      expect(first.records[0].changedAt).toBeInstanceOf(Date);
      await expect(products.readStockUpdates(since)).resolves.toEqual({ records: [], remainingPages: 0 });
    });

    it('drains a queue longer than one page of 100', async () => {
      const { token, client } = await account();
      const since = new Date(Date.now() - 60_000);
      for (let index = 0; index < 130; index += 1) await control('/control/tiny/products', { token, codigo: `Q-${index}` });
      for (let index = 0; index < 130; index += 1) await control('/control/tiny/stock', { token, codigo: `Q-${index}`, saldo: index });
      const seen: string[] = [];
      const total = await new TinyProductsApi(client).drainStockUpdates(since, async (records) => {
        seen.push(...records.map((record) => record.sku ?? ''));
      });
      expect(total).toBe(130);
      expect(new Set(seen).size).toBe(130);
    });
  });
});

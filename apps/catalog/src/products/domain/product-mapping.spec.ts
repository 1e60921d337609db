import type { IderisListingModel, IderisSku } from '@hub/ideris';
import { kindOfNotice, noticeFromTinyProduct, parseTinyNotification, type TinyProductNotificationData } from '@hub/tiny';
import { kindOfSnapshot, snapshotFromListingModel } from './ideris-product-snapshot';
import { iderisChangesOf, iderisDraftFromNotice, iderisImages, iderisTitle, tinyDraftFromSnapshot, wholeUnits } from './product-drafts';
import { iderisFingerprint, iderisViewOfDraft, iderisViewOfSnapshot, tinyFingerprint, tinyViewOfDraft, tinyViewOfNotice } from './product-fingerprints';

/** A `produto` notification body through the real parser, as the handler sees it. */
function dadosOf(dados: Record<string, unknown>): TinyProductNotificationData {
  const parsed = parseTinyNotification(JSON.stringify({ versao: '1.0.0', cnpj: '12345678000195', idEcommerce: 1, tipo: 'produto', dados }));
  if (!parsed.ok || parsed.notification.kind !== 'produto') throw new Error(JSON.stringify(parsed));
  return parsed.notification.dados;
}

const SHIRT = {
  id: 700001,
  idMapeamento: '',
  skuMapeamento: '',
  codigo: 'CAM',
  nome: '  Camiseta Básica de Algodão Penteado com Gola Redonda e Bolso Lateral Azul  ',
  unidade: 'UN',
  preco: '79.9000000000',
  precoCusto: '30.00',
  estoqueAtual: '0',
  ncm: '6109.10.00',
  gtin: 'SEM GTIN',
  pesoLiquido: '0.180',
  pesoBruto: '0.200',
  alturaEmbalagem: '3',
  larguraEmbalagem: 25,
  comprimentoEmbalagem: '0',
  anexos: [{ url: 'https://img.example/cam.jpg' }, { url: 'https://img.example/cam.webp' }, { url: 'https://img.example/cam.jpg' }],
  kit: [],
  variacoes: [
    { id: 700002, idMapeamento: '88001', skuMapeamento: 'CAM-P', codigo: 'CAM-P-OLD', gtin: '7890000000017', preco: '79.9', estoqueAtual: '5.7', grade: [{ chave: 'Tamanho', valor: 'P' }] },
    { id: '700003', codigo: 'CAM-M', estoqueAtual: 2, grade: { Tamanho: 'M' } },
    { id: '700004', codigo: '', grade: { Tamanho: 'G' } },
  ],
};

describe('a Tiny produto notification in our terms', () => {
  it('takes the mapping SKU over the code, Tiny ids as the missing idMapeamento, canonical decimals, NCM digits, zero as unknown', () => {
    const notice = noticeFromTinyProduct(dadosOf(SHIRT));
    expect(notice).toMatchObject({
      tinyProductId: '700001',
      sku: 'CAM',
      idMapeamento: '700001',
      name: 'Camiseta Básica de Algodão Penteado com Gola Redonda e Bolso Lateral Azul',
      priceCents: 7990,
      costCents: 3000,
      ncm: '61091000',
      gtin: 'SEM GTIN',
      netWeightKg: '0.18',
      grossWeightKg: '0.2',
      packaging: { heightCm: '3', widthCm: '25', lengthCm: undefined },
      images: ['https://img.example/cam.jpg', 'https://img.example/cam.webp'],
    });
    expect(notice.variations.map((variation) => [variation.tinyProductId, variation.sku, variation.idMapeamento, variation.stock, variation.grid])).toEqual([
      ['700002', 'CAM-P', '88001', '5.7', { Tamanho: 'P' }],
      ['700003', 'CAM-M', '700003', '2', { Tamanho: 'M' }],
      ['700004', undefined, '700004', undefined, { Tamanho: 'G' }],
    ]);
    expect(kindOfNotice(notice)).toBe('parent');
    expect(kindOfNotice(noticeFromTinyProduct(dadosOf({ id: 1, nome: 'Kit', kit: [{ id: 2, quantidade: '2.0000' }] })))).toBe('kit');
  });
});

describe('Tiny → Ideris draft', () => {
  it('cuts the title to 60, keeps only .jpg/.png images (≤ 10), drops a non-numeric EAN, and floors stock minus the buffer', () => {
    const notice = noticeFromTinyProduct(dadosOf(SHIRT));
    const draft = iderisDraftFromNotice(notice, new Map(), 2);
    expect(draft).toMatchObject({
      sku: 'CAM',
      title: 'Camiseta Básica de Algodão Penteado com Gola Redonda e Bolso',
      value: 79.9,
      cost: 30,
      quantity: 0,
      ean: undefined,
      ncm: '61091000',
      weightGrams: 180,
      packageWeightGrams: 200,
      packageHeightCm: 3,
      packageWidthCm: 25,
      packageLengthCm: undefined,
      images: ['https://img.example/cam.jpg'],
    });
    expect(draft.title.length).toBeLessThanOrEqual(60);
    // The variation without a code cannot be synced (its mapping is answered with an error).
    expect(draft.variants).toEqual([
      { sku: 'CAM-P', quantity: 3, ean: '7890000000017', attributes: { Tamanho: 'P' } },
      { sku: 'CAM-M', quantity: 0, ean: undefined, attributes: { Tamanho: 'M' } },
    ]);
    expect(iderisChangesOf(draft)).not.toHaveProperty('value');
    expect(iderisChangesOf(draft)).not.toHaveProperty('quantity');
    expect(iderisChangesOf(draft)).not.toHaveProperty('sku');
  });

  it('names kit components by SKU', () => {
    const notice = noticeFromTinyProduct(dadosOf({ id: 9, codigo: 'KIT', nome: 'Kit', estoqueAtual: '4.99', kit: [{ id: 2, quantidade: '2' }, { id: '3', quantidade: 1.5 }] }));
    expect(iderisDraftFromNotice(notice, new Map([['2', 'A'], ['3', 'B']]), 0)).toMatchObject({ quantity: 4, kit: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1.5 }] });
  });

  it.each([
    ['12.99', 0, 12],
    ['12.99', 5, 7],
    ['3', 5, 0],
    [undefined, 0, 0],
    ['-2', 0, 0],
  ])('whole units of %s minus buffer %i = %i', (stock, buffer, expected) => {
    expect(wholeUnits(stock, buffer)).toBe(expected);
  });

  it('keeps titles and images within the legacy limits', () => {
    expect(iderisTitle(`${'a'.repeat(59)} b`)).toBe('a'.repeat(59));
    expect(iderisImages(Array.from({ length: 12 }, (_, index) => `https://x/${index}.PNG?v=1`))).toHaveLength(10);
  });
});

const LISTING: IderisListingModel = {
  id: 90001,
  sku: 'TEN',
  skuId: 90002,
  title: 'Tênis',
  value: 199.9,
  cost: 80,
  weightGrams: 900,
  packageWeightGrams: 1200,
  packageHeightCm: 12,
  packageWidthCm: 0,
  packageLengthCm: 32,
  images: ['https://img.example/ten.jpg'],
  variants: [
    { id: 90004, sku: 'TEN-41', skuId: 90005, quantity: 1, attributes: { Numero: '41' } },
    { id: 90006, sku: 'TEN-40', skuId: 90007, quantity: 2, attributes: { Numero: '40', Cor: 'Preto' } },
  ],
  kit: [],
};
const SKUS = new Map<string, IderisSku>([
  ['TEN', { sku: 'TEN', ean: '7891234567895', ncmId: 5, currentStock: 0 }],
  ['TEN-40', { sku: 'TEN-40', ean: '7890000000017', ncmId: 5, currentStock: 7 }],
  ['TEN-41', { sku: 'TEN-41', currentStock: 3 }],
]);

describe('Ideris → Tiny draft', () => {
  it('reads a listing model with its SKUs (EAN, NCM code, stock) and writes variations as children with price and stock only on create', () => {
    const snapshot = snapshotFromListingModel(LISTING, SKUS, new Map([[5, '64039990']]))!;
    expect(snapshot).toMatchObject({ sku: 'TEN', valueCents: 19990, ean: '7891234567895', ncm: '64039990', packageWidthCm: undefined });
    expect(kindOfSnapshot(snapshot)).toBe('parent');
    const created = tinyDraftFromSnapshot(snapshot, new Map(), true);
    expect(created).toMatchObject({
      sku: 'TEN',
      name: 'Tênis',
      unit: 'UN',
      priceCents: 19990,
      costCents: 8000,
      ncm: '64039990',
      gtin: '7891234567895',
      netWeightKg: '0.9',
      grossWeightKg: '1.2',
      packaging: { heightCm: '12', widthCm: undefined, lengthCm: '32' },
      images: ['https://img.example/ten.jpg'],
      initialStock: undefined,
      variations: [
        { sku: 'TEN-41', gtin: undefined, grid: { Numero: '41' }, priceCents: 19990, initialStock: 3 },
        { sku: 'TEN-40', gtin: '7890000000017', grid: { Numero: '40', Cor: 'Preto' }, priceCents: 19990, initialStock: 7 },
      ],
    });
    const updated = tinyDraftFromSnapshot(snapshot, new Map(), false, '700009');
    expect(updated).toMatchObject({ id: '700009', priceCents: undefined, unit: undefined });
    expect(updated.variations?.every((variation) => variation.priceCents === undefined && variation.initialStock === undefined)).toBe(true);
  });

  it('writes a kit with the Tiny ids of its components', () => {
    const snapshot = snapshotFromListingModel({ ...LISTING, sku: 'KIT', variants: [], kit: [{ sku: 'A', quantity: 2 }] }, new Map(), new Map())!;
    expect(kindOfSnapshot(snapshot)).toBe('kit');
    expect(tinyDraftFromSnapshot(snapshot, new Map([['A', '700100']]), true).kit).toEqual([{ productId: '700100', quantity: '2' }]);
  });

  it('has nothing to bind a listing model without a SKU by', () => {
    expect(snapshotFromListingModel({ ...LISTING, sku: undefined }, SKUS, new Map())).toBeUndefined();
  });
});

describe('echo fingerprints', () => {
  it('a product the hub wrote to Tiny, notified back by Tiny, has the fingerprint the hub recorded', () => {
    const snapshot = snapshotFromListingModel(LISTING, SKUS, new Map([[5, '64039990']]))!;
    const draft = tinyDraftFromSnapshot(snapshot, new Map(), true);
    // What Tiny sends back once it holds that product (ids assigned, decimals as Tiny writes them, price and stock present).
    const echo = noticeFromTinyProduct(
      dadosOf({
        id: 700010,
        codigo: 'TEN',
        nome: 'Tênis',
        preco: '199.90',
        estoqueAtual: '10.00',
        ncm: '6403.99.90',
        gtin: '7891234567895',
        pesoLiquido: '0.900',
        pesoBruto: '1.200',
        alturaEmbalagem: '12.00',
        larguraEmbalagem: '',
        comprimentoEmbalagem: '32',
        anexos: [{ url: 'https://img.example/ten.jpg' }],
        kit: [],
        variacoes: [
          { id: 700011, codigo: 'TEN-41', gtin: '', grade: { Numero: '41' }, preco: '199.90' },
          { id: 700012, codigo: 'TEN-40', gtin: '7890000000017', grade: [{ chave: 'Cor', valor: 'Preto' }, { chave: 'Numero', valor: '40' }] },
        ],
      }),
    );
    expect(tinyFingerprint(tinyViewOfNotice(echo))).toBe(tinyFingerprint(tinyViewOfDraft(draft)));
    const renamed = noticeFromTinyProduct(dadosOf({ ...dadosOfEcho(echo), nome: 'Tênis Novo' }));
    expect(tinyFingerprint(tinyViewOfNotice(renamed))).not.toBe(tinyFingerprint(tinyViewOfDraft(draft)));
  });

  it('a listing model the hub wrote to Ideris, read back, has the fingerprint the hub recorded; price and stock do not count', () => {
    const notice = noticeFromTinyProduct(dadosOf(SHIRT));
    const draft = iderisDraftFromNotice(notice, new Map(), 0);
    const readBack = snapshotFromListingModel(
      {
        id: 1,
        sku: 'CAM',
        title: draft.title,
        value: 55,
        weightGrams: 180,
        packageWeightGrams: 200,
        packageHeightCm: 3,
        packageWidthCm: 25,
        images: ['https://img.example/cam.jpg'],
        variants: [
          { id: 3, sku: 'CAM-M', attributes: { Tamanho: 'M' } },
          { id: 2, sku: 'CAM-P', attributes: { Tamanho: 'P' } },
        ],
        kit: [],
      },
      new Map([
        ['CAM', { sku: 'CAM', ncmId: 1, currentStock: 99 }],
        ['CAM-P', { sku: 'CAM-P', ean: '7890000000017', ncmId: 1, currentStock: 1 }],
      ]),
      new Map([[1, '61091000']]),
    )!;
    expect(iderisFingerprint(iderisViewOfSnapshot(readBack))).toBe(iderisFingerprint(iderisViewOfDraft(draft)));
    const withNewVariant = { ...readBack, variants: [...readBack.variants, { variantId: 9, sku: 'CAM-G', attributes: { Tamanho: 'G' } }] };
    expect(iderisFingerprint(iderisViewOfSnapshot(withNewVariant))).not.toBe(iderisFingerprint(iderisViewOfDraft(draft)));
  });
});

function dadosOfEcho(notice: ReturnType<typeof noticeFromTinyProduct>): Record<string, unknown> {
  return {
    id: notice.tinyProductId,
    codigo: notice.sku,
    nome: notice.name,
    gtin: notice.gtin,
    ncm: notice.ncm,
    pesoLiquido: notice.netWeightKg,
    pesoBruto: notice.grossWeightKg,
    alturaEmbalagem: notice.packaging.heightCm,
    comprimentoEmbalagem: notice.packaging.lengthCm,
    anexos: notice.images.map((url) => ({ url })),
    variacoes: notice.variations.map((variation) => ({ id: variation.tinyProductId, codigo: variation.sku, gtin: variation.gtin, grade: variation.grid })),
  };
}

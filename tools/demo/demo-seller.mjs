// The demo seller as the sandbox holds it: a Tiny account with a small catalogue (variations, a kit), the same
// listings in Ideris, two marketplace accounts, and the hub's webhook URLs registered in Tiny.
import { sandboxControl } from './sandbox-control.mjs';

export const DEMO_SELLER = {
  name: 'Demo (sandbox)',
  tinyToken: 'demo-tiny-token-0000000000000000000000000000',
  iderisPrivateKey: 'd'.repeat(96),
  cnpj: '12345678000195',
  razaoSocial: 'Loja Demo LTDA',
  tinyIntegrationId: 1001,
  // A real Tiny plan's limit; Ideris above its usual 50 so a sale every few seconds fits (the budget page shows the use).
  tinyCallsPerMinute: 120,
  iderisCallsPerMinute: 150,
};

/** What the seller sells: two products with variations, two simple ones, and a kit of two of them. */
export const DEMO_CATALOG = [
  {
    sku: 'CAMISETA-BASICA', name: 'Camiseta Básica Algodão', price: 59.9, cost: 22, ncm: '61091000', brand: 'Demo', grossWeightKg: 0.2, netWeightKg: 0.18, heightCm: 3, widthCm: 25, lengthCm: 30,
    variations: [
      { sku: 'CAMISETA-BASICA-P', grid: { Tamanho: 'P' }, stock: 30 },
      { sku: 'CAMISETA-BASICA-M', grid: { Tamanho: 'M' }, stock: 40 },
      { sku: 'CAMISETA-BASICA-G', grid: { Tamanho: 'G' }, stock: 25 },
    ],
  },
  {
    sku: 'MOCHILA-URBANA', name: 'Mochila Urbana 20 L', price: 159.9, cost: 70, ncm: '42029200', brand: 'Demo', grossWeightKg: 0.9, netWeightKg: 0.8, heightCm: 45, widthCm: 30, lengthCm: 15,
    variations: [
      { sku: 'MOCHILA-URBANA-PRETA', grid: { Cor: 'Preta' }, stock: 12 },
      { sku: 'MOCHILA-URBANA-AZUL', grid: { Cor: 'Azul' }, stock: 9 },
    ],
  },
  { sku: 'CANECA-CERAMICA', name: 'Caneca Cerâmica 300 ml', price: 39.9, cost: 12, stock: 60, ncm: '69120000', brand: 'Demo', grossWeightKg: 0.4, netWeightKg: 0.35, heightCm: 10, widthCm: 12, lengthCm: 12 },
  { sku: 'GARRAFA-TERMICA', name: 'Garrafa Térmica 500 ml', price: 89.9, cost: 35, stock: 20, ncm: '96170010', brand: 'Demo', grossWeightKg: 0.5, netWeightKg: 0.45, heightCm: 26, widthCm: 8, lengthCm: 8 },
  { sku: 'KIT-CAFE', name: 'Kit Café: caneca + garrafa', price: 119.9, cost: 47, stock: 8, brand: 'Demo', kit: [{ sku: 'CANECA-CERAMICA', quantity: 1 }, { sku: 'GARRAFA-TERMICA', quantity: 1 }] },
];

/** The SKUs a buyer can order (variations, simple products, the kit; never a parent with variations). */
export const SELLABLE = DEMO_CATALOG.flatMap((p) => (p.variations?.length ? p.variations.map((v) => ({ sku: v.sku, title: `${p.name} ${Object.values(v.grid).join(' ')}`, price: p.price })) : [{ sku: p.sku, title: p.name, price: p.price }]));

export const DEMO_MARKETPLACES = [
  { marketplaceName: 'Mercado Livre', name: 'LOJA_DEMO_ML' },
  { marketplaceName: 'Shopee', name: 'LOJA_DEMO_SHOPEE' },
];

/**
 * Registers the seller's accounts and catalogue in the sandbox (in memory: every start begins from here). Returns the
 * marketplace accounts (their ids are Ideris's `authenticationId`).
 */
export async function seedDemoSeller(sandboxUrl, seller = DEMO_SELLER) {
  const sandbox = sandboxControl(sandboxUrl);
  await sandbox.post('/control/tiny/accounts', { token: seller.tinyToken, cnpj: seller.cnpj, razaoSocial: seller.razaoSocial, limitPerMinute: seller.tinyCallsPerMinute });
  await sandbox.post('/control/ideris/accounts', { privateKey: seller.iderisPrivateKey, limitPerMinute: seller.iderisCallsPerMinute });
  const state = await sandbox.get(`/control/ideris/state?privateKey=${seller.iderisPrivateKey}`);
  if (state.listingModels.length === 0) {
    await sandbox.post('/control/tiny/products/catalog', { token: seller.tinyToken, products: DEMO_CATALOG });
    await sandbox.post('/control/ideris/products', { privateKey: seller.iderisPrivateKey, products: DEMO_CATALOG });
  }
  const marketplaces = [];
  for (const marketplace of DEMO_MARKETPLACES) marketplaces.push(await sandbox.post('/control/ideris/marketplaces', { privateKey: seller.iderisPrivateKey, ...marketplace }));
  return { marketplaces };
}

/** Tiny's integration screen: the hub's webhook URLs pasted in, notifications sent as Tiny sends them. */
export async function registerDemoWebhooks(sandboxUrl, webhookUrls, seller = DEMO_SELLER) {
  const sandbox = sandboxControl(sandboxUrl);
  const kinds = ['estoque', 'produto', 'precos', 'rastreio', 'nota_fiscal', 'situacao_pedido', 'inclusao_pedido', 'atualizacao_pedido'];
  const urls = Object.fromEntries(kinds.filter((kind) => webhookUrls[kind]).map((kind) => [kind, webhookUrls[kind]]));
  await sandbox.post('/control/tiny/webhooks', { token: seller.tinyToken, idEcommerce: seller.tinyIntegrationId, tipoEstoque: 'D', urls });
}

import { isRecord } from '../common/request-params';
import type { IderisAccountData, IderisDataStore, IderisListingModel, IderisNcm, IderisSku, IderisVariantAttribute } from './ideris-data.store';
import { IderisHttpError } from './ideris-http.error';

/**
 * ASSUMPTION (the whole file; docs/contracts.md#ideris-listing-model-writes): v3's product writes are not public. `POST /listingModel` and `PUT /listingModel`
 * take the legacy `POST /Produto` fields renamed to the names v3's listing model reads back: `sku, title, value,
 * cost, quantity, ean, ncm (code), weight/weightPackage (g), heightPackage/widthPackage/lengthPackage (cm),
 * listingModelImage[{url, order}], variant[{sku, quantity, ean, variantAttribute[{attributeName,
 * attributeValue}]}], kit[{sku, quantity}]`. The legacy limits found by integrators apply: title ≤ 60
 * characters, ≤ 10 images, `.jpg/.jpeg/.png` only.
 */
export interface ListingModelInput {
  sku?: string;
  title?: string;
  value?: number;
  cost?: number;
  quantity?: number;
  ean?: string;
  ncm?: string;
  weight?: number;
  weightPackage?: number;
  heightPackage?: number;
  widthPackage?: number;
  lengthPackage?: number;
  images?: string[];
  variants?: Array<{ sku: string; quantity: number; ean?: string; attributes: IderisVariantAttribute[] }>;
  kit?: Array<{ sku: string; quantity: number }>;
}

const MAX_TITLE = 60;
const MAX_IMAGES = 10;

export function parseListingModelBody(body: unknown, creating: boolean): ListingModelInput {
  if (!isRecord(body)) throw badRequest('body', 'The request is invalid.');
  const input: ListingModelInput = {};
  const string = (field: string, required: boolean): string | undefined => {
    const value = body[field];
    if (value === undefined || value === null) {
      if (required) throw badRequest(field, `The ${field} field is required.`);
      return undefined;
    }
    if (typeof value !== 'string' || value.trim() === '') throw badRequest(field, `The ${field} field is required.`);
    return value.trim();
  };
  const number = (field: string, required: boolean): number | undefined => {
    const value = body[field];
    if (value === undefined || value === null) {
      if (required) throw badRequest(field, `The ${field} field is required.`);
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw badRequest(field, `The value of ${field} is not valid.`);
    return value;
  };
  input.sku = string('sku', creating);
  input.title = string('title', creating);
  if (input.title && input.title.length > MAX_TITLE) throw badRequest('title', `O título deve ter no máximo ${MAX_TITLE} caracteres.`);
  input.value = number('value', creating);
  input.cost = number('cost', false);
  input.quantity = number('quantity', false);
  input.ean = ean(string('ean', false), 'ean');
  input.ncm = string('ncm', false);
  if (input.ncm !== undefined && !/^\d{8}$/.test(input.ncm)) throw badRequest('ncm', 'O NCM deve ter 8 dígitos.');
  for (const field of ['weight', 'weightPackage', 'heightPackage', 'widthPackage', 'lengthPackage'] as const) input[field] = number(field, false);
  if (body['listingModelImage'] !== undefined) input.images = images(body['listingModelImage']);
  if (body['variant'] !== undefined) input.variants = variants(body['variant']);
  if (body['kit'] !== undefined) input.kit = kit(body['kit']);
  if ((input.kit?.length ?? 0) > 0 && (input.variants?.length ?? 0) > 0) throw badRequest('kit', 'Um kit não pode ter variações.');
  return input;
}

/** Creates the SKUs (the model's and one per variant) and the listing model. 409 when a SKU is taken. */
export function createListingModel(data: IderisDataStore, account: IderisAccountData, input: ListingModelInput): IderisListingModel {
  const sku = input.sku!;
  const variants = input.variants ?? [];
  const allSkus = [sku, ...variants.map((variant) => variant.sku)];
  if (new Set(allSkus).size !== allSkus.length || allSkus.some((candidate) => account.skus.some((existing) => existing.sku === candidate))) {
    throw new IderisHttpError(409, { Message: 'SKU já cadastrado ou inválido.' });
  }
  checkKit(account, sku, input.kit);
  const model: IderisListingModel = {
    id: data.newCatalogId(),
    sku,
    skuId: addSku(data, account, { sku, title: input.title!, ean: input.ean, ncm: input.ncm, quantity: input.quantity ?? 0 }).id,
    title: input.title!,
    value: input.value!,
    cost: input.cost ?? 0,
    statusId: 1,
    weight: input.weight ?? 0,
    weightPackage: input.weightPackage ?? 0,
    heightPackage: input.heightPackage ?? 0,
    widthPackage: input.widthPackage ?? 0,
    lengthPackage: input.lengthPackage ?? 0,
    listingModelImage: (input.images ?? []).map((url, order) => ({ id: data.newCatalogId(), url, order: order + 1 })),
    variant: variants.map((variant) => ({
      id: data.newCatalogId(),
      sku: variant.sku,
      skuId: addSku(data, account, { sku: variant.sku, title: input.title!, ean: variant.ean, ncm: input.ncm, quantity: variant.quantity }).id,
      quantity: variant.quantity,
      variantAttribute: variant.attributes,
    })),
    kit: input.kit ?? [],
  };
  account.listingModels.push(model);
  return model;
}

/** Only the fields sent change; variants are matched by SKU (updated) or added (409 if the SKU is taken elsewhere). */
export function updateListingModel(data: IderisDataStore, account: IderisAccountData, model: IderisListingModel, input: ListingModelInput): IderisListingModel {
  if (input.sku !== undefined && input.sku !== model.sku) throw badRequest('sku', 'O SKU de um modelo de anúncio não pode ser alterado.');
  if (input.kit !== undefined) checkKit(account, model.sku, input.kit);
  const added = (input.variants ?? []).filter((variant) => !model.variant.some((existing) => existing.sku === variant.sku));
  if (added.some((variant) => account.skus.some((existing) => existing.sku === variant.sku))) throw new IderisHttpError(409, { Message: 'SKU já cadastrado ou inválido.' });
  if (input.title !== undefined) model.title = input.title;
  if (input.value !== undefined) model.value = input.value;
  if (input.cost !== undefined) model.cost = input.cost;
  for (const field of ['weight', 'weightPackage', 'heightPackage', 'widthPackage', 'lengthPackage'] as const) {
    const value = input[field];
    if (value !== undefined) model[field] = value;
  }
  if (input.images !== undefined) model.listingModelImage = input.images.map((url, order) => ({ id: data.newCatalogId(), url, order: order + 1 }));
  if (input.kit !== undefined) model.kit = input.kit;
  const root = account.skus.find((candidate) => candidate.id === model.skuId);
  if (root) updateSku(account, root, { title: input.title, ean: input.ean, ncm: input.ncm });
  for (const variant of input.variants ?? []) {
    const existing = model.variant.find((candidate) => candidate.sku === variant.sku);
    if (existing) {
      existing.variantAttribute = variant.attributes;
      const sku = account.skus.find((candidate) => candidate.id === existing.skuId);
      if (sku) updateSku(account, sku, { title: input.title, ean: variant.ean, ncm: input.ncm });
    } else {
      const title = input.title ?? model.title;
      model.variant.push({
        id: data.newCatalogId(),
        sku: variant.sku,
        skuId: addSku(data, account, { sku: variant.sku, title, ean: variant.ean, ncm: input.ncm, quantity: variant.quantity }).id,
        quantity: variant.quantity,
        variantAttribute: variant.attributes,
      });
    }
  }
  return model;
}

/** The NCM table of an account: a code written for the first time gets an id (as `POST /Ncm` did on legacy). */
export function ncmIdOf(data: IderisDataStore, account: IderisAccountData, code: string | undefined): number | null {
  if (!code) return null;
  let ncm = account.ncms.find((candidate) => candidate.code === code);
  if (!ncm) {
    ncm = { id: data.newCatalogId(), code, name: `NCM ${code}` } satisfies IderisNcm;
    account.ncms.push(ncm);
  }
  return ncm.id;
}

function addSku(data: IderisDataStore, account: IderisAccountData, fields: { sku: string; title: string; ean?: string; ncm?: string; quantity: number }): IderisSku {
  const sku: IderisSku = {
    id: data.newCatalogId(),
    sku: fields.sku,
    title: fields.title,
    ean: fields.ean ?? '',
    ncmId: ncmIdOf(data, account, fields.ncm),
    originId: 0,
    currentStock: Math.max(0, Math.floor(fields.quantity)),
  };
  account.skus.push(sku);
  return sku;
}

function updateSku(account: IderisAccountData, sku: IderisSku, fields: { title?: string; ean?: string; ncm?: string }): void {
  if (fields.title !== undefined) sku.title = fields.title;
  if (fields.ean !== undefined) sku.ean = fields.ean;
  if (fields.ncm !== undefined) {
    const ncm = account.ncms.find((candidate) => candidate.code === fields.ncm);
    if (ncm) sku.ncmId = ncm.id;
  }
}

function checkKit(account: IderisAccountData, kitSku: string, items: ListingModelInput['kit']): void {
  for (const item of items ?? []) {
    if (item.sku === kitSku) throw badRequest('kit', 'Um kit não pode conter a si mesmo.');
    if (!account.skus.some((candidate) => candidate.sku === item.sku)) throw badRequest('kit', `SKU do kit não encontrado: ${item.sku}.`);
  }
}

function images(raw: unknown): string[] {
  if (!Array.isArray(raw)) throw badRequest('listingModelImage', 'The listingModelImage field must be a list.');
  if (raw.length > MAX_IMAGES) throw badRequest('listingModelImage', `No máximo ${MAX_IMAGES} imagens.`);
  return raw
    .map((entry) => (isRecord(entry) ? { url: entry['url'], order: typeof entry['order'] === 'number' ? entry['order'] : 0 } : { url: undefined, order: 0 }))
    .map((entry, index) => {
      if (typeof entry.url !== 'string' || !/^https?:\/\/\S+\.(jpe?g|png)(\?\S*)?$/i.test(entry.url)) {
        throw badRequest(`listingModelImage[${index}].url`, 'A imagem deve ser uma URL .jpg, .jpeg ou .png.');
      }
      return entry as { url: string; order: number };
    })
    .sort((a, b) => a.order - b.order)
    .map((entry) => entry.url);
}

function variants(raw: unknown): NonNullable<ListingModelInput['variants']> {
  if (!Array.isArray(raw)) throw badRequest('variant', 'The variant field must be a list.');
  return raw.map((entry, index) => {
    if (!isRecord(entry) || typeof entry['sku'] !== 'string' || entry['sku'].trim() === '') throw badRequest(`variant[${index}].sku`, 'The sku field is required.');
    const quantity = entry['quantity'];
    const attributes = Array.isArray(entry['variantAttribute']) ? entry['variantAttribute'] : [];
    return {
      sku: entry['sku'].trim(),
      quantity: typeof quantity === 'number' && quantity >= 0 ? quantity : 0,
      ean: ean(typeof entry['ean'] === 'string' && entry['ean'].trim() !== '' ? entry['ean'].trim() : undefined, `variant[${index}].ean`),
      attributes: attributes.flatMap((attribute) =>
        isRecord(attribute) && typeof attribute['attributeName'] === 'string' && typeof attribute['attributeValue'] === 'string'
          ? [{ attributeName: attribute['attributeName'], attributeValue: attribute['attributeValue'] }]
          : [],
      ),
    };
  });
}

function kit(raw: unknown): NonNullable<ListingModelInput['kit']> {
  if (!Array.isArray(raw)) throw badRequest('kit', 'The kit field must be a list.');
  return raw.map((entry, index) => {
    if (!isRecord(entry) || typeof entry['sku'] !== 'string' || typeof entry['quantity'] !== 'number' || entry['quantity'] <= 0) {
      throw badRequest(`kit[${index}]`, 'Each kit item needs a sku and a positive quantity.');
    }
    return { sku: entry['sku'], quantity: entry['quantity'] };
  });
}

function ean(value: string | undefined, field: string): string | undefined {
  if (value !== undefined && !/^(\d{8}|\d{12,14})$/.test(value)) throw badRequest(field, 'O EAN deve ter 8, 12, 13 ou 14 dígitos.');
  return value;
}

function badRequest(field: string, message: string): IderisHttpError {
  return new IderisHttpError(400, { Message: 'The request is invalid.', ModelState: { [field]: [message] } });
}

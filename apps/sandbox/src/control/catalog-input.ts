import { BadRequestException } from '@nestjs/common';
import { generateCatalog, type GeneratedProduct } from '../common/catalog-generator';
import { isRecord } from '../common/request-params';
import { optionalPositiveInt, optionalString, requireString } from './control-input';

/**
 * The body of the catalogue seeding calls (`/control/tiny/products/catalog`, `/control/ideris/products`):
 * explicit `products` (a product as a seller types it: `sku, name, price, variations[{sku, grid}], kit[{sku,
 * quantity}]`…) or a generated catalogue (`count`, `prefix`, `variationRate`, `kitRate`, `seed`).
 */
export function catalogFromBody(body: Record<string, unknown>): GeneratedProduct[] {
  if (body['products'] !== undefined) {
    if (!Array.isArray(body['products'])) throw new BadRequestException('products must be an array');
    return body['products'].map((raw, index) => productFromInput(raw, `products[${index}]`));
  }
  const count = optionalPositiveInt(body, 'count');
  if (!count) throw new BadRequestException('send products[] or count (> 0)');
  return generateCatalog({
    prefix: optionalString(body, 'prefix') ?? 'GEN',
    count,
    variationRate: rate(body, 'variationRate', 0.3),
    kitRate: rate(body, 'kitRate', 0.1),
    seed: optionalPositiveInt(body, 'seed') ?? 1,
  });
}

function productFromInput(raw: unknown, path: string): GeneratedProduct {
  if (!isRecord(raw)) throw new BadRequestException(`${path} must be an object`);
  const sku = requireString(raw, 'sku');
  const number = (field: string, fallback: number): number => {
    const value = raw[field];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new BadRequestException(`${path}.${field} must be a non-negative number`);
    return value;
  };
  const list = (field: string): Record<string, unknown>[] => {
    const value = raw[field];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || !value.every(isRecord)) throw new BadRequestException(`${path}.${field} must be an array of objects`);
    return value;
  };
  const images = raw['images'];
  if (images !== undefined && (!Array.isArray(images) || !images.every((url) => typeof url === 'string'))) throw new BadRequestException(`${path}.images must be an array of URLs`);
  const price = number('price', 10);
  return {
    sku,
    name: optionalString(raw, 'name') ?? sku,
    price,
    cost: number('cost', 0),
    stock: Math.floor(number('stock', 0)),
    ean: optionalString(raw, 'ean') ?? '',
    ncm: optionalString(raw, 'ncm') ?? '',
    brand: optionalString(raw, 'brand') ?? '',
    images: (images as string[] | undefined) ?? [],
    netWeightKg: number('netWeightKg', 0),
    grossWeightKg: number('grossWeightKg', 0),
    heightCm: number('heightCm', 0),
    widthCm: number('widthCm', 0),
    lengthCm: number('lengthCm', 0),
    variations: list('variations').map((variation, index) => {
      const grid = variation['grid'];
      if (!isRecord(grid) || !Object.values(grid).every((value) => typeof value === 'string')) throw new BadRequestException(`${path}.variations[${index}].grid must map names to values`);
      return {
        sku: requireString(variation, 'sku'),
        price: typeof variation['price'] === 'number' ? variation['price'] : price,
        stock: typeof variation['stock'] === 'number' ? Math.floor(variation['stock']) : 0,
        ean: optionalString(variation, 'ean') ?? '',
        grid: grid as Record<string, string>,
      };
    }),
    kit: list('kit').map((item) => ({ sku: requireString(item, 'sku'), quantity: typeof item['quantity'] === 'number' && item['quantity'] > 0 ? item['quantity'] : 1 })),
  };
}

function rate(body: Record<string, unknown>, field: string, fallback: number): number {
  const value = body[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || value < 0 || value > 1) throw new BadRequestException(`${field} must be a number in [0, 1]`);
  return value;
}

import { BadRequestException } from '@nestjs/common';
import type { IderisMarketplaceAccount, IderisOrderItem } from '../ideris/ideris-data.store';
import { isRecord } from '../common/request-params';
import { optionalPositiveInt, optionalString, requireString } from './control-input';

/** What a caller of `POST /control/ideris/orders` may fix instead of the generated defaults (demo traffic, tests). */
export interface ExplicitOrderInput {
  marketplace?: IderisMarketplaceAccount;
  items?: IderisOrderItem[];
  customer?: { firstName: string; lastName: string; document: string; email: string | null };
}

/** Reads the optional `authenticationId`, `items[{sku|null, listingCode?, title?, quantity?, price}]` and `customer{firstName, lastName?, document, email?}`. */
export function explicitOrderInput(body: Record<string, unknown>, marketplaces: IderisMarketplaceAccount[]): ExplicitOrderInput {
  const input: ExplicitOrderInput = {};
  const authenticationId = optionalPositiveInt(body, 'authenticationId');
  if (authenticationId !== undefined) {
    input.marketplace = marketplaces.find((candidate) => candidate.id === authenticationId);
    if (!input.marketplace) throw new BadRequestException(`unknown authenticationId ${authenticationId}`);
  }
  if (body['items'] !== undefined) {
    if (!Array.isArray(body['items']) || body['items'].length === 0) throw new BadRequestException('items must be a non-empty array');
    input.items = body['items'].map((raw, index) => orderItem(raw, index));
  }
  if (body['customer'] !== undefined) {
    if (!isRecord(body['customer'])) throw new BadRequestException('customer must be an object');
    const customer = body['customer'];
    const document = requireString(customer, 'document');
    if (!/^\d{11}$|^\d{14}$/.test(document)) throw new BadRequestException('customer.document must be 11 (CPF) or 14 (CNPJ) digits');
    input.customer = { firstName: requireString(customer, 'firstName'), lastName: optionalString(customer, 'lastName') ?? '', document, email: optionalString(customer, 'email') ?? null };
  }
  return input;
}

function orderItem(raw: unknown, index: number): IderisOrderItem {
  if (!isRecord(raw)) throw new BadRequestException(`items[${index}] must be an object`);
  const sku = typeof raw['sku'] === 'string' ? raw['sku'] : null;
  const price = raw['price'] === undefined ? 49.9 : raw['price'];
  if (typeof price !== 'number' || !(price > 0)) throw new BadRequestException(`items[${index}].price must be a positive number`);
  // `listingCode` (demo traffic) and `codeProduct` (the v3 name) are the same marketplace product code.
  const codeProduct = optionalString(raw, 'codeProduct') ?? optionalString(raw, 'listingCode');
  const variation = Array.isArray(raw['productVariation']) ? raw['productVariation'] : [];
  return {
    sku,
    codeProduct,
    title: optionalString(raw, 'title') ?? sku ?? codeProduct ?? `Produto ${index + 1}`,
    quantity: typeof raw['quantity'] === 'number' ? raw['quantity'] : 1,
    price,
    productVariation: variation.filter((entry): entry is { name: string; value: string } => isRecord(entry) && typeof entry['name'] === 'string' && typeof entry['value'] === 'string'),
  };
}

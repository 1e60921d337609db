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
  const sku = raw['sku'] === null ? null : requireString(raw, 'sku');
  const price = raw['price'];
  if (typeof price !== 'number' || !(price > 0)) throw new BadRequestException(`items[${index}].price must be a positive number`);
  const listingCode = optionalString(raw, 'listingCode');
  if (sku === null && !listingCode) throw new BadRequestException(`items[${index}]: an item without SKU needs its listingCode`);
  return { sku, listingCode, title: optionalString(raw, 'title') ?? sku ?? listingCode!, quantity: optionalPositiveInt(raw, 'quantity') ?? 1, price };
}

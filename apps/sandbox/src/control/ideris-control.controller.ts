import { BadRequestException, Body, Controller, Post } from '@nestjs/common';
import { IderisAccountStore } from '../ideris/ideris-account.store';
import { IderisDataStore, type IderisMarketplaceAccount, type IderisOrder, type IderisOrderItem } from '../ideris/ideris-data.store';
import { iderisStatusDescription } from '../ideris/ideris-statuses';
import { optionalPositiveInt, optionalString, requireRecord, requireString } from './control-input';

@Controller('control/ideris')
export class IderisControlController {
  constructor(
    private readonly accounts: IderisAccountStore,
    private readonly data: IderisDataStore,
  ) {}

  /** A marketplace account ("authentication") the seller connected; its id is what orders carry. */
  @Post('marketplaces')
  addMarketplace(@Body() raw: unknown): IderisMarketplaceAccount {
    const body = requireRecord(raw);
    const privateKey = this.knownKey(body);
    const marketplace: IderisMarketplaceAccount = {
      id: this.data.newMarketplaceId(),
      marketplaceName: optionalString(body, 'marketplaceName') ?? 'Mercado Livre',
      name: optionalString(body, 'name') ?? 'LOJA_SANDBOX',
    };
    this.data.of(privateKey).marketplaces.push(marketplace);
    return marketplace;
  }

  /** Creates `count` orders (default 1), spread over the account's marketplaces, approved `approved` (default now). */
  @Post('orders')
  addOrders(@Body() raw: unknown): IderisOrder[] {
    const body = requireRecord(raw);
    const privateKey = this.knownKey(body);
    const accountData = this.data.of(privateKey);
    if (accountData.marketplaces.length === 0) throw new BadRequestException('create a marketplace account first');
    const count = optionalPositiveInt(body, 'count') ?? 1;
    const statusId = optionalPositiveInt(body, 'statusId') ?? 1007;
    const approvedAt = Date.parse(optionalString(body, 'approved') ?? new Date().toISOString());
    if (Number.isNaN(approvedAt)) throw new BadRequestException('approved must be an ISO date');
    const corruptQuantity = optionalString(body, 'corruptQuantity');
    const created = Array.from({ length: count }, (_, index) => {
      const marketplace = accountData.marketplaces[index % accountData.marketplaces.length];
      const item: IderisOrderItem = { sku: `SKU-${(index % 5) + 1}`, title: `Produto ${(index % 5) + 1}`, quantity: corruptQuantity ?? 1, price: 49.9 };
      const id = this.data.newOrderId();
      const order: IderisOrder = {
        id,
        code: `2000${id}`,
        marketplaceName: marketplace.marketplaceName,
        authenticationId: marketplace.id,
        authenticationName: marketplace.name,
        statusId,
        statusDescription: iderisStatusDescription(statusId),
        approved: toBrasiliaIso(approvedAt + index * 1000),
        customerFirstName: 'Cliente',
        customerLastName: `Sandbox ${index + 1}`,
        customerEmail: index % 7 === 6 ? null : `cliente${index + 1}@example.com`,
        documentType: 'CPF',
        documentValue: String(10_000_000_000 + index).slice(0, 11),
        valueWithShipping: 69.8,
        feeShipment: 19.9,
        items: [item],
      };
      accountData.orders.push(order);
      return order;
    });
    return created;
  }

  private knownKey(body: Record<string, unknown>): string {
    const privateKey = requireString(body, 'privateKey');
    if (!this.accounts.findByKey(privateKey)) throw new BadRequestException('unknown privateKey');
    return privateKey;
  }
}

/** Ideris order dates are ISO-8601 with the -03:00 offset. */
function toBrasiliaIso(instant: number): string {
  return `${new Date(instant - 3 * 3600_000).toISOString().slice(0, 19)}-03:00`;
}

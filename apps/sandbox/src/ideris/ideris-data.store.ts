import { Injectable } from '@nestjs/common';

export interface IderisMarketplaceAccount {
  id: number;
  marketplaceName: string;
  name: string;
}

export interface IderisOrderItem {
  sku: string | null;
  title: string;
  /** A string only when seeded as a corrupt panel value (e.g. `300O`), which breaks every page holding it. */
  quantity: number | string;
  price: number;
}

export interface IderisOrder {
  id: number;
  code: string;
  marketplaceName: string;
  authenticationId: number;
  authenticationName: string;
  statusId: number;
  statusDescription: string;
  approved: string;
  customerFirstName: string;
  customerLastName: string;
  customerEmail: string | null;
  documentType: 'CPF' | 'CNPJ';
  documentValue: string;
  valueWithShipping: number;
  feeShipment: number;
  items: IderisOrderItem[];
}

export interface IderisAccountData {
  marketplaces: IderisMarketplaceAccount[];
  orders: IderisOrder[];
}

@Injectable()
export class IderisDataStore {
  private readonly data = new Map<string, IderisAccountData>();
  private nextOrderId = 4_815_001;
  private nextMarketplaceId = 1;

  of(privateKey: string): IderisAccountData {
    let accountData = this.data.get(privateKey);
    if (!accountData) {
      accountData = { marketplaces: [], orders: [] };
      this.data.set(privateKey, accountData);
    }
    return accountData;
  }

  newOrderId(): number {
    return this.nextOrderId++;
  }

  newMarketplaceId(): number {
    return this.nextMarketplaceId++;
  }

  reset(): void {
    this.data.clear();
  }
}

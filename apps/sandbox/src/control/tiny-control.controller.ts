import { BadRequestException, Body, Controller, Get, Post, Query } from '@nestjs/common';
import { TinyAccountStore } from '../tiny/tiny-account.store';
import { TinyDataStore, type TinyAccountData, type TinyProduct } from '../tiny/tiny-data.store';
import { optionalPositiveInt, optionalString, requireRecord, requireString } from './control-input';

@Controller('control/tiny')
export class TinyControlController {
  constructor(
    private readonly accounts: TinyAccountStore,
    private readonly data: TinyDataStore,
  ) {}

  /** Seeds a product with stock in one deposit (default "Geral"). */
  @Post('products')
  addProduct(@Body() raw: unknown): TinyProduct {
    const body = requireRecord(raw);
    const token = this.knownToken(body);
    const product: TinyProduct = {
      id: this.data.newId(),
      codigo: requireString(body, 'codigo'),
      nome: optionalString(body, 'nome') ?? requireString(body, 'codigo'),
      unidade: optionalString(body, 'unidade') ?? 'UN',
      preco: optionalString(body, 'preco') ?? '10.00',
      saldoReservado: optionalPositiveInt(body, 'saldoReservado') ?? 0,
      depositos: [{ nome: optionalString(body, 'deposito') ?? 'Geral', saldo: optionalPositiveInt(body, 'saldo') ?? 0, desconsiderar: false }],
    };
    this.data.of(token).products.push(product);
    return product;
  }

  /** What Tiny holds for one account (orders and products), for assertions and demos. */
  @Get('state')
  state(@Query('token') token: string | undefined): TinyAccountData {
    if (!token || !this.accounts.find(token)) throw new BadRequestException('unknown token');
    return this.data.of(token);
  }

  private knownToken(body: Record<string, unknown>): string {
    const token = requireString(body, 'token');
    if (!this.accounts.find(token)) throw new BadRequestException('unknown token');
    return token;
  }
}

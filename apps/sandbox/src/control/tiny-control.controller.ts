import { BadRequestException, Body, Controller, Get, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { SANDBOX_CONFIG, type SandboxConfig } from '../sandbox.config';
import { TinyAccountStore } from '../tiny/tiny-account.store';
import { TinyBackofficeService } from '../tiny/tiny-backoffice.service';
import { TinyDataStore, newTinyProduct, totalBalance, type TinyGrouping, type TinyInvoice, type TinyOrder, type TinyPriceList, type TinyProduct } from '../tiny/tiny-data.store';
import { TinyBusinessError } from '../tiny/tiny-retorno';
import { TINY_SITUATIONS } from '../tiny/tiny-situations';
import { seedTinyProduct } from '../tiny/tiny-catalog.seed';
import { catalogFromBody } from './catalog-input';
import { optionalPositiveInt, optionalString, requireRecord, requireString } from './control-input';

/** The seller's side of Tiny: seed catalog data and do what the seller does in Tiny's screens. */
@Controller('control/tiny')
export class TinyControlController {
  constructor(
    @Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig,
    private readonly accounts: TinyAccountStore,
    private readonly data: TinyDataStore,
    private readonly backoffice: TinyBackofficeService,
  ) {}

  /** Seeds a product with stock in one deposit (default "Geral"). */
  @Post('products')
  addProduct(@Body() raw: unknown): TinyProduct {
    const body = requireRecord(raw);
    const token = this.knownToken(body);
    const codigo = requireString(body, 'codigo');
    const product = newTinyProduct(
      this.data.newId(),
      {
        codigo,
        nome: optionalString(body, 'nome') ?? codigo,
        unidade: optionalString(body, 'unidade') ?? 'UN',
        preco: optionalString(body, 'preco') ?? '10.00',
        saldoReservado: optionalPositiveInt(body, 'saldoReservado') ?? 0,
        depositos: [{ nome: optionalString(body, 'deposito') ?? 'Geral', saldo: optionalPositiveInt(body, 'saldo') ?? 0, desconsiderar: false }],
      },
      this.config.now(),
    );
    this.data.of(token).products.push(product);
    return product;
  }

  /**
   * Seeds a catalogue as the seller would have typed it in Tiny: explicit `products` or a generated one (see
   * `catalog-input.ts`), with variations as child products and kits of products already there. No notification.
   */
  @Post('products/catalog')
  seedCatalog(@Body() raw: unknown): { created: number; variations: number; kits: number; products: Array<{ sku: string; id: number; variations: Record<string, number>; kit: number }> } {
    const body = requireRecord(raw);
    const token = this.knownToken(body);
    const catalog = catalogFromBody(body);
    const products = this.asBadRequest(() =>
      catalog.map((spec) => {
        const { parent, variations } = seedTinyProduct(this.data, token, spec, this.config.now());
        return { sku: parent.codigo, id: parent.id, variations: Object.fromEntries(variations.map((variation) => [variation.codigo, variation.id])), kit: parent.kit?.length ?? 0 };
      }),
    );
    return {
      created: products.length,
      variations: products.reduce((sum, product) => sum + Object.keys(product.variations).length, 0),
      kits: products.filter((product) => product.kit > 0).length,
      products,
    };
  }

  /** Sets a product's balance in a deposit (as a seller's stock count would), which Tiny then reports. */
  @Post('stock')
  setStock(@Body() raw: unknown): { id: number; codigo: string; saldo: number } {
    const body = requireRecord(raw);
    const token = this.knownToken(body);
    const product = this.productByCode(token, requireString(body, 'codigo'));
    const saldo = body['saldo'];
    if (typeof saldo !== 'number' || !Number.isFinite(saldo)) throw new BadRequestException('saldo must be a number');
    const depositName = optionalString(body, 'deposito');
    const deposit = depositName ? product.depositos.find((candidate) => candidate.nome === depositName) : product.depositos[0];
    if (!deposit) throw new BadRequestException(`unknown deposit ${depositName ?? ''}`);
    deposit.saldo = saldo;
    this.backoffice.stockChanged(token, product);
    return { id: product.id, codigo: product.codigo, saldo: totalBalance(product) };
  }

  @Post('prices')
  setPrice(@Body() raw: unknown): { id: number; codigo: string; preco: string; precoPromocional: string } {
    const body = requireRecord(raw);
    const token = this.knownToken(body);
    const product = this.productByCode(token, requireString(body, 'codigo'));
    product.preco = decimalText(requireString(body, 'preco'));
    const promotional = optionalString(body, 'precoPromocional');
    if (promotional !== undefined) product.precoPromocional = decimalText(promotional);
    this.backoffice.priceChanged(token, product);
    return { id: product.id, codigo: product.codigo, preco: product.preco, precoPromocional: product.precoPromocional };
  }

  @Post('price-lists')
  addPriceList(@Body() raw: unknown): TinyPriceList {
    const body = requireRecord(raw);
    const token = this.knownToken(body);
    const value = body['acrescimoDesconto'];
    const list: TinyPriceList = { id: this.data.newId(), descricao: requireString(body, 'descricao'), acrescimoDesconto: typeof value === 'number' ? value : 0 };
    this.data.of(token).priceLists.push(list);
    return list;
  }

  /** Changes an order's situation from Tiny's side (a seller's click). */
  @Post('orders/:id/situation')
  changeSituation(@Param('id') id: string, @Body() raw: unknown): TinyOrder {
    const body = requireRecord(raw);
    const token = this.knownToken(body);
    const order = this.order(token, id);
    const situacao = requireString(body, 'situacao');
    if (!(situacao in TINY_SITUATIONS)) throw new BadRequestException(`situacao must be one of ${Object.keys(TINY_SITUATIONS).join(', ')}`);
    this.data.recordOrderChange(token, { orderId: order.id, kind: 'situation', by: 'seller', value: situacao, previous: order.situacao }, this.config.now());
    order.situacao = situacao;
    this.backoffice.situationChanged(token, order);
    return order;
  }

  /** Issues and authorises the NF-e of an order (44-digit key, DANFE link); the order becomes "faturado". */
  @Post('orders/:id/invoice')
  issueInvoice(@Param('id') id: string, @Body() raw: unknown): TinyInvoice {
    const body = requireRecord(raw);
    const token = this.knownToken(body);
    const account = this.accounts.find(token);
    return this.asBadRequest(() => this.backoffice.issueInvoice(token, this.order(token, id), account?.cnpj ?? ''));
  }

  /** The seller cancels an invoice in Tiny (situation 3); a `nota_fiscal` notification follows. */
  @Post('invoices/:id/cancel')
  cancelInvoice(@Param('id') id: string, @Body() raw: unknown): TinyInvoice {
    const token = this.knownToken(requireRecord(raw));
    const invoice = this.data.of(token).invoices.find((candidate) => String(candidate.id) === id);
    if (!invoice) throw new NotFoundException('unknown invoice');
    this.asBadRequest(() => this.backoffice.cancelInvoice(token, invoice));
    return invoice;
  }

  /** Sets the order's shipping method (default `T`) and carrier, and its expedition's, even once grouped; no notification. */
  @Post('orders/:id/carrier')
  setCarrier(@Param('id') id: string, @Body() raw: unknown): TinyOrder {
    const body = requireRecord(raw);
    const token = this.knownToken(body);
    const order = this.order(token, id);
    const formaEnvio = (optionalString(body, 'formaEnvio') ?? 'T').toUpperCase();
    if (!/^[A-Z]$/.test(formaEnvio)) throw new BadRequestException('formaEnvio must be one letter (C, T, …)');
    this.backoffice.setCarrier(token, order, formaEnvio, requireString(body, 'transportadora'));
    return order;
  }

  /** Groups the expeditions of some orders: `formaEnvio` C makes a PLP (Correios), anything else a coleta. */
  @Post('groupings')
  createGrouping(@Body() raw: unknown): TinyGrouping {
    const body = requireRecord(raw);
    const token = this.knownToken(body);
    const ids = body['orderIds'];
    if (!Array.isArray(ids) || ids.length === 0) throw new BadRequestException('orderIds must be a non-empty array');
    const orders = ids.map((orderId) => this.order(token, String(orderId)));
    const formaEnvio = optionalString(body, 'formaEnvio') ?? 'C';
    return this.asBadRequest(() => this.backoffice.createGrouping(token, orders, formaEnvio, optionalString(body, 'transportadora')));
  }

  /** Concluding a grouping assigns tracking codes and sends the `rastreio` notifications. */
  @Post('groupings/:id/conclude')
  concludeGrouping(@Param('id') id: string, @Body() raw: unknown): TinyGrouping {
    const token = this.knownToken(requireRecord(raw));
    const grouping = this.data.of(token).groupings.find((candidate) => String(candidate.id) === id);
    if (!grouping) throw new NotFoundException('unknown grouping');
    this.asBadRequest(() => this.backoffice.concludeGrouping(token, grouping));
    return grouping;
  }

  /** What Tiny holds for one account, for assertions and demos. */
  @Get('state')
  state(@Query('token') token: string | undefined): Record<string, unknown> {
    if (!token || !this.accounts.find(token)) throw new BadRequestException('unknown token');
    const { pendingStockUpdates, ...rest } = this.data.of(token);
    return { ...rest, pendingStockUpdates: Object.fromEntries(pendingStockUpdates) };
  }

  private knownToken(body: Record<string, unknown>): string {
    const token = requireString(body, 'token');
    if (!this.accounts.find(token)) throw new BadRequestException('unknown token');
    return token;
  }

  private productByCode(token: string, codigo: string): TinyProduct {
    const product = this.data.of(token).products.find((candidate) => candidate.codigo === codigo);
    if (!product) throw new NotFoundException(`unknown product ${codigo}`);
    return product;
  }

  private order(token: string, id: string): TinyOrder {
    const order = this.data.of(token).orders.find((candidate) => String(candidate.id) === id || String(candidate.numero) === id);
    if (!order) throw new NotFoundException(`unknown order ${id}`);
    return order;
  }

  private asBadRequest<T>(action: () => T): T {
    try {
      return action();
    } catch (error: unknown) {
      if (error instanceof TinyBusinessError) throw new BadRequestException(error.messages.join('; '));
      throw error;
    }
  }
}

function decimalText(value: string): string {
  if (!/^\d+(\.\d+)?$/.test(value.trim())) throw new BadRequestException('prices are decimals with a dot');
  return Number(value).toFixed(2);
}

import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Post, Query } from '@nestjs/common';
import { isRecord } from '../common/request-params';
import { seeded } from '../common/seeded-random';
import { SANDBOX_CONFIG, type SandboxConfig } from '../sandbox.config';
import { TinyAccountStore } from '../tiny/tiny-account.store';
import { TinyBackofficeService } from '../tiny/tiny-backoffice.service';
import { TinyDataStore, newTinyProduct, totalBalance, type TinyProduct } from '../tiny/tiny-data.store';
import { TINY_WEBHOOK_KINDS, isAccountWebhookKind, isTinyWebhookKind, type TinyWebhookKind } from '../tiny/webhooks/tiny-webhook.payloads';
import { TinyWebhookSender, type TinyWebhookNotificationView } from '../tiny/webhooks/tiny-webhook.sender';
import {
  TinyWebhookStore,
  type TinyProductMappingRecord,
  type TinyWebhookAttempt,
  type TinyWebhookFaults,
  type TinyWebhookRegistration,
  type TinyWebhookSettings,
} from '../tiny/webhooks/tiny-webhook.store';
import { optionalPositiveInt, optionalString, requireRecord, requireString } from './control-input';

export interface TinyWebhookDeliveries {
  /** Notifications not yet delivered nor given up (held, queued, in flight or waiting for a retry). */
  pending: number;
  notifications: TinyWebhookNotificationView[];
  attempts: TinyWebhookAttempt[];
  productMappings: TinyProductMappingRecord[];
}

/** Tiny's outbound notifications: where the hub listens, how deliveries misbehave, what was sent. */
@Controller('control/tiny')
export class TinyWebhookControlController {
  constructor(
    @Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig,
    private readonly accounts: TinyAccountStore,
    private readonly data: TinyDataStore,
    private readonly backoffice: TinyBackofficeService,
    private readonly store: TinyWebhookStore,
    private readonly sender: TinyWebhookSender,
  ) {}

  /** Registers (replaces) the hub's URLs of an account, per kind. In Tiny this is done by hand in its screens. */
  @Post('webhooks')
  register(@Body() raw: unknown): TinyWebhookRegistration {
    const body = requireRecord(raw);
    const token = this.knownToken(body);
    const urls = parseUrls(body['urls']);
    const needsIntegration = Object.keys(urls).some((kind) => isTinyWebhookKind(kind) && !isAccountWebhookKind(kind));
    const idEcommerce = optionalPositiveInt(body, 'idEcommerce');
    if (needsIntegration && idEcommerce === undefined) throw new BadRequestException('idEcommerce (integer) is required for e-commerce webhooks');
    const tipoEstoque = optionalString(body, 'tipoEstoque') ?? 'D';
    if (tipoEstoque !== 'F' && tipoEstoque !== 'D') throw new BadRequestException('tipoEstoque must be F or D');
    const cnpj = (optionalString(body, 'cnpj') ?? this.accounts.find(token)?.cnpj ?? '').replace(/\D/g, '');
    const sendProductsOnChange = optionalBoolean(body, 'sendProductsOnChange');
    if (sendProductsOnChange && !urls.produto) throw new BadRequestException('sendProductsOnChange needs a produto URL');
    const registration = this.store.register({ token, cnpj, idEcommerce: idEcommerce ?? 0, tipoEstoque, urls, sendProductsOnChange });
    if (body['validationPing'] === true) this.sender.ping(registration);
    return registration;
  }

  @Get('webhooks')
  registration(@Query('token') token: string | undefined): TinyWebhookRegistration {
    const registration = this.store.registration(this.queryToken(token));
    if (!registration) throw new NotFoundException('no webhooks registered for this token');
    return registration;
  }

  /** Stops new notifications for the account (those already queued keep their retries). */
  @Delete('webhooks')
  @HttpCode(204)
  unregister(@Query('token') token: string | undefined): void {
    this.store.unregister(this.queryToken(token));
  }

  @Get('webhooks/settings')
  settings(): TinyWebhookSettings {
    return this.store.settings();
  }

  @Post('webhooks/settings')
  @HttpCode(200)
  updateSettings(@Body() raw: unknown): TinyWebhookSettings {
    const body = requireRecord(raw);
    const changes: Partial<TinyWebhookSettings> = {};
    const timeScale = optionalNumber(body, 'timeScale', 0, 1000);
    if (timeScale !== undefined) changes.timeScale = timeScale;
    const concurrency = optionalPositiveInt(body, 'concurrency');
    if (concurrency !== undefined) changes.concurrency = Math.max(1, concurrency);
    const timeoutMs = optionalPositiveInt(body, 'timeoutMs');
    if (timeoutMs !== undefined) changes.timeoutMs = Math.max(1, timeoutMs);
    return this.store.updateSettings(changes);
  }

  @Post('webhooks/faults')
  @HttpCode(200)
  setFaults(@Body() raw: unknown): TinyWebhookFaults {
    const body = requireRecord(raw);
    const token = this.knownToken(body);
    const spec: Partial<TinyWebhookFaults> = {};
    const duplicateRate = optionalNumber(body, 'duplicateRate', 0, 1);
    if (duplicateRate !== undefined) spec.duplicateRate = duplicateRate;
    const reorderWindowMs = optionalPositiveInt(body, 'reorderWindowMs');
    if (reorderWindowMs !== undefined) spec.reorderWindowMs = reorderWindowMs;
    const seed = optionalPositiveInt(body, 'seed');
    if (seed !== undefined) spec.seed = seed;
    spec.dropFirstAttempt = optionalBoolean(body, 'dropFirstAttempt');
    spec.typeDrift = optionalBoolean(body, 'typeDrift');
    return this.store.setFaults(token, spec);
  }

  @Get('webhooks/faults')
  faults(@Query('token') token: string | undefined): TinyWebhookFaults {
    return this.store.faultsOf(this.queryToken(token));
  }

  @Delete('webhooks/faults')
  @HttpCode(204)
  clearFaults(@Query('token') token: string | undefined): void {
    this.store.clearFaults(token);
  }

  /** Every attempt (kind, url, body, status, attempt number, at) and the mappings the hub answered to `produto`. */
  @Get('webhooks/deliveries')
  deliveries(@Query('token') token: string | undefined, @Query('kind') kind: string | undefined): TinyWebhookDeliveries {
    const known = this.queryToken(token);
    const attempts = this.store.attemptsOf(known).filter((attempt) => !kind || attempt.kind === kind);
    return { pending: this.sender.pendingOf(known), notifications: this.sender.notificationsOf(known), attempts, productMappings: this.store.productMappingsOf(known) };
  }

  /** Forgets the recorded attempts and finished notifications (between benchmark rounds). */
  @Delete('webhooks/deliveries')
  @HttpCode(204)
  clearDeliveries(@Query('token') token: string | undefined): void {
    const known = this.queryToken(token);
    this.store.clearAttempts(known);
    this.sender.forgetFinished(known);
  }

  /** "Enviar produto" from Tiny's screen: posts the product and its variations; the answer arrives in the background. */
  @Post('webhooks/send-product')
  @HttpCode(202)
  sendProduct(@Body() raw: unknown): { notificationId: number; idProduto: number; products: number } {
    const body = requireRecord(raw);
    const token = this.knownToken(body);
    const codigo = requireString(body, 'codigo');
    const product = this.data.of(token).products.find((candidate) => candidate.codigo === codigo);
    if (!product) throw new NotFoundException(`unknown product ${codigo}`);
    const sent = this.sender.sendProduct(token, product);
    if (!sent) throw new BadRequestException('no produto webhook registered for this token');
    return sent;
  }

  /**
   * "Enviar produto" for many products at once (every parent and simple product of the account when `codigos`
   * is absent), queued in that order → 202 `{queued, notificationIds}`.
   */
  @Post('webhooks/send-products')
  @HttpCode(202)
  sendProducts(@Body() raw: unknown): { queued: number; notificationIds: number[] } {
    const body = requireRecord(raw);
    const token = this.knownToken(body);
    const codes = body['codigos'];
    if (codes !== undefined && (!Array.isArray(codes) || !codes.every((code) => typeof code === 'string'))) throw new BadRequestException('codigos must be an array of product codes');
    const products = this.data.of(token).products;
    const chosen = codes === undefined
      ? products.filter((product) => product.tipoVariacao !== 'V')
      : (codes as string[]).map((code) => {
          const product = products.find((candidate) => candidate.codigo === code);
          if (!product) throw new NotFoundException(`unknown product ${code}`);
          return product;
        });
    if (!this.store.registration(token)?.urls.produto) throw new BadRequestException('no produto webhook registered for this token');
    const notificationIds = chosen.flatMap((product) => {
      const sent = this.sender.sendProduct(token, product);
      return sent ? [sent.notificationId] : [];
    });
    return { queued: notificationIds.length, notificationIds };
  }

  /**
   * Many stock changes at once, for benchmarks: explicit `changes`, or `count` random changes over `skus`
   * products (missing ones are created as `BURST-0001`…), reproducible from `seed`. Each change sets the
   * balance of the product's first deposit and is reported like any other change (`estoque`, the queue read by
   * `lista.atualizacoes.estoque`).
   */
  @Post('stock/burst')
  @HttpCode(200)
  stockBurst(@Body() raw: unknown): { applied: number; products: number; finalBalances: Record<string, number> } {
    const body = requireRecord(raw);
    const token = this.knownToken(body);
    const changes = body['changes'] !== undefined ? this.explicitChanges(token, body['changes']) : this.randomChanges(token, body);
    const finalBalances: Record<string, number> = {};
    for (const { product, saldo } of changes) {
      product.depositos[0].saldo = saldo;
      this.backoffice.stockChanged(token, product);
      finalBalances[product.codigo] = totalBalance(product);
    }
    return { applied: changes.length, products: Object.keys(finalBalances).length, finalBalances };
  }

  private explicitChanges(token: string, raw: unknown): Array<{ product: TinyProduct; saldo: number }> {
    if (!Array.isArray(raw)) throw new BadRequestException('changes must be an array of {codigo, saldo}');
    const products = this.data.of(token).products;
    return raw.map((entry, index) => {
      if (!isRecord(entry)) throw new BadRequestException(`changes[${index}] must be an object`);
      const codigo = requireString(entry, 'codigo');
      const saldo = entry['saldo'];
      if (typeof saldo !== 'number' || !Number.isFinite(saldo)) throw new BadRequestException(`changes[${index}].saldo must be a number`);
      const product = products.find((candidate) => candidate.codigo === codigo);
      if (!product) throw new NotFoundException(`unknown product ${codigo}`);
      return { product, saldo };
    });
  }

  private randomChanges(token: string, body: Record<string, unknown>): Array<{ product: TinyProduct; saldo: number }> {
    const count = optionalPositiveInt(body, 'count');
    const skus = optionalPositiveInt(body, 'skus');
    if (count === undefined || skus === undefined || skus === 0) throw new BadRequestException('send changes[] or count and skus (> 0)');
    const maxSaldo = optionalPositiveInt(body, 'maxSaldo') ?? 100;
    const random = seeded(optionalPositiveInt(body, 'seed') ?? 1);
    const products = this.data.of(token).products;
    const pool = products.filter((product) => product.tipoVariacao !== 'P').slice(0, skus);
    for (let index = pool.length; index < skus; index += 1) {
      const codigo = `BURST-${String(index + 1).padStart(4, '0')}`;
      const product = products.find((candidate) => candidate.codigo === codigo) ?? newTinyProduct(this.data.newId(), { codigo, nome: `Produto ${codigo}` }, this.config.now());
      if (!products.includes(product)) products.push(product);
      pool.push(product);
    }
    return Array.from({ length: count }, () => ({ product: pool[Math.floor(random() * pool.length)], saldo: Math.floor(random() * (maxSaldo + 1)) }));
  }

  private knownToken(body: Record<string, unknown>): string {
    const token = requireString(body, 'token');
    if (!this.accounts.find(token)) throw new BadRequestException('unknown token');
    return token;
  }

  private queryToken(token: string | undefined): string {
    if (!token || !this.accounts.find(token)) throw new BadRequestException('unknown token');
    return token;
  }
}

function parseUrls(raw: unknown): Partial<Record<TinyWebhookKind, string>> {
  if (!isRecord(raw)) throw new BadRequestException('urls must be an object {kind: url}');
  const urls: Partial<Record<TinyWebhookKind, string>> = {};
  for (const [kind, value] of Object.entries(raw)) {
    if (!isTinyWebhookKind(kind)) throw new BadRequestException(`unknown webhook kind ${kind}`);
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string' || !isHttpUrl(value)) throw new BadRequestException(`urls.${kind} must be an http(s) URL`);
    urls[kind] = value;
  }
  if (Object.keys(urls).length === 0) throw new BadRequestException(`urls must hold at least one of ${TINY_WEBHOOK_KINDS.join(', ')}`);
  return urls;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function optionalNumber(body: Record<string, unknown>, field: string, min: number, max: number): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) throw new BadRequestException(`${field} must be a number in [${min}, ${max}]`);
  return value;
}

function optionalBoolean(body: Record<string, unknown>, field: string): boolean {
  const value = body[field];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new BadRequestException(`${field} must be a boolean`);
  return value;
}

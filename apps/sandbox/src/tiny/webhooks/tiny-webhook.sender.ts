import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { isRecord } from '../../common/request-params';
import { SANDBOX_CONFIG, type SandboxConfig } from '../../sandbox.config';
import { TinyBackofficeService, type TinyBackofficeEvent } from '../tiny-backoffice.service';
import { TinyDataStore, type TinyProduct } from '../tiny-data.store';
import { TinyAccountStore } from '../tiny-account.store';
import { DEFAULT_TINY_WIRE_SHAPES, type TinyWireShapes } from '../tiny-wire-shapes';
import {
  accountOrderDados,
  accountStockDados,
  invoiceDados,
  isAccountWebhookKind,
  priceDados,
  productDados,
  situationDados,
  stockDados,
  tinyWebhookEnvelope,
  trackingDados,
  withTypeDrift,
  type MappingLookup,
  type TinyProductMapping,
  type TinyWebhookKind,
  type WebhookDados,
} from './tiny-webhook.payloads';
import { TinyWebhookStore, type TinyWebhookAttempt, type TinyWebhookRegistration } from './tiny-webhook.store';

/** account: sales webhooks (§7.1); ecommerce: integration webhooks (§7.2); produto: the synchronous product send. */
export type TinyWebhookFamily = 'account' | 'ecommerce' | 'produto' | 'ping';

const MINUTE = 60_000;

/**
 * Delay (unscaled ms) before the attempt that follows failed attempt number `failedAttempt`, or undefined when
 * Tiny gives up.
 * - account webhooks (official): resent up to 10 times, the delay growing by 5 min per attempt (5, 10, … 50 min);
 * - e-commerce webhooks: up to 15 attempts "with backoff" (two integrator notes). ASSUMPTION (docs/contracts.md#tiny-webhook-delivery): doubling from
 *   1 min, capped at 60 min;
 * - `produto`: at most 2 attempts (one note). ASSUMPTION (docs/contracts.md#tiny-webhook-delivery): 1 min apart;
 * - the empty-body validation ping is never resent (ASSUMPTION (docs/contracts.md#tiny-webhook-delivery)).
 */
export function tinyWebhookRetryDelayMs(family: TinyWebhookFamily, failedAttempt: number): number | undefined {
  switch (family) {
    case 'account':
      return failedAttempt <= 10 ? 5 * MINUTE * failedAttempt : undefined;
    case 'ecommerce':
      return failedAttempt < 15 ? Math.min(2 ** (failedAttempt - 1), 60) * MINUTE : undefined;
    case 'produto':
      return failedAttempt < 2 ? MINUTE : undefined;
    case 'ping':
      return undefined;
  }
}

type NotificationState = 'held' | 'queued' | 'sending' | 'retrying' | 'delivered' | 'failed';

interface Notification {
  id: number;
  epoch: number;
  token: string;
  kind: TinyWebhookKind | 'ping';
  family: TinyWebhookFamily;
  url: string;
  /** Exactly what is posted (a snapshot taken when the change happened). */
  text: string;
  body: unknown;
  duplicate: boolean;
  attempts: number;
  state: NotificationState;
  /** For `produto`: the Tiny ids sent, in order (product, then variations), to read the flat-array answer. */
  productIds?: number[];
  codigo?: string;
}

export interface TinyWebhookNotificationView {
  id: number;
  kind: TinyWebhookKind | 'ping';
  url: string;
  duplicate: boolean;
  attempts: number;
  state: NotificationState;
}

/**
 * Tiny's outbound notifications. Listens to the back-office events (stock, price, invoice, tracking,
 * situation), builds the documented envelope at the moment of the change, and delivers it in the background
 * to the URL the account registered, retrying on anything but HTTP 200 on Tiny's schedules (compressed by
 * `timeScale`). Per-account fault injection duplicates, reorders or drops deliveries.
 */
@Injectable()
export class TinyWebhookSender implements OnModuleDestroy {
  private epoch = 0;
  private nextId = 1;
  private readonly notifications = new Map<number, Notification>();
  private readonly queues = new Map<string, Notification[]>();
  private readonly inFlight = new Map<string, number>();
  private readonly held = new Map<string, Notification[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly aborts = new Set<AbortController>();

  constructor(
    @Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig,
    private readonly store: TinyWebhookStore,
    private readonly data: TinyDataStore,
    private readonly accounts: TinyAccountStore,
    backoffice: TinyBackofficeService,
  ) {
    backoffice.onEvent((event) => this.onEvent(event));
  }

  /** Sends a product with its variations (`produto`); the hub must answer 200 with the flat mapping array. */
  sendProduct(token: string, product: TinyProduct): { notificationId: number; idProduto: number; products: number } | undefined {
    const products = this.data.of(token).products;
    const parent = product.idProdutoPai ? (products.find((candidate) => candidate.id === product.idProdutoPai) ?? product) : product;
    const variations = products.filter((candidate) => candidate.idProdutoPai === parent.id);
    const [first] = this.notify(token, 'produto', () => productDados(parent, variations, this.mappingLookup(token), this.shapesOf(token).productVariations === 'wrapped'), {
      productIds: [parent.id, ...variations.map((variation) => variation.id)],
      codigo: parent.codigo,
    });
    return first ? { notificationId: first.id, idProduto: parent.id, products: 1 + variations.length } : undefined;
  }

  /** The empty-body "validation ping" integrators saw when a URL is saved (account webhooks). */
  ping(registration: TinyWebhookRegistration): void {
    for (const kind of ['inclusao_pedido', 'atualizacao_pedido'] as const) {
      const url = registration.urls[kind];
      if (url) this.admit(this.create(registration.token, 'ping', 'ping', url, '', null, false));
    }
  }

  /** Every notification of an account with its delivery state. */
  notificationsOf(token: string): TinyWebhookNotificationView[] {
    return [...this.notifications.values()]
      .filter((notification) => notification.token === token)
      .map(({ id, kind, url, duplicate, attempts, state }) => ({ id, kind, url, duplicate, attempts, state }));
  }

  pendingOf(token: string): number {
    return this.notificationsOf(token).filter((notification) => notification.state !== 'delivered' && notification.state !== 'failed').length;
  }

  /** Drops the account's bookkeeping of finished notifications (pending ones keep going). */
  forgetFinished(token: string): void {
    for (const [id, notification] of this.notifications) {
      if (notification.token === token && (notification.state === 'delivered' || notification.state === 'failed')) this.notifications.delete(id);
    }
  }

  /** Cancels everything in flight or scheduled; late answers of the previous epoch are ignored. */
  reset(): void {
    this.epoch += 1;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.aborts) controller.abort();
    this.aborts.clear();
    this.notifications.clear();
    this.queues.clear();
    this.inFlight.clear();
    this.held.clear();
  }

  onModuleDestroy(): void {
    this.reset();
  }

  /**
   * ASSUMPTION (docs/contracts.md#tiny-webhook-delivery): every order of the account is reported to the integration (the sandbox does not tell
   * integrations apart); the hub's own writes are reported back too; a tracking-only change sends `rastreio`
   * but no `atualizacao_pedido`.
   */
  private onEvent(event: TinyBackofficeEvent): void {
    const { token } = event;
    switch (event.type) {
      case 'stock':
        this.notify(token, 'estoque', (registration) =>
          this.shapesOf(token).stockNotification === 'account'
            ? accountStockDados(event.product)
            : stockDados(event.product, this.parentOf(token, event.product), registration.tipoEstoque, this.mappingLookup(token)),
        );
        return;
      case 'price':
        this.notify(token, 'precos', () => priceDados(event.product, this.parentOf(token, event.product), this.mappingLookup(token)));
        return;
      case 'product':
        if (this.store.registration(token)?.sendProductsOnChange) this.sendProduct(token, event.product);
        return;
      case 'invoice':
        this.notify(token, 'nota_fiscal', () => invoiceDados(event.invoice, event.order, this.shapesOf(token).invoiceNotification === 'legacy-1.0.0'));
        return;
      case 'tracking':
        this.notify(token, 'rastreio', () => trackingDados(event.order, event.expedition));
        return;
      case 'situation':
        if (event.created) {
          this.notify(token, 'inclusao_pedido', () => accountOrderDados(event.order));
          return;
        }
        this.notify(token, 'situacao_pedido', () => situationDados(event.order, this.shapesOf(token).situationNotification === 'description'));
        this.notify(token, 'atualizacao_pedido', () => accountOrderDados(event.order));
        return;
    }
  }

  private shapesOf(token: string): TinyWireShapes {
    return this.accounts.find(token)?.shapes ?? DEFAULT_TINY_WIRE_SHAPES;
  }

  private notify(
    token: string,
    kind: TinyWebhookKind,
    dados: (registration: TinyWebhookRegistration) => WebhookDados,
    extra: Pick<Notification, 'productIds' | 'codigo'> = {},
  ): Notification[] {
    const registration = this.store.registration(token);
    const url = registration?.urls[kind];
    if (!registration || !url) return [];
    const faults = this.store.faultsOf(token);
    const content = faults.typeDrift ? withTypeDrift(dados(registration)) : dados(registration);
    const body = tinyWebhookEnvelope(kind, registration.cnpj, registration.idEcommerce, content, this.shapesOf(token));
    const text = JSON.stringify(body);
    const family: TinyWebhookFamily = kind === 'produto' ? 'produto' : isAccountWebhookKind(kind) ? 'account' : 'ecommerce';
    const created = [this.create(token, kind, family, url, text, body, false, extra)];
    if (this.store.chance(token, faults.duplicateRate)) created.push(this.create(token, kind, family, url, text, body, true, extra));
    for (const notification of created) this.admit(notification);
    return created;
  }

  private create(
    token: string,
    kind: Notification['kind'],
    family: TinyWebhookFamily,
    url: string,
    text: string,
    body: unknown,
    duplicate: boolean,
    extra: Pick<Notification, 'productIds' | 'codigo'> = {},
  ): Notification {
    const notification: Notification = { id: this.nextId++, epoch: this.epoch, token, kind, family, url, text, body, duplicate, attempts: 0, state: 'queued', ...extra };
    this.notifications.set(notification.id, notification);
    return notification;
  }

  /** First attempts pass through the reorder window when the account has one. */
  private admit(notification: Notification): void {
    const window = this.store.faultsOf(notification.token).reorderWindowMs;
    if (window <= 0) {
      this.enqueue(notification);
      return;
    }
    notification.state = 'held';
    const buffer = this.held.get(notification.token) ?? [];
    buffer.push(notification);
    if (buffer.length > 1) return;
    this.held.set(notification.token, buffer);
    this.later(window, () => {
      this.held.delete(notification.token);
      // Held notifications go out newest first: each one arrives after the ones that followed it.
      for (const heldNotification of buffer.reverse()) this.enqueue(heldNotification);
    });
  }

  private enqueue(notification: Notification): void {
    if (notification.epoch !== this.epoch) return;
    notification.state = 'queued';
    const queue = this.queues.get(notification.token) ?? [];
    queue.push(notification);
    this.queues.set(notification.token, queue);
    this.pump(notification.token);
  }

  private pump(token: string): void {
    const queue = this.queues.get(token);
    const limit = Math.max(1, this.store.settings().concurrency);
    while (queue && queue.length > 0 && (this.inFlight.get(token) ?? 0) < limit) {
      const next = queue.shift();
      if (next) void this.attempt(next);
    }
  }

  private async attempt(notification: Notification): Promise<void> {
    notification.attempts += 1;
    notification.state = 'sending';
    const { token } = notification;
    const startedAt = this.config.now();
    const record: TinyWebhookAttempt = {
      notificationId: notification.id,
      kind: notification.kind,
      url: notification.url,
      body: notification.body,
      status: null,
      attempt: notification.attempts,
      at: new Date(startedAt).toISOString(),
      durationMs: 0,
      duplicate: notification.duplicate,
    };
    if (notification.attempts === 1 && notification.family !== 'ping' && this.store.faultsOf(token).dropFirstAttempt) {
      record.error = 'dropped by fault injection (never sent)';
      this.finish(notification, record, false);
      return;
    }
    this.inFlight.set(token, (this.inFlight.get(token) ?? 0) + 1);
    const controller = new AbortController();
    this.aborts.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.store.settings().timeoutMs);
    let ok = false;
    try {
      const response = await fetch(notification.url, {
        method: 'POST',
        headers: notification.text === '' ? {} : { 'content-type': 'application/json' },
        body: notification.text,
        signal: controller.signal,
      });
      const answer = await response.text();
      record.status = response.status;
      ok = response.status === 200;
      if (!ok) record.error = `HTTP ${response.status}`;
      if (notification.kind === 'produto') ok = this.readProductReply(notification, record, answer) && ok;
    } catch (error: unknown) {
      record.error = controller.signal.aborted ? 'no answer (timeout or sandbox reset)' : `request failed: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      clearTimeout(timeout);
      this.aborts.delete(controller);
    }
    if (notification.epoch !== this.epoch) return;
    record.durationMs = this.config.now() - startedAt;
    this.inFlight.set(token, Math.max(0, (this.inFlight.get(token) ?? 1) - 1));
    this.finish(notification, record, ok);
    this.pump(token);
  }

  private finish(notification: Notification, record: TinyWebhookAttempt, ok: boolean): void {
    if (ok) {
      notification.state = 'delivered';
    } else {
      const delay = tinyWebhookRetryDelayMs(notification.family, notification.attempts);
      if (delay === undefined) {
        notification.state = 'failed';
      } else {
        const scaled = Math.round(delay * this.store.settings().timeScale);
        record.nextAttemptInMs = scaled;
        notification.state = 'retrying';
        this.later(scaled, () => this.enqueue(notification));
      }
    }
    this.store.recordAttempt(notification.token, record);
  }

  /** The hub must answer `produto` with `[{idMapeamento, skuMapeamento, urlProduto?, urlImagem?, error?}]`. */
  private readProductReply(notification: Notification, record: TinyWebhookAttempt, answer: string): boolean {
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer);
    } catch {
      record.reply = answer;
      record.error ??= 'the answer is not JSON (a flat array of mappings is required)';
      return false;
    }
    record.reply = parsed;
    const mappings = Array.isArray(parsed) ? parsed.map(mappingOf) : undefined;
    if (!mappings || mappings.some((mapping) => mapping === undefined)) {
      record.error ??= 'the answer must be a flat array [{idMapeamento, skuMapeamento, …}]';
      return false;
    }
    if (record.status !== 200) return false;
    const valid = mappings.filter((mapping): mapping is TinyProductMapping => mapping !== undefined);
    this.store.recordProductMappings(
      notification.token,
      { notificationId: notification.id, idProduto: notification.productIds?.[0] ?? 0, codigo: notification.codigo ?? '', at: record.at, mappings: valid },
      notification.productIds ?? [],
    );
    return true;
  }

  private later(delayMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, delayMs);
    this.timers.add(timer);
  }

  private parentOf(token: string, product: TinyProduct): TinyProduct | undefined {
    if (!product.idProdutoPai) return undefined;
    return this.data.of(token).products.find((candidate) => candidate.id === product.idProdutoPai);
  }

  private mappingLookup(token: string): MappingLookup {
    return (productId) => this.store.mappingOf(token, productId);
  }
}

function mappingOf(item: unknown): TinyProductMapping | undefined {
  if (!isRecord(item)) return undefined;
  const id = item['idMapeamento'];
  const sku = item['skuMapeamento'];
  const error = typeof item['error'] === 'string' ? item['error'] : undefined;
  if ((typeof id !== 'string' && typeof id !== 'number') || (typeof sku !== 'string' && typeof sku !== 'number')) {
    // An item that only reports an error is still a valid answer for that product.
    return error ? { idMapeamento: '', skuMapeamento: '', error } : undefined;
  }
  const mapping: TinyProductMapping = { idMapeamento: String(id), skuMapeamento: String(sku) };
  if (typeof item['urlProduto'] === 'string') mapping.urlProduto = item['urlProduto'];
  if (typeof item['urlImagem'] === 'string') mapping.urlImagem = item['urlImagem'];
  if (error) mapping.error = error;
  return mapping;
}

import { Injectable, Logger } from '@nestjs/common';
import { OrderEvents, type OrderImportedV1, type OrderParkedV1 } from '@hub/contracts';
import { mapIderisOrderDetail } from '@hub/ideris';
import { OUTBOX_NOTIFY, Outbox } from '@hub/messaging';
import { counter, histogram } from '@hub/platform';
import { TinyApiError, TinyFulfilmentApi, type TinyClient } from '@hub/tiny';
import { BusyError, PermanentError, type FailureVerdict } from '@hub/work';
import { ConnectionClients, type ConnectionClientSet } from '@hub/integrations';
import { decideImport } from '../marketplaces/domain/marketplace-selection';
import { MarketplaceAccountRepository } from '../marketplaces/marketplace-account.repository';
import { SkuMappingService } from '../sku-mapping/sku-mapping.service';
import { mapIderisOrderToTiny } from './domain/order.mapper';
import { ORDER_IMPORT_FAILURES } from './order-import.failures';
import { OrderSyncRepository, type OrderSyncRow } from './order-sync.repository';

const outcomes = counter('hub_orders_import_total', 'Order import outcomes', ['outcome']);
const latency = histogram('hub_orders_discovered_to_created_seconds', 'From discovery to created in Tiny', [], [0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300]);

const CANCELLED = /cancel/i;
/** States an import job has nothing left to do in. */
const SETTLED = `state IN ('imported', 'cancelled_before_import', 'skipped')`;
/**
 * Taking the claim starts the attempt in the same statement (the worker status `running`, the attempt counted),
 * unless the order is settled already: one round trip instead of a claim, a read and an update.
 */
const START_ATTEMPT = {
  set: `work_status = CASE WHEN ${SETTLED} THEN work_status ELSE 'running' END,
        attempts = CASE WHEN ${SETTLED} THEN attempts ELSE attempts + 1 END,
        updated_at = CASE WHEN ${SETTLED} THEN updated_at ELSE now() END`,
};

/**
 * Imports one Ideris order into Tiny, exactly once: the attempt is journaled (committed) before
 * `pedido.incluir`; an attempt whose outcome is unknown (timeout, crash) is followed by a search by the
 * marketplace order number before any new create, and Tiny's "duplicate" means find and bind.
 */
@Injectable()
export class OrderImportService {
  private readonly logger = new Logger(OrderImportService.name);

  constructor(
    private readonly orders: OrderSyncRepository,
    private readonly clients: ConnectionClients,
    private readonly skuMappings: SkuMappingService,
    private readonly outbox: Outbox,
    private readonly marketplaces: MarketplaceAccountRepository,
  ) {}

  async import(connectionId: string, iderisOrderId: number, trigger: string): Promise<OrderSyncRow['state']> {
    const row = await this.orders.find(connectionId, iderisOrderId);
    if (!row) throw new PermanentError(`order ${iderisOrderId} of connection ${connectionId} was never discovered`, 'unknown-order');
    if (row.state === 'imported' || row.state === 'cancelled_before_import' || row.state === 'skipped') {
      await this.orders.history(this.orders.manager, row.id, 'job-ignored', { trigger, state: row.state });
      return row.state;
    }
    // Two deliveries of one order (a redelivery, an operator's reprocess), even in one process, never import it side by side.
    const imported = await this.orders.claims.hold(row.id, async ({ row: fresh }) => {
      if (fresh.state === 'imported' || fresh.state === 'cancelled_before_import' || fresh.state === 'skipped') return fresh.state;
      return this.importClaimed(fresh, trigger);
    }, START_ATTEMPT);
    // Not acknowledged: if the holder died, this very delivery may be its job come back; it waits until the claim
    // lapses (or finds the order imported).
    if (!imported.held) throw new BusyError(`order ${iderisOrderId} is being imported by another worker`);
    return imported.value;
  }

  /**
   * A failed attempt of the job, as the consumer runner will treat it: `retry`/`wait` leave the order queued for the
   * next delivery; only a job the runner parks gives up. A delivery that found the order claimed leaves it alone.
   */
  async recordFailedAttempt(connectionId: string, iderisOrderId: number, attempt: number, verdict: FailureVerdict): Promise<void> {
    if (verdict.kind === 'busy') return;
    const row = await this.orders.find(connectionId, iderisOrderId);
    if (!row || row.state === 'imported') return;
    const gaveUp = verdict.action === 'park' || verdict.action === 'refuse';
    // The worker's status, apart from the business outcome: "gave up after retries" is not "Tiny refused it".
    await this.orders.transaction(async (m) => {
      await this.orders.update(m, row.id, { work_status: gaveUp ? 'gave_up' : 'queued', reason: verdict.reason });
      await this.orders.history(m, row.id, gaveUp ? 'gave-up' : 'attempt-failed', { attempt, error: verdict.reason, kind: verdict.kind, ...(gaveUp ? {} : { retryInMs: verdict.delayMs }) });
    });
  }

  /** `row` as the claim left it: `running`, this attempt counted in `attempts`. */
  private async importClaimed(row: OrderSyncRow, trigger: string): Promise<OrderSyncRow['state']> {
    const connectionId = row.connection_id;
    const iderisOrderId = Number(row.ideris_order_id);
    const clients = await this.clients.forActive(connectionId);

    // Retries reuse the order as first read (one Ideris call per order); an operator's reprocess reads it afresh.
    const raw = row.ideris_detail && trigger !== 'operator' ? row.ideris_detail : (await clients.ideris.getOrder(iderisOrderId)).raw;
    if (raw !== row.ideris_detail) await this.orders.update(this.orders.manager, row.id, { ideris_detail: JSON.stringify(raw) as unknown as Record<string, unknown> });
    const detail = mapIderisOrderDetail(raw);
    if (!detail) throw new PermanentError(`Ideris order ${iderisOrderId} has an unreadable shape`, 'invalid-order');
    if (CANCELLED.test(detail.statusDescription ?? '')) return this.finish(row, 'cancelled_before_import', 'cancelled in the marketplace before import');

    // The account may have been turned off since the order was queued; an account not recorded yet was let through by the poller.
    const accountId = detail.authenticationId ?? (row.ideris_account_id !== null ? Number(row.ideris_account_id) : undefined);
    const account = accountId !== undefined ? (await this.marketplaces.byId(connectionId)).get(accountId) : undefined;
    const decision = account
      ? decideImport(account, clients.connection.settings.newMarketplaceAccounts ?? 'skip', clients.connection.tinyIntegrationId, `${account.name ?? accountId} (${account.marketplace ?? 'marketplace'})`)
      : { import: true as const, tinyIntegrationId: clients.connection.tinyIntegrationId };
    if (!decision.import) return this.skip(row, decision.reasonCode, decision.reason);

    const resolveProductCode = await this.skuMappings.resolver(connectionId);
    const mapped = mapIderisOrderToTiny(detail, {
      tinyIntegrationId: decision.tinyIntegrationId,
      ecommerceName: 'Ideris',
      statusMap: clients.connection.settings.statusMap ?? {},
      resolveProductCode,
      allowFreeTextItems: clients.connection.settings.allowFreeTextItems ?? false,
    });
    if (!mapped.ok) {
      return mapped.reason === 'needs-mapping'
        ? this.park(row, 'needs_mapping', `no Tiny product for ${mapped.unknownSkus.join(', ')}`, mapped.unknownSkus)
        : this.park(row, 'invalid', mapped.problems.join('; '), []);
    }

    const code = detail.code ?? mapped.draft.ecommerceOrderNumber;
    if (row.create_sent_at) {
      // A previous create's outcome is unknown: Tiny may hold the order already.
      const existing = code ? await this.findInTiny(clients.tiny, code) : undefined;
      if (existing) return this.bind(row, clients, existing, mapped.skus, mapped.customerDocument, 'found-after-unknown-outcome');
    }
    await this.orders.update(this.orders.manager, row.id, { create_sent_at: new Date(), create_sends: row.create_sends + 1 });
    try {
      const created = await clients.tiny.createOrder(mapped.draft);
      return this.bind(row, clients, created, mapped.skus, mapped.customerDocument, 'created', { tinyIntegrationId: mapped.draft.ecommerceId ?? null });
    } catch (error) {
      if (error instanceof TinyApiError && error.kind === 'duplicate' && code) {
        const existing = await this.findInTiny(clients.tiny, code);
        if (existing) return this.bind(row, clients, existing, mapped.skus, mapped.customerDocument, 'found-after-duplicate');
      }
      if (ORDER_IMPORT_FAILURES.refusal(error)) {
        // Nothing was created: the journal is cleared so a reprocess after a fix creates it.
        await this.orders.update(this.orders.manager, row.id, { create_sent_at: null });
        return this.park(row, 'refused', `Tiny refused the order: ${(error as Error).message}`, []);
      }
      throw error;
    }
  }

  /** `pedido.lancar.estoque`, at most once per order. */
  async postStock(connectionId: string, iderisOrderId: number): Promise<{ posted: boolean; reason?: string }> {
    const row = await this.orders.find(connectionId, iderisOrderId);
    if (!row) return { posted: false, reason: 'unknown order' };
    if (!row.tiny_order_id) return { posted: false, reason: `the order is ${row.state}, not imported` };
    if (row.stock_posted_at) return { posted: true, reason: 'already posted' };
    const clients = await this.clients.forActive(connectionId);
    try {
      await new TinyFulfilmentApi(clients.tiny).postOrderStock(row.tiny_order_id);
    } catch (error) {
      // Posting twice is refused by Tiny: the stock is posted, which is what was asked.
      if (!(error instanceof TinyApiError && error.kind === 'validation' && /lan[cç]ad/i.test(error.message))) throw error;
    }
    await this.orders.transaction(async (m) => {
      await this.orders.update(m, row.id, { stock_posted_at: new Date() });
      await this.orders.history(m, row.id, 'stock-posted', {});
    });
    return { posted: true };
  }

  private async findInTiny(tiny: TinyClient, code: string): Promise<{ id: string; number: string } | undefined> {
    const page = await tiny.searchOrders({ ecommerceOrderNumber: code });
    const match = page.orders.find((o) => o.ecommerceOrderNumber === code);
    return match ? { id: match.id, number: match.number } : undefined;
  }

  private async bind(
    row: OrderSyncRow, clients: ConnectionClientSet, tinyOrder: { id: string; number: string }, skus: string[], customerDocument: string | null, how: string, detail: object = {},
  ): Promise<'imported'> {
    const event: OrderImportedV1 = {
      connectionId: row.connection_id, iderisOrderId: Number(row.ideris_order_id), tinyOrderId: tinyOrder.id, tinyOrderNumber: tinyOrder.number,
      marketplace: row.marketplace ?? undefined, marketplaceOrderCode: row.marketplace_order_code ?? undefined, skus,
    };
    const outboxRow = this.outbox.row({ subject: OrderEvents.imported.subject, payload: event, messageId: `imported:${row.connection_id}:${row.ideris_order_id}` });
    // The final write is one statement (ADR 0028): the order bound, its customer counted, its history and the event's
    // outbox row, atomic as one statement (all or nothing) in one round trip instead of a six-round-trip transaction.
    await this.orders.manager.query(
      `WITH bound AS (
         UPDATE order_sync SET state = 'imported', work_status = 'done', reason = NULL, unknown_skus = '{}', skus = $2::text[],
                tiny_order_id = $3, tiny_order_number = $4, customer_document = $5::text, imported_at = now(), updated_at = now()
          WHERE id = $1),
       customer_counted AS (
         INSERT INTO customer (connection_id, document, orders, last_order_at)
         SELECT $6, $5::text, 1, now() WHERE $5::text IS NOT NULL
         ON CONFLICT (connection_id, document) DO UPDATE SET orders = customer.orders + 1, last_order_at = now()),
       history AS (INSERT INTO order_history (order_sync_id, kind, detail) VALUES ($1, $7, $8)),
       event AS (INSERT INTO outbox_message (id, subject, payload, headers) VALUES ($9, $10, $11, $12))
       SELECT ${OUTBOX_NOTIFY}`,
      [
        row.id, skus, tinyOrder.id, tinyOrder.number, customerDocument, row.connection_id,
        how, JSON.stringify({ tinyOrderId: tinyOrder.id, tinyOrderNumber: tinyOrder.number, ...detail }),
        ...outboxRow.params,
      ],
    );
    outcomes.inc({ outcome: how });
    latency.observe((Date.now() - new Date(row.discovered_at).getTime()) / 1000);
    this.logger.log({ msg: 'order imported', iderisOrderId: row.ideris_order_id, tinyOrderId: tinyOrder.id, how });
    if (clients.connection.settings.autoPostStock) {
      await this.postStock(row.connection_id, Number(row.ideris_order_id)).catch((error: Error) =>
        this.logger.warn({ msg: 'automatic stock posting failed; retry with the admin action', iderisOrderId: row.ideris_order_id, err: error.message }),
      );
    }
    return 'imported';
  }

  private async park(row: OrderSyncRow, state: 'needs_mapping' | 'invalid' | 'refused', reason: string, unknownSkus: string[]): Promise<typeof state> {
    await this.orders.transaction(async (m) => {
      await this.orders.update(m, row.id, { state, work_status: 'done', reason, unknown_skus: unknownSkus });
      await this.orders.history(m, row.id, 'parked', { state, reason, unknownSkus });
      const event: OrderParkedV1 = { connectionId: row.connection_id, iderisOrderId: Number(row.ideris_order_id), reason: `${state}: ${reason}`, unknownSkus };
      await this.outbox.add(m, { subject: OrderEvents.parked.subject, payload: event, messageId: `parked:${row.connection_id}:${row.ideris_order_id}:${row.attempts}` });
    });
    outcomes.inc({ outcome: state });
    return state;
  }

  private async skip(row: OrderSyncRow, reasonCode: string, reason: string): Promise<'skipped'> {
    await this.orders.transaction(async (m) => {
      await this.orders.update(m, row.id, { state: 'skipped', work_status: 'done', reason, reason_code: reasonCode });
      await this.orders.history(m, row.id, 'skipped', { reasonCode, reason });
    });
    outcomes.inc({ outcome: 'skipped' });
    return 'skipped';
  }

  private async finish(row: OrderSyncRow, state: 'cancelled_before_import', reason: string): Promise<typeof state> {
    await this.orders.transaction(async (m) => {
      await this.orders.update(m, row.id, { state, work_status: 'done', reason });
      await this.orders.history(m, row.id, state, { reason });
    });
    outcomes.inc({ outcome: state });
    return state;
  }
}


import { Injectable, Logger } from '@nestjs/common';
import { OrderEvents, type OrderImportedV1, type OrderParkedV1 } from '@hub/contracts';
import { mapIderisOrderDetail } from '@hub/ideris';
import { OUTBOX_NOTIFY, Outbox } from '@hub/messaging';
import { counter, histogram, keepAlive } from '@hub/platform';
import { TinyApiError, TinyFulfilmentApi, type TinyClient } from '@hub/tiny';
import { BusyError, PermanentError, type FailureVerdict } from '@hub/work';
import { ConnectionClients, type ConnectionClientSet } from '@hub/integrations';
import { decideImport } from '../marketplaces/domain/marketplace-selection';
import { toView } from '../marketplaces/marketplace-account.repository';
import { resolverOf } from '../sku-mapping/sku-mapping.service';
import { mapIderisOrderToTiny } from './domain/order.mapper';
import { ORDER_IMPORT_FAILURES } from './order-import.failures';
import { CLAIM_MS, OrderSyncRepository, releasingImportClaim, type ImportClaim, type OrderSyncRow } from './order-sync.repository';

const outcomes = counter('hub_orders_import_total', 'Order import outcomes', ['outcome']);
const latency = histogram('hub_orders_discovered_to_created_seconds', 'From discovery to created in Tiny', [], [0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300]);

const CANCELLED = /cancel/i;
const isSettled = (state: OrderSyncRow['state']): boolean => state === 'imported' || state === 'cancelled_before_import' || state === 'skipped';

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
    private readonly outbox: Outbox,
  ) {}

  async import(connectionId: string, iderisOrderId: number, trigger: string): Promise<OrderSyncRow['state']> {
    // Two deliveries of one order (a redelivery, an operator's reprocess), even in one process, never import it side by
    // side. The claim is taken first, by the order's key (ADR 0032): the row is read only when it was not taken.
    const taken = await this.orders.claimForImport(connectionId, iderisOrderId);
    if (!taken) {
      const row = await this.orders.find(connectionId, iderisOrderId);
      if (!row) throw new PermanentError(`order ${iderisOrderId} of connection ${connectionId} was never discovered`, 'unknown-order');
      if (isSettled(row.state)) {
        await this.orders.history(this.orders.manager, row.id, 'job-ignored', { trigger, state: row.state });
        return row.state;
      }
      // Not acknowledged: if the holder died, this very delivery may be its job come back; it waits until the claim
      // lapses (or finds the order imported).
      throw new BusyError(`order ${iderisOrderId} is being imported by another worker`);
    }
    // Renewed every third of its length while the import works; released by the import's final write (ADR 0032) or after.
    const stopRenewing = keepAlive(() => taken.renew(), CLAIM_MS);
    try {
      return await this.importClaimed(taken, trigger);
    } finally {
      stopRenewing();
      await taken.release().catch(() => undefined);
    }
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

  /** The claim's row as the claim left it: `running`, this attempt counted in `attempts`. */
  private async importClaimed(claim: ImportClaim, trigger: string): Promise<OrderSyncRow['state']> {
    const { row } = claim;
    const connectionId = row.connection_id;
    const iderisOrderId = Number(row.ideris_order_id);
    const clients = await this.clients.forActive(connectionId);

    // Retries reuse the order as first read (one Ideris call per order); an operator's reprocess reads it afresh. An
    // order read now is stored with the attempt's next write (the journal before the create, or the outcome).
    const raw = row.ideris_detail && trigger !== 'operator' ? row.ideris_detail : (await clients.ideris.getOrder(iderisOrderId)).raw;
    const detailJson = raw !== row.ideris_detail ? JSON.stringify(raw) : null;
    const detail = mapIderisOrderDetail(raw);
    if (!detail) {
      if (detailJson !== null) await this.orders.update(this.orders.manager, row.id, { ideris_detail: detailJson as unknown as Record<string, unknown> });
      throw new PermanentError(`Ideris order ${iderisOrderId} has an unreadable shape`, 'invalid-order');
    }
    if (CANCELLED.test(detail.statusDescription ?? '')) {
      return this.settle(claim, 'cancelled_before_import', { state: 'cancelled_before_import', work_status: 'done', reason: 'cancelled in the marketplace before import' }, detailJson, {
        kind: 'cancelled_before_import', detail: { reason: 'cancelled in the marketplace before import' },
      });
    }

    // The account may have been turned off since the order was queued; an account not recorded yet was let through by
    // the poller. It and the mappings of the order's items are read in one round trip.
    const accountId = detail.authenticationId ?? (row.ideris_account_id !== null ? Number(row.ideris_account_id) : undefined);
    const skus = detail.items.flatMap((item) => (item.sku ? [item.sku] : []));
    const listingCodes = detail.items.flatMap((item) => (!item.sku && item.listingCode ? [item.listingCode] : []));
    const context = await this.orders.importContext(connectionId, accountId, skus, listingCodes);
    const account = context.account ? toView(context.account) : undefined;
    const decision = account
      ? decideImport(account, clients.connection.settings.newMarketplaceAccounts ?? 'skip', clients.connection.tinyIntegrationId, `${account.name ?? accountId} (${account.marketplace ?? 'marketplace'})`)
      : { import: true as const, tinyIntegrationId: clients.connection.tinyIntegrationId };
    if (!decision.import) {
      return this.settle(claim, 'skipped', { state: 'skipped', work_status: 'done', reason: decision.reason, reason_code: decision.reasonCode }, detailJson, {
        kind: 'skipped', detail: { reasonCode: decision.reasonCode, reason: decision.reason },
      });
    }

    const mapped = mapIderisOrderToTiny(detail, {
      tinyIntegrationId: decision.tinyIntegrationId,
      ecommerceName: 'Ideris',
      statusMap: clients.connection.settings.statusMap ?? {},
      resolveProductCode: resolverOf(context.mappings),
      allowFreeTextItems: clients.connection.settings.allowFreeTextItems ?? false,
    });
    if (!mapped.ok) {
      return mapped.reason === 'needs-mapping'
        ? this.park(claim, 'needs_mapping', `no Tiny product for ${mapped.unknownSkus.join(', ')}`, mapped.unknownSkus, detailJson)
        : this.park(claim, 'invalid', mapped.problems.join('; '), [], detailJson);
    }

    const code = detail.code ?? mapped.draft.ecommerceOrderNumber;
    if (row.create_sent_at) {
      // A previous create's outcome is unknown: Tiny may hold the order already.
      const existing = code ? await this.findInTiny(clients.tiny, code) : undefined;
      if (existing) return this.bind(claim, clients, existing, mapped.skus, mapped.customerDocument, 'found-after-unknown-outcome', {}, detailJson);
    }
    // The journal, committed before `pedido.incluir` (with the order as read, when it was read now).
    await this.orders.update(this.orders.manager, row.id, {
      create_sent_at: new Date(), create_sends: row.create_sends + 1, ...(detailJson !== null ? { ideris_detail: detailJson as unknown as Record<string, unknown> } : {}),
    });
    try {
      const created = await clients.tiny.createOrder(mapped.draft);
      return this.bind(claim, clients, created, mapped.skus, mapped.customerDocument, 'created', { tinyIntegrationId: mapped.draft.ecommerceId ?? null });
    } catch (error) {
      if (error instanceof TinyApiError && error.kind === 'duplicate' && code) {
        const existing = await this.findInTiny(clients.tiny, code);
        if (existing) return this.bind(claim, clients, existing, mapped.skus, mapped.customerDocument, 'found-after-duplicate');
      }
      // Nothing was created: the journal is cleared (in the park's write) so a reprocess after a fix creates it.
      if (ORDER_IMPORT_FAILURES.refusal(error)) return this.park(claim, 'refused', `Tiny refused the order: ${(error as Error).message}`, [], null, true);
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
    claim: ImportClaim, clients: ConnectionClientSet, tinyOrder: { id: string; number: string }, skus: string[], customerDocument: string | null, how: string,
    detail: object = {}, detailJson: string | null = null,
  ): Promise<'imported'> {
    const { row } = claim;
    const event: OrderImportedV1 = {
      connectionId: row.connection_id, iderisOrderId: Number(row.ideris_order_id), tinyOrderId: tinyOrder.id, tinyOrderNumber: tinyOrder.number,
      marketplace: row.marketplace ?? undefined, marketplaceOrderCode: row.marketplace_order_code ?? undefined, skus,
    };
    const outboxRow = this.outbox.row({ subject: OrderEvents.imported.subject, payload: event, messageId: `imported:${row.connection_id}:${row.ideris_order_id}` });
    // The final write is one statement (ADR 0028): the order bound, its claim released (ADR 0032), its customer
    // counted, its history and the event's outbox row, atomic as one statement (all or nothing) in one round trip.
    await this.orders.manager.query(
      `WITH bound AS (
         UPDATE order_sync SET state = 'imported', work_status = 'done', reason = NULL, unknown_skus = '{}', skus = $2::text[],
                tiny_order_id = $3, tiny_order_number = $4, customer_document = $5::text, imported_at = now(), updated_at = now(),
                ideris_detail = coalesce($13::jsonb, ideris_detail), ${releasingImportClaim('$14::text')}
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
        ...outboxRow.params, detailJson, claim.holder,
      ],
    );
    claim.releasedBy('own-write');
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

  private async park(
    claim: ImportClaim, state: 'needs_mapping' | 'invalid' | 'refused', reason: string, unknownSkus: string[], detailJson: string | null, clearJournal = false,
  ): Promise<typeof state> {
    const { row } = claim;
    const event: OrderParkedV1 = { connectionId: row.connection_id, iderisOrderId: Number(row.ideris_order_id), reason: `${state}: ${reason}`, unknownSkus };
    return this.settle(claim, state, { state, work_status: 'done', reason, unknown_skus: unknownSkus, ...(clearJournal ? { create_sent_at: null } : {}) }, detailJson, {
      kind: 'parked', detail: { state, reason, unknownSkus },
    }, { subject: OrderEvents.parked.subject, payload: event, messageId: `parked:${row.connection_id}:${row.ideris_order_id}:${row.attempts}` });
  }

  /**
   * An outcome that does not go to Tiny (parked, skipped, cancelled), as one statement: the order's fields, the order
   * as read (when read now), the claim released, its history line and its event's outbox row when it has one.
   */
  private async settle<S extends OrderSyncRow['state']>(
    claim: ImportClaim, outcome: S, fields: Partial<Omit<OrderSyncRow, 'id'>>, detailJson: string | null,
    history: { kind: string; detail: object }, event?: { subject: string; payload: object; messageId: string },
  ): Promise<S> {
    const entries = Object.entries(fields);
    const sets = entries.map(([column], i) => `${column} = $${i + 5}`).join(', ');
    const next = entries.length + 5;
    const outboxRow = event ? this.outbox.row(event) : undefined;
    await this.orders.manager.query(
      `WITH settled AS (
         UPDATE order_sync SET ${sets}, ideris_detail = coalesce($3::jsonb, ideris_detail), ${releasingImportClaim('$2::text')}, updated_at = now()
          WHERE id = $1),
       history AS (INSERT INTO order_history (order_sync_id, kind, detail) VALUES ($1, $4, $${next}))
       ${outboxRow ? `, event AS (INSERT INTO outbox_message (id, subject, payload, headers) VALUES ($${next + 1}, $${next + 2}, $${next + 3}, $${next + 4}))` : ''}
       SELECT ${outboxRow ? OUTBOX_NOTIFY : '1'}`,
      [claim.row.id, claim.holder, detailJson, history.kind, ...entries.map(([, value]) => value), JSON.stringify(history.detail), ...(outboxRow?.params ?? [])],
    );
    claim.releasedBy('own-write');
    outcomes.inc({ outcome });
    return outcome;
  }
}

import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  DEFAULT_MAX_DROP_PERCENT,
  DEFAULT_PRICE_MARKETPLACE,
  PRICE_CONFIRMATION_STATUSES,
  PriceRpcSubjects,
  PriceRulesBody,
  describeValidationErrors,
  type PriceConfirmationCommand,
  type PriceConfirmationListQuery,
  type PriceConfirmationView,
  type PriceRulesV1,
  type RpcFailure,
} from '@hub/contracts';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { PricePushService } from './price-push.service';
import { PricePusher } from './price-pusher';
import { PricesRepository, type ConfirmationRow } from './prices.repository';

function fail(status: RpcFailure['error']['status'], message: string): RpcFailure {
  return { error: { status, message } };
}

export function toConfirmationView(row: ConfirmationRow): PriceConfirmationView {
  return {
    id: String(row.id),
    sku: row.sku,
    listingModelId: Number(row.listing_model_id),
    marketplace: row.marketplace,
    oldPriceCents: row.old_cents,
    newPriceCents: row.new_cents,
    dropPercent: Number(row.drop_percent),
    tinyPrice: row.tiny_price,
    tinyPromotionalPrice: row.tiny_promotional_price,
    sourceSequence: Number(row.source_seq),
    status: row.status,
    detail: row.detail,
    createdAt: new Date(row.created_at).toISOString(),
    decidedAt: row.decided_at ? new Date(row.decided_at).toISOString() : null,
  };
}

/** Price rules and the drop guard's queue, over NATS request/reply; the gateway exposes them as REST. */
@Controller()
export class PriceAdminController {
  constructor(
    private readonly prices: PricesRepository,
    private readonly pushes: PricePushService,
    private readonly pusher: PricePusher,
  ) {}

  @MessagePattern(PriceRpcSubjects.rulesGet)
  async getRules(@Payload() q: { connectionId: string }): Promise<PriceRulesV1> {
    return { connectionId: q.connectionId, ...(await this.prices.rules(q.connectionId)) };
  }

  @MessagePattern(PriceRpcSubjects.rulesPut)
  async putRules(@Payload() q: { connectionId: string; body: unknown }): Promise<PriceRulesV1 | RpcFailure> {
    const body = plainToInstance(PriceRulesBody, q.body ?? {});
    const errors = await validate(body, { forbidUnknownValues: true });
    if (errors.length > 0) return fail(400, describeValidationErrors(errors).join('; '));
    const marketplaces = body.rules.map((rule) => rule.marketplace);
    if (new Set(marketplaces).size !== marketplaces.length) return fail(400, 'rules: one rule per marketplace');
    const claimed = body.rules.filter((rule) => rule.marketplace !== DEFAULT_PRICE_MARKETPLACE).flatMap((rule) => rule.listingModelIds ?? []);
    if (new Set(claimed).size !== claimed.length) return fail(400, 'rules: a listing model belongs to one marketplace account rule');
    await this.prices.putRules(q.connectionId, {
      maxDropPercent: body.maxDropPercent ?? DEFAULT_MAX_DROP_PERCENT,
      rules: body.rules.map((rule) => ({
        marketplace: rule.marketplace,
        markupPercent: rule.markupPercent,
        fixedAdditionCents: rule.fixedAdditionCents,
        rounding: rule.rounding,
        usePromotional: rule.usePromotional,
        priceListId: rule.priceListId ?? null,
        listingModelIds: rule.marketplace === DEFAULT_PRICE_MARKETPLACE ? [] : (rule.listingModelIds ?? []),
      })),
    });
    return this.getRules(q);
  }

  @MessagePattern(PriceRpcSubjects.confirmationsList)
  async list(@Payload() q: PriceConfirmationListQuery): Promise<{ confirmations: PriceConfirmationView[] } | RpcFailure> {
    const status = q.status ?? 'pending';
    if (status !== 'all' && !PRICE_CONFIRMATION_STATUSES.includes(status)) return fail(400, `status must be all or one of ${PRICE_CONFIRMATION_STATUSES.join(', ')}`);
    const rows = await this.prices.confirmations(q.connectionId, status, Math.min(Math.max(q.limit ?? 100, 1), 500));
    return { confirmations: rows.map(toConfirmationView) };
  }

  @MessagePattern(PriceRpcSubjects.confirm)
  async confirm(@Payload() q: PriceConfirmationCommand): Promise<PriceConfirmationView | RpcFailure> {
    const row = await this.prices.confirmation(q.connectionId, q.id);
    if (!row) return fail(404, `no price confirmation ${q.id} for this connection`);
    if (row.status !== 'pending') return fail(409, `price confirmation ${q.id} is ${row.status}`);
    let leased;
    try {
      leased = await this.pusher.withLease(q.connectionId, () => this.pushes.confirm(row));
    } catch (error) {
      return fail(422, `Ideris did not take the price: ${(error as Error).message}`);
    }
    if (!leased) return fail(409, 'a price push round of this connection is running; try again');
    if (leased.value.kind === 'not-pending') return fail(409, `price confirmation ${q.id} is ${leased.value.status}`);
    return toConfirmationView((await this.prices.confirmation(q.connectionId, q.id))!);
  }

  @MessagePattern(PriceRpcSubjects.reject)
  async reject(@Payload() q: PriceConfirmationCommand): Promise<PriceConfirmationView | RpcFailure> {
    const row = await this.prices.confirmation(q.connectionId, q.id);
    if (!row) return fail(404, `no price confirmation ${q.id} for this connection`);
    if (!(await this.prices.reject(q.connectionId, q.id))) return fail(409, `price confirmation ${q.id} is ${row.status}`);
    return toConfirmationView((await this.prices.confirmation(q.connectionId, q.id))!);
  }
}

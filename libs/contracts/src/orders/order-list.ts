import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, ValidateBy, type ValidationArguments } from 'class-validator';

/**
 * The zone of the operator's day range: sellers and Tiny count days in Brasília time, so an order approved at
 * 23:30 on the 8th (02:30 UTC on the 9th) is an order of the 8th.
 */
export const ORDER_DAY_ZONE = 'America/Sao_Paulo';

/** A calendar day written `YYYY-MM-DD` that exists (2026-02-30 does not). */
export function isCalendarDay(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const day = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === value;
}

const IsCalendarDay = () =>
  ValidateBy({ name: 'isCalendarDay', validator: { validate: isCalendarDay, defaultMessage: (a?: ValidationArguments) => `must be a day written YYYY-MM-DD (got ${JSON.stringify(a?.value)})` } });

/** ISO days compare as strings; an invalid day is the other validator's to report. */
const NotBefore = (other: string) =>
  ValidateBy({
    name: 'notBefore',
    constraints: [other],
    validator: {
      validate: (value: unknown, a?: ValidationArguments) => {
        const start = (a?.object as Record<string, unknown> | undefined)?.[other];
        return !isCalendarDay(value) || !isCalendarDay(start) || value >= start;
      },
      defaultMessage: (a?: ValidationArguments) => `must not be before ${other} (${String((a?.object as Record<string, unknown> | undefined)?.[other])})`,
    },
  });

/**
 * The orders list's marketplace and day filters (`GET …/orders`, `POST …/orders/reprocess-parked`, the RPCs behind
 * them). The day is the order's date on the marketplace side — Ideris's `approved` (payment approval), which is
 * what the seller and Ideris's own panel call the order's date — or, for an order Ideris gave none, when the hub
 * first saw it.
 */
export class OrderFilter {
  @ApiPropertyOptional({ example: 'Mercado Livre', description: 'The marketplace as the order shows it; exact name, any case' })
  @IsOptional()
  @IsString()
  @Length(1, 80)
  marketplace?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2026-12-01',
    description: `First day, inclusive, of the order's marketplace date (payment approval; when the hub saw it if Ideris gave none), in ${ORDER_DAY_ZONE}`,
  })
  @IsOptional()
  @IsCalendarDay()
  from?: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-12-02', description: `Last day, inclusive, same date and zone as \`from\`; not before \`from\`` })
  @IsOptional()
  @IsCalendarDay()
  @NotBefore('from')
  to?: string;
}

/** `rpc.orders.order.list.v1`. */
export interface OrderListQuery extends OrderFilter {
  connectionId: string;
  state?: string;
  workStatus?: string;
  limit?: number;
  offset?: number;
}

/** `rpc.orders.order.reprocess-parked.v1`: one parked state (default: all of them and every order given up). */
export interface OrderReprocessParkedCommand extends OrderFilter {
  connectionId: string;
  state?: string;
}

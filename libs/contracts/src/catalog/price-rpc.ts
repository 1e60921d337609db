import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';

/** Core NATS request/reply subjects of catalog's prices (rules and the drop guard's queue). */
export const PriceRpcSubjects = {
  rulesGet: 'rpc.catalog.price-rules.get.v1',
  rulesPut: 'rpc.catalog.price-rules.put.v1',
  confirmationsList: 'rpc.catalog.price-confirmations.list.v1',
  confirm: 'rpc.catalog.price-confirmations.confirm.v1',
  reject: 'rpc.catalog.price-confirmations.reject.v1',
} as const;

export const PRICE_ROUNDINGS = ['none', '90', '99', 'integer'] as const;
export type PriceRounding = (typeof PRICE_ROUNDINGS)[number];

/** The rule every listing model of a connection follows unless a marketplace account's rule claims it. */
export const DEFAULT_PRICE_MARKETPLACE = 'default';
export const DEFAULT_MAX_DROP_PERCENT = 30;

/**
 * How a Tiny price becomes an Ideris price. `marketplace` is `default` or an Ideris marketplace account
 * (`authenticationId`). Money is in integer cents.
 */
export interface PriceRuleV1 {
  marketplace: string;
  /** Percent, up to two decimals; negative is a discount (more than -100). */
  markupPercent: number;
  fixedAdditionCents: number;
  rounding: PriceRounding;
  /** Use Tiny's `precoPromocional` as the base when it is set and lower than `preco`. */
  usePromotional: boolean;
  /** A Tiny price list (`listas.precos`) whose percentage is applied to the base first. */
  priceListId?: string | null;
  /**
   * The Ideris listing models this marketplace account's rule prices. The assumed Ideris price write has
   * one price per listing model and no marketplace, so an account is reached through its own listing models.
   * Ignored on the default rule (it prices every listing model no account rule claims).
   */
  listingModelIds?: number[];
}

export interface PriceRulesV1 {
  connectionId: string;
  /** A drop larger than this (percent of the price Ideris holds) is parked for confirmation. */
  maxDropPercent: number;
  /** The default rule first; a connection that never set one gets no markup and no rounding. */
  rules: PriceRuleV1[];
}

export class PriceRuleBody implements PriceRuleV1 {
  @ApiProperty({ example: 'default', description: '`default`, or an Ideris marketplace account id (authenticationId)' })
  @IsString()
  @Matches(/^(default|\d{1,18})$/, { message: 'marketplace must be "default" or an Ideris authenticationId' })
  marketplace: string;

  @ApiProperty({ example: 12.5, description: 'Percent, up to two decimals; negative is a discount' })
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(-99.99)
  @Max(1000)
  markupPercent: number;

  @ApiProperty({ example: 500, description: 'Cents added after the markup (may be negative)' })
  @IsInt()
  @Min(-10_000_000)
  @Max(10_000_000)
  fixedAdditionCents: number;

  @ApiProperty({ enum: PRICE_ROUNDINGS, description: 'none; 90/99: the same real ending in .90/.99; integer: up to the next whole real' })
  @IsIn(PRICE_ROUNDINGS)
  rounding: PriceRounding;

  @ApiProperty({ description: "Use Tiny's promotional price as the base when it is lower than the price" })
  @IsBoolean()
  usePromotional: boolean;

  @ApiPropertyOptional({ description: 'Tiny price list id whose percentage is applied to the base' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,18}$/, { message: 'priceListId must be a numeric Tiny id' })
  priceListId?: string | null;

  @ApiPropertyOptional({ type: [Number], description: 'Ideris listing models priced by this marketplace account rule' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsInt({ each: true })
  @Min(1, { each: true })
  listingModelIds?: number[];
}

/** The body of `PUT …/price-rules`: the whole set is replaced. */
export class PriceRulesBody {
  @ApiPropertyOptional({ default: DEFAULT_MAX_DROP_PERCENT, minimum: 0, maximum: 100 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  maxDropPercent?: number;

  @ApiProperty({ type: [PriceRuleBody] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => PriceRuleBody)
  rules: PriceRuleBody[];
}

export const PRICE_CONFIRMATION_STATUSES = ['pending', 'confirmed', 'rejected', 'superseded'] as const;
export type PriceConfirmationStatus = (typeof PRICE_CONFIRMATION_STATUSES)[number];

/** A price drop the guard refused, waiting for an operator (or decided). */
export interface PriceConfirmationView {
  id: string;
  sku: string;
  listingModelId: number;
  marketplace: string;
  oldPriceCents: number;
  newPriceCents: number;
  dropPercent: number;
  tinyPrice: string;
  tinyPromotionalPrice: string | null;
  sourceSequence: number;
  status: PriceConfirmationStatus;
  detail: string | null;
  createdAt: string;
  decidedAt: string | null;
}

export interface PriceConfirmationListQuery {
  connectionId: string;
  /** Default `pending`. */
  status?: PriceConfirmationStatus | 'all';
  limit?: number;
}

export interface PriceConfirmationCommand {
  connectionId: string;
  id: string;
}

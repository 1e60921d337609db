import { DEFAULT_PRICE_MARKETPLACE, type PriceRounding, type PriceRuleV1 } from '@hub/contracts';
import { parseScaled } from '../../stock/domain/stock-rule';

/** parseScaled's scale: 10 decimal places. */
const SCALE = 10n ** 10n;
const HUNDRED_PERCENT = 100n * SCALE;
/** Ideris prices are sent as a decimal number of reais; keep them where a double is still exact in cents. */
export const MAX_PRICE_CENTS = 100_000_000_00;

export type PriceRule = Pick<PriceRuleV1, 'markupPercent' | 'fixedAdditionCents' | 'rounding' | 'usePromotional'> & { priceListId?: string | null };

/** No markup, no rounding, list price: what a connection that never set a rule gets. */
export const DEFAULT_PRICE_RULE: PriceRule & { marketplace: string } = {
  marketplace: DEFAULT_PRICE_MARKETPLACE,
  markupPercent: 0,
  fixedAdditionCents: 0,
  rounding: 'none',
  usePromotional: false,
  priceListId: null,
};

/** A price as Tiny announced it (decimal strings with a dot). */
export interface TinyPrice {
  price: string;
  promotionalPrice?: string | null;
}

/**
 * Tiny's price → the Ideris price in cents, or undefined when there is nothing sensible to send (no positive
 * base). Exact: the base, the price list and the markup are applied on scaled integers and rounded to the
 * cent once (half up), then the fixed addition, then the rounding, never below zero.
 *
 * 1. Base: `precoPromocional` when the rule uses promotions and it is above zero and below `preco`, else `preco`.
 * 2. Price list: `× (1 + acrescimo_desconto / 100)` (negative is a discount).
 * 3. Markup: `× (1 + markupPercent / 100)`.
 * 4. `+ fixedAdditionCents`.
 * 5. Rounding (see {@link roundCents}).
 */
export function computePriceCents(tiny: TinyPrice, rule: PriceRule, priceListPercent?: string): number | undefined {
  const base = baseScaled(tiny, rule.usePromotional);
  if (base === undefined || base <= 0n) return undefined;
  const list = HUNDRED_PERCENT + (priceListPercent === undefined ? 0n : parseScaled(priceListPercent));
  const markup = HUNDRED_PERCENT + parseScaled(String(rule.markupPercent));
  if (list <= 0n || markup <= 0n) return 0;
  // base is reais × SCALE; cents = base × 100 / SCALE, with both percentages applied, rounded half up once.
  const numerator = base * 100n * list * markup;
  const denominator = SCALE * HUNDRED_PERCENT * HUNDRED_PERCENT;
  const cents = Number(divideHalfUp(numerator, denominator)) + Math.trunc(rule.fixedAdditionCents);
  if (cents <= 0) return 0;
  return Math.min(roundCents(cents, rule.rounding), MAX_PRICE_CENTS);
}

/**
 * Psychological endings, always within or up from the same real:
 * - `none`: as computed;
 * - `90` / `99`: the same real with the cents replaced (R$ 12.34 → 12.90 / 12.99; R$ 12.95 → 12.90, the only
 *   case that goes down, by at most 9 cents; R$ 12.00 → 12.90);
 * - `integer`: up to the next whole real (R$ 12.01 → 13.00; R$ 12.00 stays).
 * A price under R$ 1.00 keeps the ending too (R$ 0.40 → 0.90).
 */
export function roundCents(cents: number, rounding: PriceRounding): number {
  if (cents <= 0) return 0;
  const reais = Math.floor(cents / 100);
  switch (rounding) {
    case 'none':
      return cents;
    case '90':
      return reais * 100 + 90;
    case '99':
      return reais * 100 + 99;
    case 'integer':
      return cents % 100 === 0 ? cents : (reais + 1) * 100;
  }
}

/** How much lower `next` is than `previous`, in percent (0 when it is not lower). */
export function dropPercent(previousCents: number, nextCents: number): number {
  if (previousCents <= 0 || nextCents >= previousCents) return 0;
  return Math.round(((previousCents - nextCents) * 10_000) / previousCents) / 100;
}

/** True when the guard must park the change: a drop strictly larger than the connection's limit. */
export function needsConfirmation(previousCents: number | null, nextCents: number, maxDropPercent: number): boolean {
  if (previousCents === null || previousCents <= 0 || nextCents >= previousCents) return false;
  // Compare exactly: (previous - next) / previous > max / 100  ⇔  (previous - next) × 100 > max × previous.
  return (previousCents - nextCents) * 10_000 > Math.round(maxDropPercent * 100) * previousCents;
}

/** The rule of a listing model: the marketplace account rule that claims it, else the default. */
export function ruleForListingModel<R extends PriceRule & { marketplace: string; listingModelIds?: number[] }>(rules: readonly R[], listingModelId: number): R | (PriceRule & { marketplace: string }) {
  const claimed = rules.find((rule) => rule.marketplace !== DEFAULT_PRICE_MARKETPLACE && (rule.listingModelIds ?? []).includes(listingModelId));
  return claimed ?? rules.find((rule) => rule.marketplace === DEFAULT_PRICE_MARKETPLACE) ?? DEFAULT_PRICE_RULE;
}

export function centsToReais(cents: number): number {
  return Math.round(cents) / 100;
}

/** Ideris answers a price as a number of reais. */
export function reaisToCents(value: number): number {
  return Math.round(value * 100);
}

function baseScaled(tiny: TinyPrice, usePromotional: boolean): bigint | undefined {
  const price = parseOptional(tiny.price);
  const promotional = parseOptional(tiny.promotionalPrice);
  if (usePromotional && promotional !== undefined && promotional > 0n && price !== undefined && promotional < price) return promotional;
  return price;
}

function parseOptional(value: string | null | undefined): bigint | undefined {
  if (value === undefined || value === null || value.trim() === '') return undefined;
  return parseScaled(value);
}

/** a / b rounded half away from zero, for a ≥ 0 and b > 0. */
function divideHalfUp(a: bigint, b: bigint): bigint {
  return (a * 2n + b) / (2n * b);
}

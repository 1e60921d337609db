import type { StockType } from '@hub/contracts';
import type { TinyStockNotice } from '@hub/tiny';

/** Tiny's decimals carry up to 10 places ("79.9000000000"); all arithmetic is on integers at that scale. */
const SCALE_DIGITS = 10;
const SCALE = 10n ** BigInt(SCALE_DIGITS);
/** Ideris takes an int32 quantity. */
const MAX_QUANTITY = 2_147_483_647;

/** A stock change as Tiny announced it, in our own words (see @hub/tiny `tinyStockNoticeOf`). */
export type StockChange = TinyStockNotice;

export interface StockRuleSettings {
  stockType: StockType;
  safetyBuffer: number;
}

/** Either the quantity to hold in Ideris, or: the notification does not carry the balance this connection sends. */
export type StockPlan = { kind: 'known'; balance: string; desired: number } | { kind: 'read-from-tiny' };

export function planStock(change: StockChange, settings: StockRuleSettings): StockPlan {
  if (change.reportedKind !== settings.stockType) return { kind: 'read-from-tiny' };
  return { kind: 'known', balance: change.balance, desired: desiredQuantity(change.balance, settings.safetyBuffer) };
}

/** The balance a connection sends, from a full read of the product's stock: physical, or physical minus reserved. */
export function balanceOfKind(stock: { balance: string; reserved: string }, kind: StockType): string {
  if (kind === 'physical') return stock.balance;
  return formatScaled(parseScaled(stock.balance) - parseScaled(stock.reserved));
}

/** Whole units only (never promise a fraction the seller does not have), minus the buffer, never below zero. */
export function desiredQuantity(balance: string, safetyBuffer: number): number {
  const whole = floorDiv(parseScaled(balance), SCALE) - BigInt(Math.max(0, Math.trunc(safetyBuffer)));
  if (whole <= 0n) return 0;
  return whole > BigInt(MAX_QUANTITY) ? MAX_QUANTITY : Number(whole);
}

export function parseScaled(value: string): bigint {
  const match = /^\s*([+-])?(\d*)(?:\.(\d*))?\s*$/.exec(value);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) throw new RangeError(`not a decimal: "${value}"`);
  const fraction = (match[3] ?? '').slice(0, SCALE_DIGITS).padEnd(SCALE_DIGITS, '0');
  const magnitude = BigInt(match[2] || '0') * SCALE + BigInt(fraction);
  return match[1] === '-' ? -magnitude : magnitude;
}

function formatScaled(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const magnitude = value < 0n ? -value : value;
  const fraction = (magnitude % SCALE).toString().padStart(SCALE_DIGITS, '0').replace(/0+$/, '');
  return `${sign}${magnitude / SCALE}${fraction ? `.${fraction}` : ''}`;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

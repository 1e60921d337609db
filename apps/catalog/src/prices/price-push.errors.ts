import { IderisApiError } from '@hub/ideris';
import { TinyApiError } from '@hub/tiny';

export type PriceProblemKind = 'unknown-sku' | 'refused' | 'no-price' | 'price-list-unknown' | 'tiny-product-unknown';

/** Transient: the SKU stays pending with a backoff. Problem: recorded and visible, not retried until a newer price arrives. */
export type PricePushFailure = { kind: 'transient'; detail: string } | { kind: 'problem'; problem: PriceProblemKind; detail: string };

/** A price problem found by the hub itself (no listing model, nothing to send, an unknown price list, no Tiny product to read). */
export class PriceProblem extends Error {
  constructor(readonly problem: PriceProblemKind, message: string) {
    super(message);
  }
}

/** 2 s, 4 s, 8 s … up to 5 minutes; a price must converge, so a transient failure is never given up. */
export function priceRetryDelayMs(attempts: number): number {
  return Math.min(2_000 * 2 ** Math.max(0, attempts - 1), 300_000);
}

export function classifyPricePushError(error: unknown): PricePushFailure {
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof PriceProblem) return { kind: 'problem', problem: error.problem, detail };
  if (error instanceof IderisApiError) {
    if (error.kind === 'not-found') return { kind: 'problem', problem: 'unknown-sku', detail };
    if (error.kind === 'validation' || error.kind === 'request') return { kind: 'problem', problem: 'refused', detail };
    return { kind: 'transient', detail };
  }
  if (error instanceof TinyApiError) return { kind: 'transient', detail };
  return { kind: 'transient', detail };
}

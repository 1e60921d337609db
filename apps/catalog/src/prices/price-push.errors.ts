import { IderisApiError } from '@hub/ideris';
import { convergingFailures } from '../common/converging-failures';

export type PriceProblemKind = 'unknown-sku' | 'refused' | 'no-price' | 'price-list-unknown' | 'tiny-product-unknown';

/** A price problem found by the hub itself (no listing model, nothing to send, an unknown price list, no Tiny product to read). */
export class PriceProblem extends Error {
  constructor(readonly kind: PriceProblemKind, message: string) {
    super(message);
  }
}

/** A price push's refusals, named by the problem recorded for the SKU (the hub's own by its kind). */
export const PRICE_PUSH_FAILURES = convergingFailures([
  { error: PriceProblem },
  { error: IderisApiError, kinds: ['not-found'], code: 'unknown-sku' },
  { error: IderisApiError, kinds: ['validation', 'request'], code: 'refused' },
]);

import { IderisApiError } from '@hub/ideris';
import { TinyApiError } from '@hub/tiny';
import { convergingFailures } from '../common/converging-failures';

export type StockProblemKind = 'unknown-sku' | 'refused' | 'tiny-product-unknown';

/** A stock push's refusals, named by the problem recorded for the SKU. */
export const STOCK_PUSH_FAILURES = convergingFailures([
  { error: IderisApiError, kinds: ['not-found'], code: 'unknown-sku' },
  { error: IderisApiError, kinds: ['validation', 'request'], code: 'refused' },
  { error: TinyApiError, kinds: ['not-found'], code: 'tiny-product-unknown' },
]);

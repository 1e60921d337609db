import { IderisApiError } from '@hub/ideris';
import { TinyApiError } from '@hub/tiny';
import { convergingFailures } from '../common/converging-failures';

/** A refusal the hub finds itself (a kit component nobody knows, a SKU taken by another product). */
export class ProductRefusal extends Error {}

/** Ideris 400/404/409/422 and Tiny validation, duplicates or not-found are refusals of a product write. */
export const PRODUCT_WRITE_FAILURES = convergingFailures([
  { error: ProductRefusal, code: 'refused' },
  { error: IderisApiError, kinds: ['validation', 'not-found', 'request'], code: 'refused' },
  { error: TinyApiError, kinds: ['validation', 'duplicate', 'not-found', 'request'], code: 'refused' },
]);

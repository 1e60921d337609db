import { IderisApiError } from '@hub/ideris';
import { TinyApiError } from '@hub/tiny';

export type StockProblemKind = 'unknown-sku' | 'refused' | 'tiny-product-unknown';

/** Transient: the SKU stays pending with a backoff. Problem: recorded and visible, not retried until a newer value arrives. */
export type StockPushFailure = { kind: 'transient'; detail: string } | { kind: 'problem'; problem: StockProblemKind; detail: string };

/** Retry delays grow 2 s, 4 s, 8 s … up to 5 minutes: stock must converge, so a transient failure is never given up. */
export function retryDelayMs(attempts: number): number {
  return Math.min(2_000 * 2 ** Math.max(0, attempts - 1), 300_000);
}

export function classifyStockPushError(error: unknown): StockPushFailure {
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof IderisApiError) {
    if (error.kind === 'not-found') return { kind: 'problem', problem: 'unknown-sku', detail };
    if (error.kind === 'validation' || error.kind === 'request') return { kind: 'problem', problem: 'refused', detail };
    return { kind: 'transient', detail };
  }
  if (error instanceof TinyApiError) {
    if (error.kind === 'not-found') return { kind: 'problem', problem: 'tiny-product-unknown', detail };
    return { kind: 'transient', detail };
  }
  return { kind: 'transient', detail };
}

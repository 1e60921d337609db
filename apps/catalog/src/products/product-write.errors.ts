import { IderisApiError } from '@hub/ideris';
import { TinyApiError } from '@hub/tiny';

/** A refusal the hub finds itself (a kit component nobody knows, a SKU taken by another product). */
export class ProductRefusal extends Error {}

export type ProductWriteFailure = { kind: 'transient'; detail: string } | { kind: 'refused'; detail: string };

/** 2 s, 4 s, 8 s … up to 5 minutes; a transient failure is never given up. */
export function productRetryDelayMs(attempts: number): number {
  return Math.min(2_000 * 2 ** Math.max(0, attempts - 1), 300_000);
}

/** Ideris 400/404/409/422 and Tiny validation, duplicates or not-found are refusals; the rest is transient. */
export function classifyProductWriteError(error: unknown): ProductWriteFailure {
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof ProductRefusal) return { kind: 'refused', detail };
  if (error instanceof IderisApiError) return ['validation', 'not-found', 'request'].includes(error.kind) ? { kind: 'refused', detail } : { kind: 'transient', detail };
  if (error instanceof TinyApiError) return ['validation', 'duplicate', 'not-found', 'request'].includes(error.kind) ? { kind: 'refused', detail } : { kind: 'transient', detail };
  return { kind: 'transient', detail };
}

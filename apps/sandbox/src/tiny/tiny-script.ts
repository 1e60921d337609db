import type { TinyAccount } from './tiny-account.store';
import type { TinyRetornoBody } from './tiny-retorno';

export interface TinyScriptContext {
  account: TinyAccount;
  params: Record<string, string>;
  now: number;
}

export interface TinyScript {
  /** Counted in the 5/min batch bucket on top of the per-minute limit. */
  batch?: boolean;
  handle(context: TinyScriptContext): TinyRetornoBody | Promise<TinyRetornoBody>;
}

export type TinyScriptMap = Record<string, TinyScript>;

/** `pedido.obter.php` and `pedido.obter` resolve to the same script (some newer services have no suffix). */
export function normaliseScriptName(raw: string): string {
  return raw.replace(/\.php$/i, '').toLowerCase();
}

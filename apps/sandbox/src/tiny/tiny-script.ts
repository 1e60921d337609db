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
  handle(context: TinyScriptContext): TinyScriptResult | Promise<TinyScriptResult>;
}

/** A few services answer something other than the JSON envelope (e.g. nota.fiscal.obter.xml answers XML). */
export interface TinyRawBody {
  raw: string;
  contentType: string;
}

export type TinyScriptResult = TinyRetornoBody | TinyRawBody;

export type TinyScriptMap = Record<string, TinyScript>;

/** `pedido.obter.php` and `pedido.obter` resolve to the same script (some newer services have no suffix). */
export function normaliseScriptName(raw: string): string {
  return raw.replace(/\.php$/i, '').toLowerCase();
}

import type { TinyProductNotificationData } from './tiny-catalog-notification.dto';

/** One item of the flat array Tiny requires in answer to a `produto` notification. */
export interface TinyProductMappingReplyItem {
  idMapeamento: string;
  skuMapeamento: string;
  urlProduto?: string;
  urlImagem?: string;
  error?: string;
}

/** The product or one of its variations, as the receiver decides what to answer for it. */
export interface TinyProductMappingTarget {
  productId: string;
  variation: boolean;
  idMapeamento?: string;
  skuMapeamento?: string;
  codigo?: string;
}

export interface TinyProductMappingOutcome {
  /** The SKU the product has on our side; defaults to Tiny's `skuMapeamento`, then `codigo`. */
  skuMapeamento?: string;
  urlProduto?: string;
  urlImagem?: string;
  /** Tells Tiny the product was not accepted; it shows the text to the seller. */
  error?: string;
}

/**
 * The mapping id of a product or variation: the one Tiny sent, else (first send) Tiny's own product id.
 * ASSUMPTION (docs/contracts.md#tiny-produto): Tiny keeps whatever id the integration answers; its own id is unique per account. The answer to Tiny
 * and the binding the hub records must use this same rule.
 */
export function tinyMappingIdOf(idMapeamento: string | undefined, productId: string): string {
  return idMapeamento?.trim() || productId;
}

/**
 * Tiny's documented reply (`{"mapeamentos":[{"mapeamento":…}]}`) is not what it accepts: integrators had to
 * answer a flat array, one item for the product and one per variation, following Tiny's sample instead.
 */
export function buildTinyProductWebhookReply(
  product: TinyProductNotificationData,
  outcomeFor: (target: TinyProductMappingTarget) => TinyProductMappingOutcome = () => ({}),
): TinyProductMappingReplyItem[] {
  const targets: TinyProductMappingTarget[] = [
    { productId: product.id, variation: false, idMapeamento: product.idMapeamento, skuMapeamento: product.skuMapeamento, codigo: product.codigo },
    ...(product.variacoes ?? []).map((variation) => ({
      productId: variation.id,
      variation: true,
      idMapeamento: variation.idMapeamento,
      skuMapeamento: variation.skuMapeamento,
      codigo: variation.codigo,
    })),
  ];
  return targets.map((target) => {
    const outcome = outcomeFor(target);
    const item: TinyProductMappingReplyItem = {
      idMapeamento: tinyMappingIdOf(target.idMapeamento, target.productId),
      skuMapeamento: outcome.skuMapeamento ?? target.skuMapeamento ?? target.codigo ?? target.productId,
    };
    if (outcome.urlProduto) item.urlProduto = outcome.urlProduto;
    if (outcome.urlImagem) item.urlImagem = outcome.urlImagem;
    if (outcome.error) item.error = outcome.error;
    return item;
  });
}

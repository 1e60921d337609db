import { TinyApiError, TinyFulfilmentApi, type TinyClient } from '@hub/tiny';
import type { TrackingMarkerState } from '@hub/contracts';

/** The marker's text, as the seller sees it on the order in Tiny. */
export const TRACKING_SENT_MARKER = 'Rastreio enviado ao Ideris';

/**
 * ASSUMPTION (docs/contracts.md#tiny-marcadores): the native integration shows "tracking sent" on the
 * order/expedition; the v2 API exposes no such flag, so the hub leaves an order marker, through
 * `pedido.marcadores.incluir` as its official page describes it (@hub/tiny `addOrderMarkers`).
 */
export async function markTrackingSent(tiny: TinyClient, tinyOrderId: string): Promise<{ state: TrackingMarkerState; error?: string }> {
  try {
    await new TinyFulfilmentApi(tiny).addOrderMarkers(tinyOrderId, [{ description: TRACKING_SENT_MARKER }]);
    return { state: 'marked' };
  } catch (error) {
    // An HTML 404: this Tiny (or the sandbox) does not know the service; retrying cannot help.
    if (error instanceof TinyApiError && error.httpStatus === 404) return { state: 'unsupported', error: error.message };
    if (error instanceof TinyApiError && !error.retryable) return { state: 'failed', error: error.message };
    throw error;
  }
}

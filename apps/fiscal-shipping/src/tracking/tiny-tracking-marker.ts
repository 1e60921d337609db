import { TinyApiError, type TinyClient } from '@hub/tiny';
import type { TrackingMarkerState } from '@hub/contracts';

/** The marker's text, as the seller sees it on the order in Tiny. */
export const TRACKING_SENT_MARKER = 'Rastreio enviado ao Ideris';

/**
 * ASSUMPTION: the native integration shows "tracking sent" on the order/expedition; the v2 API exposes no
 * such flag, so the hub leaves an order marker. Of the two spellings in the reference (§2.7, [CONFLICT]),
 * `pedido.marcadores.incluir` (N8N-NOTE) is taken, with `id` and `marcadores` as a JSON document in the
 * shape `pedido.incluir` uses for its markers. Isolated here, so the real call is a change in this file only.
 */
export async function markTrackingSent(tiny: TinyClient, tinyOrderId: string): Promise<{ state: TrackingMarkerState; error?: string }> {
  try {
    await tiny.call('pedido.marcadores.incluir.php', {
      id: tinyOrderId,
      marcadores: JSON.stringify({ marcadores: [{ marcador: { descricao: TRACKING_SENT_MARKER } }] }),
    });
    return { state: 'marked' };
  } catch (error) {
    // An HTML 404: this Tiny (or the sandbox) does not know the service; retrying cannot help.
    if (error instanceof TinyApiError && error.httpStatus === 404) return { state: 'unsupported', error: error.message };
    if (error instanceof TinyApiError && !error.retryable) return { state: 'failed', error: error.message };
    throw error;
  }
}

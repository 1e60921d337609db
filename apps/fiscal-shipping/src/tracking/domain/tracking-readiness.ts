import type { TinyExpedition } from '@hub/tiny';
import type { IderisTrackingSubmission as TrackingForIderis } from '@hub/ideris';

/** What the `rastreio` notification said (Tiny's expedition is the authority; this fills its gaps). */
export interface TrackingNotice {
  trackingCode?: string;
  trackingUrl?: string;
  carrier?: string;
  /** v2 single letter: `C` Correios, `T` transportadora, others (`M`, `X`, `S`…) are not carriers here. */
  shippingMethod?: string;
  freightService?: string;
}

export type WaitingReasonCode = 'no-carrier' | 'no-expedition' | 'no-grouping' | 'grouping-not-concluded' | 'no-tracking-code';

export interface GroupingFacts {
  groupingId?: string;
  groupingType?: string;
}

export type TrackingReadiness =
  | ({ ready: true; shipment: Omit<TrackingForIderis, 'orderId'> } & GroupingFacts)
  | ({ ready: false; code: WaitingReasonCode; reason: string } & GroupingFacts);

const METHODS: Record<string, { name: string; grouping: string }> = {
  C: { name: 'Correios', grouping: 'PLP' },
  T: { name: 'Transportadora', grouping: 'coleta' },
};

/**
 * The seed's rule: tracking goes to Ideris only when the order has a carrier (Correios or a transportadora)
 * and its expedition grouping (a PLP for Correios, a coleta for carriers) was generated and concluded.
 * `expedition` undefined: Tiny has none for the order.
 */
export function trackingReadiness(expedition: TinyExpedition | undefined, notice: TrackingNotice): TrackingReadiness {
  const letter = (expedition?.shippingMethod || notice.shippingMethod || '').trim().toUpperCase();
  const method = METHODS[letter];
  const grouping: GroupingFacts = { groupingId: expedition?.groupingId, groupingType: expedition?.groupingType };
  if (!method) {
    return { ready: false, code: 'no-carrier', reason: `the order has no carrier (shipping method ${letter || 'not set'}): tracking goes to Ideris only for Correios or a transportadora`, ...grouping };
  }
  const carrier = letter === 'C' ? expedition?.carrier || 'Correios' : expedition?.carrier || notice.carrier;
  if (!carrier) return { ready: false, code: 'no-carrier', reason: 'the shipping method is transportadora but no carrier is named in Tiny', ...grouping };
  if (!expedition) return { ready: false, code: 'no-expedition', reason: 'Tiny has no expedition for the order yet', ...grouping };
  if (!expedition.groupingId) return { ready: false, code: 'no-grouping', reason: `no ${method.grouping} (${method.name}) has been generated for the expedition yet`, ...grouping };
  if (expedition.groupingConcluded !== true) {
    return { ready: false, code: 'grouping-not-concluded', reason: `the ${method.grouping} ${expedition.groupingId} is not concluded yet`, ...grouping };
  }
  const trackingCode = expedition.trackingCode || notice.trackingCode;
  if (!trackingCode) return { ready: false, code: 'no-tracking-code', reason: `the ${method.grouping} ${expedition.groupingId} is concluded but Tiny has no tracking code for the order`, ...grouping };
  return {
    ready: true,
    shipment: {
      trackingCode,
      trackingUrl: expedition.trackingUrl || notice.trackingUrl || undefined,
      carrier,
      shippingMethod: method.name,
      freightService: notice.freightService || undefined,
    },
    ...grouping,
  };
}

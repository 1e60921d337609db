/** Core NATS request/reply payloads and answers of the fiscal-shipping admin calls (subjects in `RpcSubjects`). */
export interface FiscalOrderQuery {
  connectionId: string;
  iderisOrderId: number;
}

/**
 * `received` → `waiting_binding` (the order's import is not known here yet) → `sending` → `sent`;
 * `refused` (cancelled/denied/rejected in Tiny: never sent as valid), `failed` (Ideris refused it),
 * `ignored` (no order imported by this hub matches), `waiting_authorisation` (not authorised yet),
 * `waiting_configuration` (the connection's notification URL needs an operator: `reasonCode` `url_missing`,
 * `url_rejected` or `url_unauthorised`; looked at again when the connection changes or on "resend invoice").
 */
export type InvoiceSyncState = 'received' | 'waiting_binding' | 'waiting_authorisation' | 'waiting_configuration' | 'sending' | 'sent' | 'refused' | 'failed' | 'ignored';

export interface InvoiceSyncView {
  tinyInvoiceId: string;
  state: InvoiceSyncState;
  reason: string | null;
  /** `url_missing` | `url_rejected` | `url_unauthorised` while it (or, on a sent invoice, its cancellation) waits for an operator. */
  reasonCode?: string | null;
  number: string | null;
  series: string | null;
  accessKey: string | null;
  issuedAt: string | null;
  valueCents: number | null;
  danfeUrl: string | null;
  tinySituation: number | null;
  /** What Ideris answered when it accepted the invoice. */
  iderisAnswer: unknown;
  notifications: number;
  sends: number;
  sentAt: string | null;
  /** How it went to Ideris: `notification_urls` (Tiny's format to the seller's URL) or `ideris_api` (assumed v3). */
  deliveryPath?: string | null;
  /**
   * An invoice cancelled in Tiny after it was sent: `pending` → `sending` → `reported` (or `failed`;
   * `waiting_configuration` while the connection's invoice URL needs an operator).
   */
  cancellation?: { state: string | null; reason: string | null; reportedAt: string | null };
}

/**
 * `waiting` carries a reason code: `no-carrier`, `no-grouping`, `grouping-not-concluded`, `no-expedition`,
 * `no-tracking-code`, or one of the notification URL's (`url_missing`, `url_rejected`, `url_unauthorised`: an operator
 * fixes the connection; also on a `sent` row whose changed code waits for it).
 */
export type TrackingSyncState = 'received' | 'waiting_binding' | 'waiting' | 'sending' | 'sent' | 'failed';

/** The marker left in Tiny once Ideris has the tracking: `unsupported` = Tiny does not know the call. */
export type TrackingMarkerState = 'pending' | 'marked' | 'failed' | 'unsupported';

export interface TrackingSyncView {
  state: TrackingSyncState;
  reasonCode: string | null;
  reason: string | null;
  trackingCode: string | null;
  trackingUrl: string | null;
  carrier: string | null;
  shippingMethod: string | null;
  groupingId: string | null;
  groupingType: string | null;
  iderisAnswer: unknown;
  notifications: number;
  checks: number;
  sends: number;
  nextCheckAt: string | null;
  sentAt: string | null;
  marker: { state: TrackingMarkerState | null; error: string | null; markedAt: string | null };
  deliveryPath?: string | null;
  /** Codes sent before the current one (a tracking code changed in Tiny after it was sent). */
  replacedCodes?: string[];
}

export interface FiscalOrderView {
  iderisOrderId: number;
  tinyOrderId: string;
  marketplaceOrderCode: string | null;
  invoices: InvoiceSyncView[];
  tracking: TrackingSyncView | null;
}

/** Answer of "resend invoice" and "send tracking now": what Ideris holds, and whether this call sent it. */
export interface FiscalActionResult<T> {
  sentNow: boolean;
  alreadySent: boolean;
  result: T;
}

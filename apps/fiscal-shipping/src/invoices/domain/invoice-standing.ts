import type { TinyInvoice } from '@hub/tiny';
import type { IderisInvoiceSubmission as InvoiceForIderis } from '@hub/ideris';

/** Tiny NF `situacao` codes (integrator note; the official table was not retrieved). */
const SITUATIONS: Record<number, string> = {
  1: 'Pendente',
  2: 'Emitida',
  3: 'Cancelada',
  4: 'Enviada - aguardando recibo',
  5: 'Rejeitada',
  6: 'Autorizada',
  7: 'Emitida DANFE',
  8: 'Registrada',
  9: 'Enviada - aguardando protocolo',
  10: 'Denegada',
};

/** Tiny NF situation "Cancelada". */
export const CANCELLED = 3;
const AUTHORISED = new Set([6, 7]);
/** Never valid for the marketplace: cancelled, rejected by SEFAZ, denied. */
const REFUSED = new Set([3, 5, 10]);

export type InvoiceStanding = { kind: 'authorised' } | { kind: 'refused'; reason: string } | { kind: 'pending'; reason: string };

export function situationLabel(situation: number | undefined): string {
  return situation === undefined ? 'unknown' : `${SITUATIONS[situation] ?? 'unknown'} (${situation})`;
}

/** Whether Tiny's invoice may go to Ideris as a valid NF-e now, never, or later. */
export function invoiceStanding(situation: number | undefined): InvoiceStanding {
  if (situation !== undefined && AUTHORISED.has(situation)) return { kind: 'authorised' };
  if (situation !== undefined && REFUSED.has(situation)) {
    return { kind: 'refused', reason: `Tiny says the invoice is ${situationLabel(situation)}: it is not sent to Ideris as a valid NF-e` };
  }
  return { kind: 'pending', reason: `Tiny says the invoice is ${situationLabel(situation)}: waiting for its authorisation` };
}

export interface InvoiceSources {
  iderisOrderId: number;
  invoice: TinyInvoice;
  danfeUrl?: string;
  xml?: string;
}

/** What Ideris gets, or why it cannot be built from what Tiny said. */
export function invoiceForIderis(sources: InvoiceSources): { ok: true; value: InvoiceForIderis } | { ok: false; problem: string } {
  const { invoice } = sources;
  if (!invoice.accessKey || !/^\d{44}$/.test(invoice.accessKey)) return { ok: false, problem: `the access key from Tiny is not 44 digits (${invoice.accessKey ?? 'none'})` };
  if (!invoice.number) return { ok: false, problem: 'Tiny gave the invoice no number' };
  if (!invoice.issuedAt) return { ok: false, problem: 'Tiny gave the invoice no issue date' };
  return {
    ok: true,
    value: {
      orderId: sources.iderisOrderId,
      key: invoice.accessKey,
      number: invoice.number,
      // A single series is the common case; Tiny leaves it empty on some answers.
      series: invoice.series || '1',
      issuedAt: invoice.issuedAt,
      valueCents: invoice.totalCents,
      danfeUrl: sources.danfeUrl,
      xml: sources.xml,
    },
  };
}

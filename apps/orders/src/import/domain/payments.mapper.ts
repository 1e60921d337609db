import type { IderisOrderPayment } from '@hub/ideris';
import type { TinyInstallmentDraft } from '@hub/tiny';

export interface PaymentsMapping {
  installments: TinyInstallmentDraft[];
  paymentMethod?: string;
}

/** Ideris passes Mercado Pago's vocabulary through; only methods with a known Tiny code are translated. */
const TINY_PAYMENT_METHOD: Record<string, string> = {
  credit_card: 'credito',
  debit_card: 'debito',
  ticket: 'boleto',
  banking_billet: 'boleto',
  boleto: 'boleto',
  pix: 'pix',
  account_deposit: 'deposito',
  bank_transfer: 'deposito',
};

const SETTLED_STATUSES = new Set(['approved', 'accredited', 'paid', 'aprovado', 'pago']);
const DAYS_BETWEEN_INSTALLMENTS = 30;
const DAY_MS = 86_400_000;

/**
 * Tiny refuses installments that do not sum to the order total, so they are always computed from the
 * total. Each settled payment becomes its own run of installments when the payments add up to the total
 * exactly; otherwise (amounts missing, or a marketplace-funded discount in between) the whole total is
 * spread over the installments of the largest payment. Installment k is due k × 30 days after the order date
 * (ASSUMPTION (docs/contracts.md#ideris-order-detail): the marketplace does not tell when it pays the seller).
 */
export function mapPayments(payments: IderisOrderPayment[], totalCents: number, orderDate: Date | undefined): PaymentsMapping {
  if (totalCents <= 0) return { installments: [] };
  const settled = payments.filter((payment) => payment.status === undefined || SETTLED_STATUSES.has(payment.status.toLowerCase()));
  const groups = paymentGroups(settled, totalCents);
  const installments = groups.flatMap(({ amountCents, count, method }) =>
    splitCents(amountCents, count).map((amount, index) => ({
      days: index * DAYS_BETWEEN_INSTALLMENTS,
      dueDate: orderDate && new Date(orderDate.getTime() + index * DAYS_BETWEEN_INSTALLMENTS * DAY_MS),
      amountCents: amount,
      notes: count > 1 ? `${index + 1}/${count}` : undefined,
      paymentMethod: method,
    })),
  );
  return { installments, paymentMethod: combine(groups.map((group) => group.method)) };
}

/**
 * Splits an amount into `count` parts of whole cents that sum to it exactly. The leftover cents go to
 * the first installment, as Brazilian card processors do (100.00 in 3 → 33.34 + 33.33 + 33.33); never
 * more parts than cents, so no installment is zero.
 */
export function splitCents(amountCents: number, count: number): number[] {
  const parts = Math.max(1, Math.min(Math.floor(count), Math.abs(amountCents)));
  const base = Math.trunc(amountCents / parts);
  const remainder = amountCents - base * parts;
  return Array.from({ length: parts }, (_, index) => (index === 0 ? base + remainder : base));
}

interface PaymentGroup {
  amountCents: number;
  count: number;
  method?: string;
}

function paymentGroups(settled: IderisOrderPayment[], totalCents: number): PaymentGroup[] {
  const amounts = settled.map((payment) => payment.amountCents);
  const sum = amounts.reduce<number>((total, amount) => total + (amount ?? 0), 0);
  if (settled.length > 0 && amounts.every((amount) => amount !== undefined && amount > 0) && sum === totalCents) {
    return settled.map((payment) => ({ amountCents: payment.amountCents ?? 0, count: payment.installments ?? 1, method: tinyMethod(payment) }));
  }
  const main = [...settled].sort((a, b) => (b.amountCents ?? 0) - (a.amountCents ?? 0))[0];
  return [{ amountCents: totalCents, count: main?.installments ?? 1, method: combine(settled.map(tinyMethod)) }];
}

function combine(methods: (string | undefined)[]): string | undefined {
  const known = [...new Set(methods.filter((method) => method !== undefined))];
  return known.length > 1 ? 'multiplas' : known[0];
}

function tinyMethod(payment: IderisOrderPayment): string | undefined {
  return payment.method ? TINY_PAYMENT_METHOD[payment.method.toLowerCase()] : undefined;
}

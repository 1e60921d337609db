import type { IderisOrderDetail } from '@hub/ideris';
import type { TinyAddress, TinyCustomer, TinyDeliveryAddress } from '@hub/tiny';
import { readBrazilianDocument } from './brazilian-document';
import { toStateAbbreviation } from './brazilian-state';

export interface CustomerMapping {
  customer: TinyCustomer;
  deliveryAddress?: TinyDeliveryAddress;
  document: string | null;
  problems: string[];
}

/** Brazilian addressing convention for a street without a number. */
const NO_NUMBER = 'S/N';
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * A hidden or malformed e-mail is left out rather than replaced by a placeholder: Tiny would store the
 * placeholder on the contact (and could overwrite a real address of a repeat buyer) and send the NF-e to it.
 * A missing document is allowed (the contact then cannot be matched by CPF/CNPJ); a document whose check
 * digits fail is a problem, because Tiny refuses it with a misleading error and the NF-e could not be issued.
 */
export function mapCustomer(order: IderisOrderDetail): CustomerMapping {
  const problems: string[] = [];
  const buyer = order.buyer;
  const name = collapse(`${buyer.firstName ?? ''} ${buyer.lastName ?? ''}`) || collapse(buyer.nickname ?? '');
  if (!name) problems.push('customer has no name (first/last name and nickname are empty)');

  const document = readBrazilianDocument(buyer.documentValue, buyer.documentType);
  if (document && !document.valid) {
    problems.push(`customer ${document.personType === 'F' ? 'CPF' : 'CNPJ'} ${document.value} has invalid check digits`);
  }

  const address = mapAddress(order);
  const buyerPhone = formatPhone(buyer.phoneAreaCode, buyer.phoneNumber);
  const receiverPhone = formatPhone(undefined, order.shippingAddress.receiverPhone);
  const customer: TinyCustomer = {
    name,
    personType: document?.personType,
    document: document?.value,
    email: buyer.email && EMAIL_SHAPE.test(buyer.email) ? buyer.email : undefined,
    phone: buyerPhone ?? receiverPhone,
    address,
    updateExisting: true,
  };
  const deliveryAddress: TinyDeliveryAddress | undefined = address && {
    ...address,
    recipientName: collapse(order.shippingAddress.receiverName ?? '') || name,
    phone: receiverPhone ?? buyerPhone,
  };
  return { customer, deliveryAddress, document: document?.value ?? null, problems };
}

/** Without street, city and UF Tiny cannot place the address (its city must match Tiny's table), so none is sent. */
function mapAddress(order: IderisOrderDetail): TinyAddress | undefined {
  const source = order.shippingAddress;
  const street = collapse(source.street ?? source.line ?? '');
  const city = collapse(source.city ?? '');
  const state = toStateAbbreviation(source.stateAbbreviation, source.stateName);
  if (!street || !city || !state) return undefined;
  const complement = collapse(source.complement ?? '');
  return {
    street,
    number: collapse(source.number ?? '') || NO_NUMBER,
    complement: complement || undefined,
    district: collapse(source.district ?? ''),
    zipCode: formatZipCode(source.zipCode),
    city,
    state,
  };
}

/** `(AA) NNNNN-NNNN` / `(AA) NNNN-NNNN` for Brazilian numbers (country code dropped); anything else as digits. */
export function formatPhone(areaCode: string | undefined, number: string | undefined): string | undefined {
  const area = (areaCode ?? '').replace(/\D/g, '').replace(/^0+/, '');
  let digits = (number ?? '').replace(/\D/g, '');
  if (!digits) return undefined;
  if (area && digits.length <= 9) digits = area + digits;
  if ((digits.length === 12 || digits.length === 13) && digits.startsWith('55')) digits = digits.slice(2);
  if (digits.length === 11 && digits.startsWith('0')) digits = digits.slice(1);
  if (digits.length === 10) return `(${digits.slice(0, 2)}) ${digits.slice(2, 6)}-${digits.slice(6)}`;
  if (digits.length === 11) return `(${digits.slice(0, 2)}) ${digits.slice(2, 7)}-${digits.slice(7)}`;
  return digits;
}

/** CEPs that went through a numeric field lose their leading zero (`1001000` is São Paulo's `01001000`). */
function formatZipCode(zipCode: string | undefined): string {
  const digits = (zipCode ?? '').replace(/\D/g, '');
  return digits.length === 7 ? digits.padStart(8, '0') : digits;
}

function collapse(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

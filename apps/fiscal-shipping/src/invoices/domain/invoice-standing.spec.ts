import type { TinyInvoice } from '@hub/tiny';
import { invoiceForIderis, invoiceStanding } from './invoice-standing';

describe('invoiceStanding', () => {
  it.each([
    [6, 'authorised'],
    [7, 'authorised'],
    [3, 'refused'],
    [5, 'refused'],
    [10, 'refused'],
    [1, 'pending'],
    [2, 'pending'],
    [4, 'pending'],
    [9, 'pending'],
    [undefined, 'pending'],
  ])('situation %s is %s', (situation, kind) => {
    expect(invoiceStanding(situation).kind).toBe(kind);
  });

  it('names the situation in the reason of a cancelled invoice', () => {
    expect(invoiceStanding(3)).toEqual({ kind: 'refused', reason: expect.stringContaining('Cancelada (3)') });
    expect(invoiceStanding(10)).toEqual({ kind: 'refused', reason: expect.stringContaining('Denegada (10)') });
  });
});

describe('invoiceForIderis', () => {
  const invoice: TinyInvoice = {
    id: '9',
    number: '1234',
    series: '',
    accessKey: '3'.repeat(44),
    issuedAt: new Date('2025-01-02T03:00:00Z'),
    totalCents: 15990,
    situation: 6,
  };

  it('maps Tiny invoice fields to the Ideris submission, series defaulting to 1', () => {
    const built = invoiceForIderis({ iderisOrderId: 77, invoice, danfeUrl: 'https://tiny.com.br/doc.view.php?id=x', xml: '<nfeProc/>' });
    expect(built).toEqual({
      ok: true,
      value: { orderId: 77, key: '3'.repeat(44), number: '1234', series: '1', issuedAt: invoice.issuedAt, valueCents: 15990, danfeUrl: 'https://tiny.com.br/doc.view.php?id=x', xml: '<nfeProc/>' },
    });
  });

  it.each([
    [{ accessKey: '123' }, /44 digits/],
    [{ accessKey: undefined }, /44 digits/],
    [{ number: '' }, /no number/],
    [{ issuedAt: undefined }, /no issue date/],
  ])('refuses %o', (patch, problem) => {
    const built = invoiceForIderis({ iderisOrderId: 1, invoice: { ...invoice, ...patch } });
    expect(built.ok).toBe(false);
    if (!built.ok) expect(built.problem).toMatch(problem);
  });
});

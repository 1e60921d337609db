import { redact, redactText } from './redact';

describe('redact', () => {
  it('masks secrets and documents by key, keeps public keys and ids', () => {
    const out = redact({ token: 'abcdef123456', nested: { privateKey: 'k'.repeat(40), Authorization: 'Bearer abc.def.gh' }, documentValue: '12345678909', accessKey: '3'.repeat(44), id: 7, items: [{ apiKey: 'zz-top' }] });
    expect(out).toEqual({ token: '***56', nested: { privateKey: '***kk', Authorization: '***gh' }, documentValue: '***09', accessKey: '3'.repeat(44), id: 7, items: [{ apiKey: '***op' }] });
  });

  it.each([
    ['https://api.tiny.com.br/api2/pedido.obter.php?token=abc123&id=9', 'https://api.tiny.com.br/api2/pedido.obter.php?token=***&id=9'],
    ['customer CPF 123.456.789-09 has invalid check digits', 'customer CPF *** has invalid check digits'],
    ['CNPJ: 12.345.678/0001-95 unknown', 'CNPJ: *** unknown'],
    ['order 2000123 refused', 'order 2000123 refused'],
  ])('%s', (text, expected) => {
    expect(redactText(text)).toBe(expected);
  });
});

import { TinyClient } from './tiny-client';
import { TinyFulfilmentApi } from './tiny-fulfilment.api';
import type { TinyInvoiceLocator } from './tiny-fiscal.models';

/** An order invoiced twice: Tiny's order names only the latest invoice (802), the notification may be of the first (801). */
const INVOICES: Record<string, Record<string, unknown>> = {
  '801': { id: '801', numero: '000123', serie: '1', chave_acesso: '1'.repeat(44), situacao: '3', id_venda: '500' },
  '802': { id: '802', numero: '000124', serie: '1', chave_acesso: '2'.repeat(44), situacao: '6', id_venda: '500' },
};

function tinyWithReissuedOrder(): { api: TinyFulfilmentApi; scripts: string[] } {
  const scripts: string[] = [];
  const answer = (retorno: Record<string, unknown>) => new Response(JSON.stringify({ retorno: { status: 'OK', ...retorno } }), { status: 200, headers: { 'content-type': 'application/json' } });
  const fakeFetch = (async (url: string | URL, init?: RequestInit) => {
    const script = String(url).split('/').pop() ?? '';
    const form = new URLSearchParams(String(init?.body ?? ''));
    scripts.push(script);
    if (script === 'pedido.obter.php') return answer({ pedido: { id: '500', numero: '9', numero_ecommerce: 'ML-1', id_nota_fiscal: '802', situacao: 'Faturado' } });
    if (script === 'nota.fiscal.obter.php') return answer({ nota_fiscal: INVOICES[form.get('id') ?? ''] });
    if (script === 'notas.fiscais.pesquisa.php') {
      const hits = Object.values(INVOICES).filter((invoice) => String(invoice['numero']).endsWith(form.get('numero') ?? '-'));
      return answer({ pagina: '1', numero_paginas: '1', notas_fiscais: hits.map((nota_fiscal) => ({ nota_fiscal })) });
    }
    return answer({});
  }) as typeof fetch;
  return { api: new TinyFulfilmentApi(new TinyClient({ baseUrl: 'http://tiny.test/api2', token: 't', fetch: fakeFetch })), scripts };
}

describe('findInvoiceId: the order’s id_nota_fiscal is taken only when it is the invoice named', () => {
  it.each<[string, TinyInvoiceLocator, string | undefined, string[]]>([
    ['the first invoice by number: not the order’s latest', { orderId: '500', number: '123', series: '1' }, '801', ['pedido.obter.php', 'nota.fiscal.obter.php', 'notas.fiscais.pesquisa.php']],
    ['the first invoice by access key (and number)', { orderId: '500', number: '123', accessKey: '1'.repeat(44) }, '801', ['pedido.obter.php', 'nota.fiscal.obter.php', 'notas.fiscais.pesquisa.php']],
    ['the latest invoice by number: the order’s, checked', { orderId: '500', number: '124' }, '802', ['pedido.obter.php', 'nota.fiscal.obter.php']],
    ['a key that is neither: nothing', { orderId: '500', accessKey: '9'.repeat(44) }, undefined, ['pedido.obter.php', 'nota.fiscal.obter.php']],
    ['nothing but the order: the order’s invoice', { orderId: '500' }, '802', ['pedido.obter.php']],
  ])('%s', async (_, locator, expected, scripts) => {
    const tiny = tinyWithReissuedOrder();
    expect(await tiny.api.findInvoiceId(locator)).toBe(expected);
    expect(tiny.scripts).toEqual(scripts);
  });
});

import type { NestExpressApplication } from '@nestjs/platform-express';
import { startSandbox } from '../sandbox-app';

describe('sandbox: Tiny API v2 wire behaviour', () => {
  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    ({ app, base } = await startSandbox());
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    await post('/control/reset', {});
    await post('/control/tiny/accounts', { token: 'tok-a', cnpj: '12345678000190', razaoSocial: 'Loja A Ltda', limitPerMinute: 8 });
  });

  async function post(path: string, body: unknown): Promise<Response> {
    return fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  function form(fields: Record<string, string>): RequestInit {
    return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() };
  }

  async function retorno(response: Response): Promise<Record<string, any>> {
    const body = (await response.json()) as { retorno: Record<string, any> };
    return body.retorno;
  }

  it('answers info.php from a form body with the x-limit-api header', async () => {
    const response = await fetch(`${base}/tiny/api2/info.php`, form({ token: 'tok-a', formato: 'json' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-limit-api')).toBe('8');
    const body = await retorno(response);
    expect(body['status']).toBe('OK');
    expect(body['conta']).toMatchObject({ razao_social: 'Loja A Ltda', cnpj_cpf: '12.345.678/0001-90' });
  });

  it('reads the token from the query string on GET', async () => {
    const body = await retorno(await fetch(`${base}/tiny/api2/info.php?token=tok-a&formato=JSON`));
    expect(body['status']).toBe('OK');
  });

  it('answers missing and unknown tokens with codes 1 and 2 inside HTTP 200', async () => {
    const missing = await fetch(`${base}/tiny/api2/info.php`, form({ formato: 'json' }));
    expect(missing.status).toBe(200);
    expect(await retorno(missing)).toMatchObject({ status_processamento: 1, status: 'Erro', codigo_erro: 1 });
    const unknown = await retorno(await fetch(`${base}/tiny/api2/info.php`, form({ token: 'nope' })));
    expect(unknown).toMatchObject({ status_processamento: 1, codigo_erro: 2, erros: [{ erro: 'token invalido' }] });
  });

  it('answers an unknown script with an HTML 404 page', async () => {
    const response = await fetch(`${base}/tiny/api2/nao.existe.php`, form({ token: 'tok-a' }));
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('text/html');
  });

  it('blocks the call after the per-minute limit with code 6 and counts the block', async () => {
    const codes: unknown[] = [];
    for (let i = 0; i < 10; i += 1) {
      codes.push((await retorno(await fetch(`${base}/tiny/api2/info.php`, form({ token: 'tok-a' }))))['codigo_erro']);
    }
    expect(codes.filter((code) => code === undefined)).toHaveLength(8);
    expect(codes.slice(8)).toEqual(['6', '6']);
    const calls = (await (await fetch(`${base}/control/calls`)).json()) as { tiny: Record<string, any> };
    expect(calls.tiny['tok-a']).toMatchObject({ calls: 10, blocks: 2, endpoints: { info: { ok: 8, blocks: 2 } } });
  });

  it('refuses calls beyond a quarter of the limit in flight with code 11', async () => {
    await post('/control/faults', { system: 'tiny', account: 'tok-a', endpoint: 'info', latencyMs: 300 });
    const answers = await Promise.all(
      Array.from({ length: 4 }, async () => retorno(await fetch(`${base}/tiny/api2/info.php`, form({ token: 'tok-a' })))),
    );
    expect(answers.filter((body) => body['status'] === 'OK')).toHaveLength(2);
    expect(answers.filter((body) => body['codigo_erro'] === '11')).toHaveLength(2);
  });

  it('injects a Tiny error code and a 5xx through the fault API', async () => {
    await post('/control/faults', { system: 'tiny', account: 'tok-a', endpoint: 'info.php', tinyCodigoErro: 35, times: 1 });
    await post('/control/faults', { system: 'tiny', account: 'tok-a', endpoint: 'info', httpStatus: 503, times: 1 });
    expect(await retorno(await fetch(`${base}/tiny/api2/info.php`, form({ token: 'tok-a' })))).toMatchObject({ codigo_erro: 35 });
    expect((await fetch(`${base}/tiny/api2/info.php`, form({ token: 'tok-a' }))).status).toBe(503);
    expect(await retorno(await fetch(`${base}/tiny/api2/info.php`, form({ token: 'tok-a' })))).toMatchObject({ status: 'OK' });
  });

  it('limits contato.incluir (a batch service) to 5 calls a minute on top of the plan limit', async () => {
    await post('/control/tiny/accounts', { token: 'tok-batch', cnpj: '1', limitPerMinute: 120 });
    const contato = JSON.stringify({ contatos: [{ contato: { sequencia: 1, nome: 'Maria', situacao: 'A' } }] });
    const codes: unknown[] = [];
    for (let i = 0; i < 6; i += 1) {
      codes.push((await retorno(await fetch(`${base}/tiny/api2/contato.incluir.php`, form({ token: 'tok-batch', contato }))))['codigo_erro']);
    }
    expect(codes).toEqual([undefined, undefined, undefined, undefined, undefined, '6']);
    expect(await retorno(await fetch(`${base}/tiny/api2/info.php`, form({ token: 'tok-batch' })))).toMatchObject({ status: 'OK' });
  });

  it('counts an injected code 6 as a block', async () => {
    await post('/control/faults', { system: 'tiny', account: 'tok-a', tinyCodigoErro: 6, times: 1 });
    await fetch(`${base}/tiny/api2/info.php`, form({ token: 'tok-a' }));
    const calls = (await (await fetch(`${base}/control/calls`)).json()) as { tiny: Record<string, any> };
    expect(calls.tiny['tok-a']).toMatchObject({ blocks: 1 });
  });

  it('refuses produto.incluir with more than 20 records with code 22, spending a batch call', async () => {
    const produtos = Array.from({ length: 21 }, (_, index) => ({ produto: { sequencia: index + 1, nome: `P${index}`, unidade: 'UN', preco: '1.00', origem: '0', situacao: 'A', tipo: 'P' } }));
    const body = await retorno(await fetch(`${base}/tiny/api2/produto.incluir.php`, form({ token: 'tok-a', produto: JSON.stringify({ produtos }) })));
    expect(body).toMatchObject({ status: 'Erro', codigo_erro: 22 });
    const calls = (await (await fetch(`${base}/control/calls`)).json()) as { tiny: Record<string, any> };
    expect(calls.tiny['tok-a'].endpoints['produto.incluir']).toMatchObject({ calls: 1, errors: 1 });
  });

  it('links an order to the contact holding the same CPF however it is formatted', async () => {
    const contato = JSON.stringify({ contatos: [{ contato: { sequencia: 1, nome: 'Maria', cpf_cnpj: '123.456.789-09', situacao: 'A' } }] });
    const created = await retorno(await fetch(`${base}/tiny/api2/contato.incluir.php`, form({ token: 'tok-a', contato })));
    const pedido = JSON.stringify({ pedido: { cliente: { nome: 'Maria S.', cpf_cnpj: '12345678909' }, itens: [{ item: { descricao: 'X', unidade: 'UN', quantidade: '1', valor_unitario: '1.00' } }] } });
    await fetch(`${base}/tiny/api2/pedido.incluir.php`, form({ token: 'tok-a', pedido }));
    const state = (await (await fetch(`${base}/control/tiny/state?token=tok-a`)).json()) as { orders: Array<{ idContato: number }>; contacts: unknown[] };
    expect(state.contacts).toHaveLength(1);
    expect(state.orders[0].idContato).toBe(created['registros'][0].registro.id);
  });

  it('answers nota.fiscal.obter.xml in XML even with formato=json', async () => {
    const response = await fetch(`${base}/tiny/api2/nota.fiscal.obter.xml.php`, form({ token: 'tok-a', formato: 'json', id: '1' }));
    expect(response.headers.get('content-type')).toContain('application/xml');
    expect(await response.text()).toContain('<codigo_erro>32</codigo_erro>');
  });
});

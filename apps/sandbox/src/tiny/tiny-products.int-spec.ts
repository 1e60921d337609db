import type { NestExpressApplication } from '@nestjs/platform-express';
import { startSandbox } from '../sandbox-app';

const TOKEN = 'tok-products';

/** Products with variations, kits, images and packaging through Tiny's scripts and the seller's control calls. */
describe('sandbox: Tiny products (variations, kits, images, dimensions)', () => {
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
    await post('/control/tiny/accounts', { token: TOKEN, cnpj: '12345678000190', limitPerMinute: 600 });
  });

  function post(path: string, body: unknown): Promise<Response> {
    return fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  async function script(name: string, fields: Record<string, string>): Promise<any> {
    const response = await fetch(`${base}/tiny/api2/${name}.php`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: TOKEN, formato: 'json', ...fields }).toString(),
    });
    return ((await response.json()) as { retorno: any }).retorno;
  }

  const produtos = (...items: object[]) => ({ produto: JSON.stringify({ produtos: items.map((produto, index) => ({ produto: { sequencia: String(index + 1), ...produto } })) }) });
  const required = { unidade: 'UN', preco: '50.00', origem: '0', situacao: 'A', tipo: 'P' };

  it('keeps images, packaging and cost on incluir and answers them on obter', async () => {
    const created = await script(
      'produto.incluir',
      produtos({
        ...required,
        codigo: 'IMG-1',
        nome: 'Mochila',
        gtin: '7891234567895',
        ncm: '42022210',
        preco_custo: '20.5',
        peso_bruto: '0.800',
        altura_embalagem: '10',
        largura_embalagem: '30',
        comprimento_embalagem: '40',
        anexos: [{ anexo: 'https://img.example/a.jpg' }],
        imagens_externas: [{ imagem_externa: { url: 'https://img.example/b.png' } }],
      }),
    );
    expect(created.status).toBe('OK');
    const id = created.registros[0].registro.id;
    const detail = (await script('produto.obter', { id: String(id) })).produto;
    expect(detail).toMatchObject({
      codigo: 'IMG-1',
      gtin: '7891234567895',
      ncm: '42022210',
      preco_custo: '20.50',
      peso_bruto: '0.800',
      alturaEmbalagem: '10',
      larguraEmbalagem: '30',
      comprimentoEmbalagem: '40',
      anexos: [{ anexo: 'https://img.example/a.jpg' }, { anexo: 'https://img.example/b.png' }],
    });
  });

  it('alters variations by code (updates the ones sent, adds new ones, keeps the rest) and refuses a kit with variations', async () => {
    const created = await script(
      'produto.incluir',
      produtos({ ...required, codigo: 'CAM', nome: 'Camiseta', variacoes: [{ variacao: { codigo: 'CAM-P', grade: { Tamanho: 'P' } } }, { variacao: { codigo: 'CAM-M', grade: { Tamanho: 'M' } } }] }),
    );
    const id = String(created.registros[0].registro.id);
    const altered = await script(
      'produto.alterar',
      produtos({ id, variacoes: [{ variacao: { codigo: 'CAM-M', gtin: '7890000000017', grade: { Tamanho: 'M', Cor: 'Azul' } } }, { variacao: { codigo: 'CAM-G', preco: '55.00', grade: { Tamanho: 'G' } } }] }),
    );
    expect(altered.status).toBe('OK');
    const detail = (await script('produto.obter', { id })).produto;
    expect(detail.variacoes.map((entry: any) => [entry.variacao.codigo, entry.variacao.grade, entry.variacao.gtin])).toEqual([
      ['CAM-P', { Tamanho: 'P' }, ''],
      ['CAM-M', { Tamanho: 'M', Cor: 'Azul' }, '7890000000017'],
      ['CAM-G', { Tamanho: 'G' }, ''],
    ]);
    const child = (await script('produto.obter', { id: detail.variacoes[2].variacao.id })).produto;
    expect(child).toMatchObject({ tipoVariacao: 'V', idProdutoPai: id, preco: '55.00' });

    const clash = await script('produto.incluir', produtos({ ...required, codigo: 'OTHER', nome: 'Outro', variacoes: [{ variacao: { codigo: 'CAM-G', grade: { Tamanho: 'G' } } }] }));
    expect(clash.registros[0].registro).toMatchObject({ status: 'Erro', codigo_erro: '30' });

    const kitWithVariations = await script(
      'produto.incluir',
      produtos({ ...required, codigo: 'KIT-V', nome: 'Kit', kit: [{ item: { id_produto: id, quantidade: '1' } }], variacoes: [{ variacao: { codigo: 'KIT-V-P', grade: { Tamanho: 'P' } } }] }),
    );
    expect(kitWithVariations.registros[0].registro).toMatchObject({ status: 'Erro', codigo_erro: '31', erros: expect.arrayContaining([{ erro: 'Um produto kit não pode ter variações' }]) });
  });

  it('seeds a generated catalogue: variations as child products, kits of earlier simple products, reproducible from the seed', async () => {
    const response = await post('/control/tiny/products/catalog', { token: TOKEN, count: 40, prefix: 'T', variationRate: 0.3, kitRate: 0.2, seed: 3 });
    expect(response.status).toBe(201);
    const seeded = (await response.json()) as any;
    expect(seeded.created).toBe(40);
    expect(seeded.variations).toBeGreaterThan(0);
    expect(seeded.kits).toBeGreaterThan(0);

    const state = (await (await fetch(`${base}/control/tiny/state?token=${TOKEN}`)).json()) as any;
    expect(state.products).toHaveLength(40 + seeded.variations);
    const parent = seeded.products.find((product: any) => Object.keys(product.variations).length > 0);
    const children = state.products.filter((product: any) => product.idProdutoPai === parent.id);
    expect(children.map((child: any) => child.codigo).sort()).toEqual(Object.keys(parent.variations).sort());
    expect(children.every((child: any) => child.tipoVariacao === 'V' && child.grade.Tamanho)).toBe(true);
    const kit = state.products.find((product: any) => product.classeProduto === 'K');
    for (const item of kit.kit) {
      const component = state.products.find((product: any) => product.id === item.idProduto);
      expect(component).toMatchObject({ tipoVariacao: 'N', classeProduto: 'S' });
      expect(state.products.indexOf(component)).toBeLessThan(state.products.indexOf(kit));
    }
    const obter = (await script('produto.obter', { id: String(kit.id) })).produto;
    expect(obter.classe_produto).toBe('K');
    expect(obter.kit.length).toBe(kit.kit.length);

    // Same seed, same catalogue (codes taken: refused as a whole with the code).
    const again = await post('/control/tiny/products/catalog', { token: TOKEN, count: 1, prefix: 'T', seed: 3 });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('T-0001');
  });

  it('refuses a malformed catalogue with the field named', async () => {
    const response = await post('/control/tiny/products/catalog', { token: TOKEN, products: [{ sku: 'X', variations: [{ sku: 'X-1', grid: 'P' }] }] });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('products[0].variations[0].grid');
  });
});

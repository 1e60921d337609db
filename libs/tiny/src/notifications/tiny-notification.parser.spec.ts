import { parseTinyNotification, type TinyNotification } from './tiny-notification.parser';
import { buildTinyProductWebhookReply } from './tiny-product-webhook.reply';
import type { TinyProductNotificationData } from './tiny-catalog-notification.dto';

const CNPJ = '48404755000188';

function envelope(tipo: string, dados: unknown, extra: Record<string, unknown> = { idEcommerce: 7321 }): string {
  return JSON.stringify({ versao: '1.0.0', cnpj: CNPJ, tipo, ...extra, dados });
}

function parsed(raw: string): TinyNotification {
  const result = parseTinyNotification(raw);
  if (!result.ok) throw new Error(result.error.message);
  return result.notification;
}

function reasons(raw: string): string[] {
  const result = parseTinyNotification(raw);
  if (result.ok) throw new Error(`expected a failure, got ${result.notification.kind}`);
  return result.error.reasons;
}

const PRODUCT = {
  id: '915432100',
  idMapeamento: '',
  skuMapeamento: '',
  nome: 'Camiseta Básica',
  codigo: 'CAM-BAS',
  unidade: 'UN',
  preco: '79.9000000000',
  precoPromocional: '0.00',
  ncm: '6109.10.00',
  origem: '0',
  gtin: '',
  pesoLiquido: '0.180',
  pesoBruto: '0.200',
  alturaEmbalagem: '10.00',
  larguraEmbalagem: 20,
  comprimentoEmbalagem: '',
  estoqueAtual: 12,
  situacao: 'A',
  classeProduto: 'V',
  marca: 'Marca X',
  arvoreCategoria: [{ id: '1', idPai: 0, descricao: 'Roupas', descricaoCompleta: 'Roupas' }],
  variacoes: [
    { id: 915432101, idMapeamento: '88001', skuMapeamento: 'CAM-BAS-P-AZ', codigo: 'CAM-BAS-P-AZ', preco: '79.90', estoqueAtual: 5, grade: [{ chave: 'Tamanho', valor: 'P' }, { chave: 'Cor', valor: 'Azul' }], anexos: [] },
    { id: '915432102', idMapeamento: '', skuMapeamento: '', codigo: 'CAM-BAS-M-AZ', preco: 79.9, estoqueAtual: '7', grade: { Tamanho: 'M', Cor: 'Azul' } },
  ],
  anexos: [{ url: 'https://s3.tiny.example/cam.jpg', nome: 'cam.jpg', tipo: 'image/jpeg' }],
  seo: { title: 'Camiseta', description: '', keywords: '', linkVideo: '', slug: 'camiseta' },
  kit: [],
};

describe('parseTinyNotification', () => {
  it.each([
    ['an empty body', ''],
    ['a whitespace body', '  \n'],
    ['an empty object', '{}'],
  ])('treats %s as the validation ping Tiny sends when a URL is saved', (_label, raw) => {
    expect(parsed(raw)).toEqual({ kind: 'ping' });
  });

  it.each([
    ['estoque with ids as numbers and the balance as a string', { tipoEstoque: 'D', saldo: '12.000', idProduto: 915432101, sku: 'CAM-BAS-P-AZ', skuMapeamento: 'CAM-BAS-P-AZ', skuMapeamentoPai: 'CAM-BAS' }, { tipoEstoque: 'D', saldo: '12', idProduto: '915432101', skuMapeamentoPai: 'CAM-BAS' }],
    ['estoque without tipoEstoque and with a numeric balance', { saldo: 3.5, idProduto: '915432100', sku: 'CAM-BAS', skuMapeamento: 'CAM-BAS', skuMapeamentoPai: '' }, { saldo: '3.5', idProduto: '915432100', skuMapeamentoPai: undefined }],
    ['precos with string prices', { idMapeamento: '88001', skuMapeamento: 'CAM-BAS-P-AZ', skuMapeamentoPai: 'CAM-BAS', nome: 'Camiseta P Azul', codigo: 'CAM-BAS-P-AZ', preco: '89.90', precoPromocional: '79.90' }, { preco: '89.9', precoPromocional: '79.9', idMapeamento: '88001' }],
    ['precos with numeric prices and a numeric code', { idMapeamento: 88002, skuMapeamento: 1234, codigo: 1234, preco: 10, precoPromocional: '' }, { preco: '10', precoPromocional: undefined, idMapeamento: '88002', codigo: '1234' }],
  ])('parses %s', (_label, dados, expected) => {
    const notification = parsed(envelope(_label.startsWith('estoque') ? 'estoque' : 'precos', dados));
    expect(notification.kind).toBe(_label.startsWith('estoque') ? 'estoque' : 'precos');
    if (notification.kind === 'ping') throw new Error('unexpected ping');
    expect(notification.envelope).toMatchObject({ cnpj: CNPJ, idEcommerce: '7321', versao: '1.0.0' });
    expect(notification.dados).toMatchObject(expected);
  });

  it('parses a product with variations whose grids come as a list or as an object', () => {
    const notification = parsed(envelope('produto', PRODUCT));
    if (notification.kind !== 'produto') throw new Error(notification.kind);
    const dados = notification.dados;
    expect(dados).toMatchObject({ id: '915432100', preco: '79.9', precoPromocional: '0', estoqueAtual: '12', idMapeamento: undefined, codigo: 'CAM-BAS' });
    expect([dados.alturaEmbalagem, dados.larguraEmbalagem, dados.comprimentoEmbalagem]).toEqual(['10', '20', undefined]);
    expect(dados.variacoes?.map((variation) => [variation.id, variation.preco, variation.estoqueAtual, variation.grade])).toEqual([
      ['915432101', '79.9', '5', { Tamanho: 'P', Cor: 'Azul' }],
      ['915432102', '79.9', '7', { Tamanho: 'M', Cor: 'Azul' }],
    ]);
    expect(dados.anexos?.[0]?.url).toBe('https://s3.tiny.example/cam.jpg');
  });

  it.each([
    [
      'rastreio (versao 1.0.1)',
      'rastreio',
      { idEntregaEcommerce: '', idVendaTiny: 700000123, idNotaFiscalTiny: '700000456', idPedidoEcommerce: '2000008123456789', codigoRastreio: 'QB123456789BR', urlRastreio: 'https://rastreamento.correios.com.br/app/index.php?objetos=QB123456789BR', transportadora: 'Correios', formaEnvio: 'C', formaFrete: 'PAC' },
      { idVendaTiny: '700000123', idNotaFiscalTiny: '700000456', codigoRastreio: 'QB123456789BR', idEntregaEcommerce: undefined },
    ],
    ['rastreio with the order id as dados.id', 'rastreio', { id: '700000124', codigoRastreio: 'JD000123' }, { idVendaTiny: '700000124' }],
    [
      'nota_fiscal with a grouped access key',
      'nota_fiscal',
      { idNotaFiscalTiny: 700000456, numero: 1523, serie: '1', chaveAcesso: '3524 0648 4047 5500 0188 5500 1000 0015 2310 0000 1234', urlDanfe: 'https://erp.tiny.com.br/doc.view?id=abc', dataEmissao: '05/06/2024', valorNota: '114.80', idPedidoEcommerce: 'R123456', idVendaTiny: '700000123' },
      { idNotaFiscalTiny: '700000456', numero: '1523', chaveAcesso: '35240648404755000188550010000015231000001234', valorNota: '114.8' },
    ],
    ['situacao_pedido with a code', 'situacao_pedido', { idPedidoEcommerce: 'R123456', idVendaTiny: '700000123', situacao: 'enviado', descricaoSituacao: 'Enviado' }, { idVendaTiny: '700000123', situacao: 'enviado' }],
    ['situacao_pedido with a description', 'situacao_pedido', { idVendaTiny: 700000123, situacao: 'Faturado (atendido)' }, { situacao: 'Faturado (atendido)' }],
  ])('parses %s', (_label, tipo, dados, expected) => {
    const notification = parsed(envelope(tipo, dados));
    expect(notification.kind).toBe(tipo);
    if (notification.kind === 'ping') throw new Error('unexpected ping');
    expect(notification.dados).toMatchObject(expected);
  });

  it.each(['inclusao_pedido', 'atualizacao_pedido'])('parses the account webhook %s (no idEcommerce, numero as number, idNotaFiscal "0")', (tipo) => {
    const dados = {
      id: 123,
      numero: 456,
      data: '01/01/2024',
      idPedidoEcommerce: 'R123',
      codigoSituacao: 'aberto',
      descricaoSituacao: 'Em aberto',
      idContato: 789,
      idNotaFiscal: '0',
      nomeEcommerce: 'Loja X',
      formaEnvio: { id: '1', descricao: 'Correios' },
      cliente: { nome: 'Maria', cpfCnpj: '123.456.789-09' },
    };
    const notification = parsed(envelope(tipo, dados, {}));
    if (notification.kind !== 'inclusao_pedido' && notification.kind !== 'atualizacao_pedido') throw new Error(notification.kind);
    expect(notification.envelope.idEcommerce).toBeUndefined();
    expect(notification.dados).toMatchObject({ id: '123', numero: '456', idContato: '789', idNotaFiscal: undefined, cliente: { cpfCnpj: '12345678909' }, formaEnvio: { id: '1' } });
  });

  it('accepts a formatted cnpj and a string idEcommerce in the envelope', () => {
    const notification = parsed(JSON.stringify({ versao: '1.0.1', cnpj: '48.404.755/0001-88', idEcommerce: '7321', tipo: 'estoque', dados: { saldo: '1', idProduto: '1' } }));
    if (notification.kind === 'ping') throw new Error('ping');
    expect(notification.envelope).toMatchObject({ cnpj: CNPJ, idEcommerce: '7321' });
  });

  it.each([
    ['malformed JSON', '{"tipo":', ['body is not valid JSON']],
    ['a JSON array', '[]', ['body must be a JSON object with cnpj, tipo and dados']],
    ['an unknown tipo', envelope('cotacao_frete', {}), ['tipo: tipo must be one of estoque, produto, precos, rastreio, nota_fiscal, situacao_pedido, inclusao_pedido, atualizacao_pedido']],
    ['a missing cnpj', JSON.stringify({ tipo: 'estoque', dados: { saldo: '1', idProduto: '1' } }), ['cnpj: cnpj is missing from the notification']],
    ['missing dados', JSON.stringify({ cnpj: CNPJ, tipo: 'estoque' }), ['dados must be an object']],
    ['a comma decimal balance', envelope('estoque', { saldo: '12,5', idProduto: '1' }), ['dados.saldo: saldo must be a decimal with a dot']],
    ['a non-numeric product id', envelope('estoque', { saldo: '1', idProduto: 'abc' }), ['dados.idProduto: idProduto must be a numeric id']],
    ['an unknown tipoEstoque', envelope('estoque', { tipoEstoque: 'X', saldo: '1', idProduto: '1' }), ['dados.tipoEstoque: tipoEstoque must be one of the following values: F, D']],
    ['a short access key', envelope('nota_fiscal', { idNotaFiscalTiny: '1', numero: '1', chaveAcesso: '123' }), ['dados.chaveAcesso: chaveAcesso must have 44 digits']],
    ['a tracking without code', envelope('rastreio', { idVendaTiny: '1' }), ['dados.codigoRastreio: codigoRastreio must be informed']],
    ['a variation without id', envelope('produto', { id: '1', nome: 'X', variacoes: [{ codigo: 'X-P' }] }), ['dados.variacoes.0.id: id must be a number string']],
  ])('rejects %s with the reasons', (_label, raw, expected) => {
    expect(reasons(raw)).toEqual(expected);
  });

  it('names the tipo on the error', () => {
    const result = parseTinyNotification(envelope('estoque', { saldo: 'x', idProduto: '1' }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ tipo: 'estoque', name: 'TinyNotificationError' });
  });
});

describe('buildTinyProductWebhookReply', () => {
  function product(): TinyProductNotificationData {
    const notification = parsed(envelope('produto', PRODUCT));
    if (notification.kind !== 'produto') throw new Error(notification.kind);
    return notification.dados;
  }

  it('answers one flat item for the product and one per variation, defaulting the SKU to Tiny codes', () => {
    expect(buildTinyProductWebhookReply(product())).toEqual([
      { idMapeamento: '915432100', skuMapeamento: 'CAM-BAS' },
      { idMapeamento: '88001', skuMapeamento: 'CAM-BAS-P-AZ' },
      { idMapeamento: '915432102', skuMapeamento: 'CAM-BAS-M-AZ' },
    ]);
  });

  it('carries urls and per-item errors decided by the receiver', () => {
    const reply = buildTinyProductWebhookReply(product(), (target) =>
      target.codigo === 'CAM-BAS-M-AZ' ? { error: 'SKU já usado por outro anúncio' } : { urlProduto: `https://loja.example/p/${target.codigo ?? ''}`, urlImagem: target.variation ? undefined : 'https://loja.example/i.jpg' },
    );
    expect(reply).toEqual([
      { idMapeamento: '915432100', skuMapeamento: 'CAM-BAS', urlProduto: 'https://loja.example/p/CAM-BAS', urlImagem: 'https://loja.example/i.jpg' },
      { idMapeamento: '88001', skuMapeamento: 'CAM-BAS-P-AZ', urlProduto: 'https://loja.example/p/CAM-BAS-P-AZ' },
      { idMapeamento: '915432102', skuMapeamento: 'CAM-BAS-M-AZ', error: 'SKU já usado por outro anúncio' },
    ]);
    expect(Array.isArray(reply)).toBe(true);
  });
});

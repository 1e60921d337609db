import { isRecord } from '../common/request-params';
import type { TinyKitComponent, TinyProduct } from './tiny-data.store';
import { decimal, money, text, tinyDate } from './tiny-wire';

export interface TinyVariationInput {
  codigo: string;
  preco?: string;
  estoque?: number;
  gtin?: string;
  grade: Record<string, string>;
}

/** Validation as Tiny reports it: every problem of the record at once (code 31), or a duplicate code (30). */
export function productRecordErrors(
  produto: Record<string, unknown>,
  others: TinyProduct[],
  creating: boolean,
): { messages: string[]; duplicate: boolean } {
  const messages: string[] = [];
  const required = (field: string, message: string): void => {
    if (creating && !text(produto[field])) messages.push(message);
  };
  if (!text(produto['sequencia'])) messages.push('O campo sequencia deve ser informado');
  required('nome', 'O nome do produto deve ser informado');
  required('unidade', 'A unidade do produto deve ser informada');
  required('preco', 'O preço do produto deve ser informado');
  required('origem', 'A origem do produto deve ser informada');
  required('situacao', 'A situação do produto deve ser informada');
  required('tipo', 'O tipo do produto deve ser informado');
  for (const field of ['preco', 'preco_promocional', 'preco_custo', 'peso_bruto', 'peso_liquido', 'estoque_atual', 'altura_embalagem', 'largura_embalagem', 'comprimento_embalagem']) {
    if (produto[field] !== undefined && text(produto[field]) !== undefined && decimal(produto[field]) === undefined) {
      messages.push(`campo ${field} deve ser decimal, separado por ponto`);
    }
  }
  const situacao = text(produto['situacao']);
  if (situacao && !['A', 'I'].includes(situacao)) messages.push('A situação do produto deve ser A ou I');
  const tipo = text(produto['tipo']);
  if (tipo && !['P', 'S'].includes(tipo)) messages.push('O tipo do produto deve ser P ou S');
  const nome = text(produto['nome']);
  if (nome && nome.length > 120) messages.push('O nome do produto deve ter no máximo 120 caracteres');
  const codes = [text(produto['codigo']), ...variationsFromWire(produto['variacoes']).map((variation) => variation.codigo)].filter(
    (code): code is string => code !== undefined,
  );
  if (variationsFromWire(produto['variacoes']).some((variation) => Object.keys(variation.grade).length === 0)) {
    messages.push('Cada variação deve informar a grade');
  }
  for (const item of kitFromWire(produto['kit'])) {
    if (!others.some((other) => other.id === item.idProduto)) messages.push(`Produto do kit não localizado: ${item.idProduto}`);
  }
  // ASSUMPTION (docs/contracts.md#tiny-produto-incluir-alterar): a product is one class (S simple, K kit, V with variations), so a kit with variations is refused.
  if (kitFromWire(produto['kit']).length > 0 && variationsFromWire(produto['variacoes']).length > 0) messages.push('Um produto kit não pode ter variações');
  const duplicate = codes.some((code) => others.some((other) => other.codigo === code && other.situacao !== 'E'));
  return { messages, duplicate };
}

/** The scalar product fields Tiny takes on incluir/alterar, mapped to the stored model (absent = unchanged). */
export function productFieldsFromWire(produto: Record<string, unknown>): Partial<TinyProduct> {
  const fields: Partial<TinyProduct> = {};
  const set = <K extends keyof TinyProduct>(key: K, value: TinyProduct[K] | undefined): void => {
    if (value !== undefined) fields[key] = value;
  };
  const amount = (field: string): string | undefined => {
    const value = decimal(produto[field]);
    return value === undefined ? undefined : money(value);
  };
  set('codigo', text(produto['codigo']));
  set('nome', text(produto['nome']));
  set('unidade', text(produto['unidade']));
  set('preco', amount('preco'));
  set('precoPromocional', amount('preco_promocional'));
  set('situacao', text(produto['situacao']));
  set('tipo', text(produto['tipo']));
  set('classeProduto', text(produto['classe_produto']));
  set('origem', text(produto['origem']));
  set('ncm', text(produto['ncm']));
  set('gtin', text(produto['gtin']));
  set('marca', text(produto['marca']));
  set('pesoBruto', text(produto['peso_bruto']));
  set('pesoLiquido', text(produto['peso_liquido']));
  set('precoCusto', amount('preco_custo'));
  set('alturaEmbalagem', text(produto['altura_embalagem']));
  set('larguraEmbalagem', text(produto['largura_embalagem']));
  set('comprimentoEmbalagem', text(produto['comprimento_embalagem']));
  const images = imagesFromWire(produto['anexos'], produto['imagens_externas']);
  if (images.length > 0) fields.anexos = images;
  const kit = kitFromWire(produto['kit']);
  if (kit.length > 0) {
    fields.kit = kit;
    fields.classeProduto = 'K';
  }
  return fields;
}

/** `variacoes[] → {"variacao":{codigo, preco, estoque_atual, grade:{"Cor":"Azul"}}}`. */
export function variationsFromWire(value: unknown): TinyVariationInput[] {
  const list = Array.isArray(value) ? value : [];
  return list.flatMap((entry) => {
    const variacao = isRecord(entry) && isRecord(entry['variacao']) ? entry['variacao'] : isRecord(entry) ? entry : undefined;
    const codigo = variacao ? text(variacao['codigo']) : undefined;
    if (!variacao || !codigo) return [];
    const grade = isRecord(variacao['grade'])
      ? Object.fromEntries(Object.entries(variacao['grade']).flatMap(([key, raw]) => (text(raw) ? [[key, text(raw) as string]] : [])))
      : {};
    const preco = decimal(variacao['preco']);
    return [{ codigo, grade, preco: preco === undefined ? undefined : money(preco), estoque: decimal(variacao['estoque_atual']), gtin: text(variacao['gtin']) }];
  });
}

/** `anexos[] → {"anexo":"<url>"}` and `imagens_externas[] → {"imagem_externa":{"url":…}}` (official layout), in that order. */
export function imagesFromWire(anexos: unknown, externas: unknown): string[] {
  const urls: string[] = [];
  for (const entry of Array.isArray(anexos) ? anexos : []) {
    const url = isRecord(entry) ? text(entry['anexo']) ?? text(entry['url']) : text(entry);
    if (url) urls.push(url);
  }
  for (const entry of Array.isArray(externas) ? externas : []) {
    const inner = isRecord(entry) && isRecord(entry['imagem_externa']) ? entry['imagem_externa'] : entry;
    const url = isRecord(inner) ? text(inner['url']) : undefined;
    if (url) urls.push(url);
  }
  return [...new Set(urls)];
}

function kitFromWire(value: unknown): TinyKitComponent[] {
  const list = Array.isArray(value) ? value : [];
  return list.flatMap((entry) => {
    const item = isRecord(entry) && isRecord(entry['item']) ? entry['item'] : isRecord(entry) ? entry : undefined;
    const idProduto = item ? Number(text(item['id_produto'])) : NaN;
    const quantidade = item ? decimal(item['quantidade']) : undefined;
    return Number.isFinite(idProduto) && quantidade !== undefined ? [{ idProduto, quantidade: String(quantidade) }] : [];
  });
}

/** produto.obter: everything as strings, variations listed on the parent, children pointing to it. */
export function productDetail(product: TinyProduct, all: TinyProduct[]): Record<string, unknown> {
  const variations = all.filter((candidate) => candidate.idProdutoPai === product.id);
  return {
    id: String(product.id),
    data_criacao: tinyDate(product.createdAt, true),
    nome: product.nome,
    codigo: product.codigo,
    unidade: product.unidade,
    preco: product.preco,
    preco_promocional: product.precoPromocional,
    ncm: product.ncm ?? '',
    origem: product.origem,
    gtin: product.gtin ?? '',
    peso_liquido: product.pesoLiquido ?? '0.000',
    peso_bruto: product.pesoBruto ?? '0.000',
    preco_custo: product.precoCusto ?? '0.00',
    alturaEmbalagem: product.alturaEmbalagem ?? '0',
    larguraEmbalagem: product.larguraEmbalagem ?? '0',
    comprimentoEmbalagem: product.comprimentoEmbalagem ?? '0',
    situacao: product.situacao,
    tipo: product.tipo,
    marca: product.marca ?? '',
    classe_produto: product.classeProduto,
    tipoVariacao: product.tipoVariacao,
    idProdutoPai: product.idProdutoPai ? String(product.idProdutoPai) : '0',
    grade: product.grade ?? [],
    variacoes: variations.map((variation) => ({ variacao: { id: String(variation.id), codigo: variation.codigo, gtin: variation.gtin ?? '', preco: variation.preco, grade: variation.grade ?? {} } })),
    kit: (product.kit ?? []).map((item) => ({ item: { id_produto: String(item.idProduto), quantidade: item.quantidade } })),
    anexos: (product.anexos ?? []).map((url) => ({ anexo: url })),
    imagens_externas: [],
  };
}

import fc from 'fast-check';

/**
 * One valid notification per Tiny kind, composed from the documented fields (../shared/reference/tiny-api.md §7,
 * evidence.md), and arbitraries that break them in every way a sender (or an attacker) could: a field replaced by
 * anything, removed, retyped, the envelope's cnpj/tipo/idEcommerce changed, the body truncated or not JSON at all.
 */
export const FUZZ_CNPJ = '12345678000195';
export const FUZZ_ID_ECOMMERCE = 1001;

export function validNotifications(cnpj = FUZZ_CNPJ, idEcommerce = FUZZ_ID_ECOMMERCE): Record<string, Record<string, unknown>> {
  const ecommerce = { versao: '1.0.0', cnpj, idEcommerce };
  return {
    estoque: { ...ecommerce, tipo: 'estoque', dados: { tipoEstoque: 'F', saldo: 7, idProduto: 915432100, sku: 'FUZZ-1', skuMapeamento: 'FUZZ-1', skuMapeamentoPai: '', idMapeamento: '88001', nome: 'Camiseta' } },
    precos: { ...ecommerce, tipo: 'precos', dados: { idMapeamento: '88001', skuMapeamento: 'FUZZ-1', skuMapeamentoPai: '', nome: 'Camiseta', codigo: 'FUZZ-1', preco: '59.90', precoPromocional: '54.90' } },
    produto: {
      ...ecommerce,
      tipo: 'produto',
      dados: { id: '915432100', idMapeamento: '', skuMapeamento: '', nome: 'Camiseta Básica', codigo: 'FUZZ-1', unidade: 'UN', preco: '79.90', situacao: 'A', variacoes: [{ id: 915432101, codigo: 'FUZZ-1-P', preco: '79.90', grade: [{ chave: 'Tamanho', valor: 'P' }] }] },
    },
    rastreio: {
      ...ecommerce,
      versao: '1.0.1',
      tipo: 'rastreio',
      dados: { idEntregaEcommerce: '', idVendaTiny: 700001, idNotaFiscalTiny: 800001, idPedidoEcommerce: 'IDR-1001', codigoRastreio: 'TR123', urlRastreio: 'https://rastreio.example/TR123', transportadora: 'Jadlog', formaEnvio: 'T', formaFrete: '' },
    },
    nota_fiscal: {
      ...ecommerce,
      tipo: 'nota_fiscal',
      dados: { idNotaFiscalTiny: 800001, numero: '123', serie: '1', chaveAcesso: '35201212345678000195550010000001231000001234', urlDanfe: 'https://tiny.example/danfe', dataEmissao: '02/12/2026', valorNota: 49.9, idPedidoEcommerce: 'IDR-1001', idVendaTiny: 700001 },
    },
    situacao_pedido: { ...ecommerce, tipo: 'situacao_pedido', dados: { idPedidoEcommerce: 'IDR-1001', idVendaTiny: 700001, situacao: 'aprovado', descricaoSituacao: 'Aprovado' } },
    inclusao_pedido: {
      versao: '1.0.0',
      cnpj,
      tipo: 'inclusao_pedido',
      dados: { id: 700001, numero: 501, data: '02/12/2026', idPedidoEcommerce: 'IDR-1001', codigoSituacao: 'aberto', descricaoSituacao: 'Em aberto', idNotaFiscal: '0', nomeEcommerce: 'Ideris', cliente: { nome: 'Maria Silva', cpfCnpj: '12345678909' } },
    },
    atualizacao_pedido: {
      versao: '1.0.0',
      cnpj,
      tipo: 'atualizacao_pedido',
      dados: { id: 700001, numero: 501, data: '02/12/2026', idPedidoEcommerce: 'IDR-1001', codigoSituacao: 'aprovado', descricaoSituacao: 'Aprovado', idNotaFiscal: '0', nomeEcommerce: 'Ideris', cliente: { nome: 'Maria Silva', cpfCnpj: '12345678909' } },
    },
  };
}

/** Every path to a value inside `value` (objects and arrays), the root excluded. */
export function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value as Record<string, unknown>);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

function setAt(root: unknown, path: (string | number)[], replace: (old: unknown) => unknown | typeof REMOVE): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  const next = replace(node[last]);
  if (next === REMOVE) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = next;
  return copy;
}
const REMOVE = Symbol('remove');

const weird = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.constantFrom('', ' ', '0', '-1', 'NaN', '1e309', '9'.repeat(40), 'null', 'true', '{}', '[]', '<script>', "'; DROP TABLE x; --", '\u0000', '\ud800', 'ção'),
  fc.integer(),
  fc.double(),
  fc.constantFrom(null, true, false, [], {}, Number.MAX_SAFE_INTEGER, -0),
);

/** A valid document with one to three fields replaced by anything, removed or retyped. */
export function mutated(base: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(base);
  const edit = fc.record({ path: fc.constantFrom(...paths), remove: fc.boolean(), value: weird });
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) =>
    edits.reduce<unknown>((doc, e) => {
      try {
        return setAt(doc, e.path, () => (e.remove ? REMOVE : e.value));
      } catch {
        return doc; // the path went away with an earlier edit
      }
    }, base),
  );
}

/** Raw request bodies: mutated valid documents (as JSON, sometimes truncated), any JSON value, any string. */
export function rawBodies(base: unknown): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: mutated(base).map((doc) => JSON.stringify(doc) ?? 'null') },
    { weight: 1, arbitrary: mutated(base).chain((doc) => { const text = JSON.stringify(doc) ?? ''; return fc.nat(text.length).map((n) => text.slice(0, n)); }) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  );
}

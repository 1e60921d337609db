/**
 * Shapes of Tiny's answers and notifications that public evidence shows in more than one form
 * (docs/contracts.md). Each account chooses one per field through `POST /control/tiny/shapes`; the defaults are
 * the documented forms, so a test that wants the other one asks for it.
 */
export interface TinyWireShapes {
  /** `pedido.obter`: `numero_ecommerce` at the top level (documented) or only in `ecommerce.numeroPedidoEcommerce` (an SDK's fixture). */
  orderEcommerceNumber: 'top-level' | 'nested-only';
  /**
   * A failed write record: `status:"Erro"` (documented), `status:"OK"` with `status_processamento:"2"` next to the
   * failing registro, or `status:"Erros"` (both recorded from the live API). Also applied to the validation
   * errors (codes 30/31/34) of the scripts that answer without registros (situation, dispatch, stock posting).
   */
  writeFailure: 'erro' | 'ok-status-2' | 'erros';
  /** `erros` as the documented list `[{erro}]` or as an object (recorded on a block answer). */
  errorList: 'list' | 'object';
  /** `nota_fiscal`: with `idNotaFiscalTiny` (newer senders) or as 1.0.0 senders send it, without it. */
  invoiceNotification: 'with-id' | 'legacy-1.0.0';
  /** `estoque`: the e-commerce integration's shape, or the account-level one (versao 1.0.1, no idEcommerce/tipoEstoque/skuMapeamento). */
  stockNotification: 'ecommerce' | 'account';
  /** `situacao_pedido`: `situacao` as the v2 code (`aprovado`) or as a description (`"Aprovada"`). */
  situationNotification: 'code' | 'description';
  /** `produto`: `variacoes` items flat, or wrapped as `{variacao:{…}}`. */
  productVariations: 'flat' | 'wrapped';
}

export const DEFAULT_TINY_WIRE_SHAPES: TinyWireShapes = {
  orderEcommerceNumber: 'top-level',
  writeFailure: 'erro',
  errorList: 'list',
  invoiceNotification: 'with-id',
  stockNotification: 'ecommerce',
  situationNotification: 'code',
  productVariations: 'flat',
};

const CHOICES: { [K in keyof TinyWireShapes]: readonly TinyWireShapes[K][] } = {
  orderEcommerceNumber: ['top-level', 'nested-only'],
  writeFailure: ['erro', 'ok-status-2', 'erros'],
  errorList: ['list', 'object'],
  invoiceNotification: ['with-id', 'legacy-1.0.0'],
  stockNotification: ['ecommerce', 'account'],
  situationNotification: ['code', 'description'],
  productVariations: ['flat', 'wrapped'],
};

/** Reads a control body into shape changes; returns the problems found instead when any value is unknown. */
export function parseTinyWireShapes(body: Record<string, unknown>): { ok: true; shapes: Partial<TinyWireShapes> } | { ok: false; problems: string[] } {
  const shapes: Partial<TinyWireShapes> = {};
  const problems: string[] = [];
  for (const key of Object.keys(CHOICES) as (keyof TinyWireShapes)[]) {
    const value = body[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !(CHOICES[key] as readonly string[]).includes(value)) problems.push(`${key} must be one of ${CHOICES[key].join(', ')}`);
    else (shapes as Record<string, string>)[key] = value;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, shapes };
}

const WRITE_VALIDATION_CODES = new Set(['30', '31', '34']);

/** Re-renders an error answer in the account's chosen failure shape (the script logic stays the documented one). */
export function shapedRetorno(retorno: Record<string, unknown>, shapes: TinyWireShapes): Record<string, unknown> {
  let shaped = retorno;
  if (shapes.writeFailure !== 'erro' && String(retorno['status']) === 'Erro') shaped = shapedWriteFailure(shaped, shapes.writeFailure);
  if (shapes.errorList === 'object') shaped = withErrosAsObject(shaped);
  return shaped;
}

function shapedWriteFailure(retorno: Record<string, unknown>, shape: 'ok-status-2' | 'erros'): Record<string, unknown> {
  const code = retorno['codigo_erro'] === undefined ? undefined : String(retorno['codigo_erro']);
  const hasRegistros = retorno['registros'] !== undefined;
  if (!hasRegistros && (code === undefined || !WRITE_VALIDATION_CODES.has(code))) return retorno;
  if (shape === 'erros') return { ...retorno, status: 'Erros', status_processamento: '2' };
  // Recorded: status OK, status_processamento "2", the failure only inside the registro.
  const registros = hasRegistros
    ? retorno['registros']
    : [{ registro: { sequencia: '1', status: 'Erro', codigo_erro: code, erros: retorno['erros'] ?? [] } }];
  const rest = { ...retorno };
  delete rest['codigo_erro'];
  delete rest['erros'];
  return { ...rest, status: 'OK', status_processamento: '2', registros };
}

function withErrosAsObject(retorno: Record<string, unknown>): Record<string, unknown> {
  // One message becomes the bare `{erro}` object, several an object keyed by position.
  const asObject = (erros: unknown): unknown =>
    !Array.isArray(erros) ? erros : erros.length === 1 ? erros[0] : Object.fromEntries(erros.map((erro: unknown, index) => [String(index), erro]));
  const registros = Array.isArray(retorno['registros'])
    ? retorno['registros'].map((entry: unknown) => {
        const registro = (entry as { registro?: Record<string, unknown> })?.registro;
        return registro ? { registro: { ...registro, erros: asObject(registro['erros']) } } : entry;
      })
    : retorno['registros'];
  return { ...retorno, ...(retorno['erros'] !== undefined ? { erros: asObject(retorno['erros']) } : {}), ...(registros !== undefined ? { registros } : {}) };
}

import { TinyApiError, tinyErrorKindForCode, type TinyErrorKind, type TinyErrorMessage, type TinyRecordError } from './tiny-api.error';
import { isRecord, toInt, toText, unwrapList } from './tiny-coercion';

export interface TinyEnvelope {
  /** 1 not processed, 2 validation errors (or partly failed), 3 OK, 4 partial; absent in some block answers. */
  statusProcessamento?: number;
  status: string;
  codigoErro?: number;
  erros: TinyErrorMessage[];
  /** The whole `retorno` object, for the payload keys next to the status fields. */
  retorno: Record<string, unknown>;
}

export interface TinyRegistro {
  sequencia?: number;
  status: string;
  id?: string;
  codigoErro?: number;
  erros: TinyErrorMessage[];
  fields: Record<string, unknown>;
}

/** Reads the `retorno` envelope without trusting scalar types; throws a `transient` error if it is absent. */
export function parseTinyEnvelope(body: unknown, script: string): TinyEnvelope {
  const retorno = isRecord(body) ? body['retorno'] : undefined;
  if (!isRecord(retorno)) {
    throw new TinyApiError({ kind: 'transient', script, messages: [{ erro: 'response has no retorno envelope' }] });
  }
  return {
    statusProcessamento: toInt(retorno['status_processamento']),
    status: toText(retorno['status']) ?? '',
    codigoErro: toInt(retorno['codigo_erro']),
    erros: parseErros(retorno['erros']),
    retorno,
  };
}

/**
 * Turns a failed answer into a `TinyApiError`, for every script alike (contracts.md#tiny-envelope). Failed means
 * any of: `status` "Erro" or "Erros" (both recorded from the live API), a `codigo_erro`, `status_processamento`
 * 1 or 2 (recorded with `status:"OK"` next to a failing registro), or a `registro` that failed. The code and the
 * messages come from the top level, else from the failed registros; each failed registro is kept, with its kind,
 * as `recordErrors` (and the raw `registros` for the batch helpers, which read the records that succeeded too).
 */
export function assertTinyOk(envelope: TinyEnvelope, script: string): TinyEnvelope {
  const registros = parseRegistros(envelope.retorno['registros']);
  const recordErrors = registros.flatMap((registro, index) => (registroFailed(registro) ? [toRecordError(registro, index)] : []));
  const statusFailed = /^erros?$/i.test(envelope.status.trim());
  const processingFailed = envelope.statusProcessamento === 1 || envelope.statusProcessamento === 2;
  if (!statusFailed && !processingFailed && envelope.codigoErro === undefined && recordErrors.length === 0) return envelope;

  const firstRecord = recordErrors[0];
  const code = envelope.codigoErro ?? firstRecord?.code;
  const messages = envelope.erros.length > 0 ? envelope.erros : recordErrors.flatMap((record) => record.messages);
  const kind: TinyErrorKind = code !== undefined ? tinyErrorKindForCode(code) : (firstRecord?.kind ?? (processingFailed ? 'validation' : 'request'));
  throw new TinyApiError({
    kind,
    script,
    code,
    messages,
    recordErrors,
    registros: registros.length > 0 ? envelope.retorno['registros'] : undefined,
  });
}

/** `registros` comes as `{"registro":{…}}` or `[{"registro":{…}}]`; both give the same list. */
export function parseRegistros(value: unknown): TinyRegistro[] {
  return unwrapList(value, 'registro').map((fields) => ({
    sequencia: toInt(fields['sequencia']),
    status: toText(fields['status']) ?? '',
    id: toText(fields['id']),
    codigoErro: toInt(fields['codigo_erro']),
    erros: parseErros(fields['erros']),
    fields,
  }));
}

/** A registro without a status (some single-record answers) counts as failed only when it carries an error. */
export function registroFailed(registro: TinyRegistro): boolean {
  if (registro.codigoErro !== undefined) return true;
  if (/^erros?$/i.test(registro.status.trim())) return true;
  return registro.erros.length > 0 && registro.status.toUpperCase() !== 'OK';
}

function toRecordError(registro: TinyRegistro, index: number): TinyRecordError {
  return {
    sequence: registro.sequencia ?? index + 1,
    kind: registro.codigoErro !== undefined ? tinyErrorKindForCode(registro.codigoErro) : 'validation',
    code: registro.codigoErro,
    messages: registro.erros,
  };
}

/**
 * `erros` is a list of `{erro}` in the documentation, but recorded answers also carry a bare object: `{erro}`,
 * or an object of entries (`{"0":{erro}}`). Strings are taken as messages.
 */
function parseErros(value: unknown): TinyErrorMessage[] {
  const entries = Array.isArray(value) ? value : isRecord(value) && !('erro' in value) ? Object.values(value) : value === undefined || value === null || value === '' ? [] : [value];
  return entries.flatMap((entry): TinyErrorMessage[] => {
    if (typeof entry === 'string') return entry.trim() ? [{ erro: entry }] : [];
    if (!isRecord(entry)) return [];
    const inner = isRecord(entry['erro']) ? entry['erro'] : entry;
    const erro = toText(inner['erro']) ?? toText(inner['mensagem']) ?? '';
    const campo = toText(inner['campo']);
    return [campo ? { erro, campo } : { erro }];
  });
}

import { TinyApiError, tinyErrorKindForCode, type TinyErrorMessage } from './tiny-api.error';
import { isRecord, toInt, toText, unwrapList } from './tiny-coercion';

export interface TinyEnvelope {
  /** 1 not processed, 2 validation errors, 3 OK, 4 partial; absent in some block answers. */
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
 * Turns an error envelope into a `TinyApiError`. Write services put the code inside the first failed
 * `registro` with the outer status_processamento 2, so that is read when the top level has none.
 */
export function assertTinyOk(envelope: TinyEnvelope, script: string): TinyEnvelope {
  const failed = envelope.status.toLowerCase() === 'erro' || envelope.codigoErro !== undefined;
  if (!failed) return envelope;
  const failedRegistro = parseRegistros(envelope.retorno['registros']).find((registro) => registro.codigoErro !== undefined);
  const code = envelope.codigoErro ?? failedRegistro?.codigoErro;
  const messages = envelope.erros.length > 0 ? envelope.erros : (failedRegistro?.erros ?? []);
  const kind = code !== undefined ? tinyErrorKindForCode(code) : envelope.statusProcessamento === 2 ? 'validation' : 'request';
  throw new TinyApiError({ kind, script, code, messages, registros: failedRegistro ? envelope.retorno['registros'] : undefined });
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

function parseErros(value: unknown): TinyErrorMessage[] {
  const entries = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return entries.flatMap((entry): TinyErrorMessage[] => {
    if (typeof entry === 'string') return [{ erro: entry }];
    if (!isRecord(entry)) return [];
    const erro = toText(entry['erro']) ?? '';
    const campo = toText(entry['campo']);
    return [campo ? { erro, campo } : { erro }];
  });
}

import { isRecord } from '../common/request-params';
import { TinyBusinessError, type TinyRetornoBody } from './tiny-retorno';

/** Parses a form field holding a JSON document and returns the object under `root`. */
export function jsonField(params: Record<string, string>, field: string, root: string): Record<string, unknown> {
  const inner = jsonDocument(params, field)[root];
  if (!isRecord(inner)) throw new TinyBusinessError(3, [`JSON sem o elemento raiz "${root}"`], 1);
  return inner;
}

/** The whole JSON document of a form field, for roots that are lists (`{"contatos":[…]}`). */
export function jsonDocument(params: Record<string, string>, field: string): Record<string, unknown> {
  const raw = params[field];
  if (raw === undefined || raw.trim() === '') throw new TinyBusinessError(10, [`parametro ${field} não informado`], 1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new TinyBusinessError(3, ['JSON mal formado ou inválido'], 1);
  }
  if (!isRecord(parsed)) throw new TinyBusinessError(3, ['JSON mal formado ou inválido'], 1);
  return parsed;
}

export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** Tiny insists on dot decimals; "1,50" is a validation error. */
export function decimal(value: unknown): number | undefined {
  const raw = text(value);
  if (raw === undefined || !/^-?\d+(\.\d+)?$/.test(raw)) return undefined;
  return Number(raw);
}

export function money(value: number): string {
  return value.toFixed(2);
}

export function requiredParam(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (value === undefined || value.trim() === '') throw new TinyBusinessError(10, [`parametro ${name} não informado`], 1);
  return value.trim();
}

/** dd/mm/yyyy [hh:mm:ss] of an instant in São Paulo (fixed -03:00: no DST since 2019). */
export function tinyDate(instant: number, withTime = false): string {
  const iso = new Date(instant - 3 * 3600_000).toISOString();
  const date = `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
  return withTime ? `${date} ${iso.slice(11, 19)}` : date;
}

/** Parses dd/mm/yyyy [hh:mm[:ss]] as São Paulo time; undefined when malformed. */
export function parseTinyDate(value: string | undefined): number | undefined {
  const match = value ? /^(\d{2})\/(\d{2})\/(\d{4})(?:\s+(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value.trim()) : null;
  if (!match) return undefined;
  const [, day, month, year, hour = '00', minute = '00', second = '00'] = match;
  const instant = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}-03:00`);
  return Number.isNaN(instant) ? undefined : instant;
}

export const MAX_BATCH = 20;

export type TinyRegistro = { registro: Record<string, unknown> & { sequencia: string; status: 'OK' | 'Erro' } };

/** `{"contatos":[{"contato":{…}}]}`-style batch documents; more than 20 records is code 22. */
export function batchEntries(params: Record<string, string>, field: string, listKey: string, itemKey: string): Record<string, unknown>[] {
  const list = jsonDocument(params, field)[listKey];
  const entries = Array.isArray(list) ? list : [];
  if (entries.length === 0) throw new TinyBusinessError(3, [`JSON sem o elemento "${listKey}"`], 1);
  if (entries.length > MAX_BATCH) throw new TinyBusinessError(22, ['O lote tem mais registros que o permitido por envio']);
  return entries.map((entry) => (isRecord(entry) && isRecord(entry[itemKey]) ? entry[itemKey] : {}));
}

export function registroOk(sequencia: string, fields: Record<string, unknown>): TinyRegistro {
  return { registro: { sequencia, status: 'OK', ...fields } };
}

export function registroError(sequencia: string, codigo: number, messages: string[]): TinyRegistro {
  return { registro: { sequencia, status: 'Erro', codigo_erro: String(codigo), erros: messages.map((erro) => ({ erro })) } };
}

/**
 * All records failed → outer status 2 "Erro" (official example). ASSUMPTION (docs/contracts.md#tiny-envelope): a mix answers status_processamento
 * 4 with status "Parcial", the way produto.atualizar.precos documents it; the real answer for batches is unknown.
 */
export function batchAnswer(registros: TinyRegistro[]): TinyRetornoBody {
  const failed = registros.filter((entry) => entry.registro.status === 'Erro').length;
  if (failed === registros.length) return { retorno: { status_processamento: 2, status: 'Erro', registros } };
  if (failed > 0) return { retorno: { status_processamento: 4, status: 'Parcial', registros } };
  return { retorno: { status_processamento: 3, status: 'OK', registros } };
}

/** Every scalar of a wire object as a trimmed string (nested objects and lists are dropped). */
export function scalarFields(source: Record<string, unknown>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    const scalar = text(value);
    if (scalar !== undefined) fields[key] = scalar;
  }
  return fields;
}

export function page<T>(items: T[], params: Record<string, string>, pageSize = 100): { items: T[]; pagina: number; numeroPaginas: number } {
  if (items.length === 0) throw new TinyBusinessError(20, ['A consulta não retornou registros'], 2);
  const pagina = Number(params['pagina'] ?? '1') || 1;
  const numeroPaginas = Math.ceil(items.length / pageSize);
  if (pagina > numeroPaginas) throw new TinyBusinessError(23, ['A página que você está tentando obter não existe'], 2);
  return { items: items.slice((pagina - 1) * pageSize, pagina * pageSize), pagina, numeroPaginas };
}

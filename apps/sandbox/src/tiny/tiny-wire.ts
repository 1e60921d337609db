import { isRecord } from '../common/request-params';
import { TinyBusinessError } from './tiny-retorno';

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

import { Transform } from 'class-transformer';
import { digitsOnly, isRecord, toDecimalString, toId, toInt, toText } from '../tiny-coercion';

type TransformOptions = { obj: Record<string, unknown>; key: string };

/**
 * Tiny's notification payloads drift in type (ids and numbers as strings or numbers, decimals as strings),
 * so every field is read from the raw object and coerced, and a value that cannot be coerced is kept as is
 * for the validator to report.
 */
function coerce(convert: (raw: unknown) => unknown): PropertyDecorator {
  return Transform(({ obj, key }: TransformOptions) => {
    const raw = obj[key];
    if (raw === undefined || raw === null || raw === '') return undefined;
    const converted = convert(raw);
    return converted === undefined ? raw : converted;
  });
}

/** Ids as strings; `0`/`"0"` (e.g. `idNotaFiscal` before an invoice exists) means "none". */
export function TinyIdField(): PropertyDecorator {
  return Transform(({ obj, key }: TransformOptions) => {
    const raw = obj[key];
    if (raw === undefined || raw === null || raw === '') return undefined;
    if (toText(raw)?.trim() === '0' || raw === 0) return undefined;
    return toId(raw) ?? raw;
  });
}

export function TinyTextField(): PropertyDecorator {
  return coerce((raw) => toText(raw)?.trim());
}

/** Dot decimal as a canonical string (`"36.3200000000"` → `"36.32"`); a comma decimal stays invalid. */
export function TinyDecimalField(): PropertyDecorator {
  return coerce(toDecimalString);
}

export function TinyIntField(): PropertyDecorator {
  return coerce(toInt);
}

export function TinyDigitsField(): PropertyDecorator {
  return coerce((raw) => digitsOnly(raw) || undefined);
}

/** Variation grids arrive as `{"Cor":"Azul"}` or as `[{"chave":"Cor","valor":"Azul"}]`; both become a record. */
export function TinyGradeField(): PropertyDecorator {
  return Transform(({ obj, key }: TransformOptions) => {
    const raw = obj[key];
    if (raw === undefined || raw === null || raw === '') return undefined;
    const entries: Array<[string, string]> = [];
    if (Array.isArray(raw)) {
      for (const entry of raw) {
        if (!isRecord(entry)) continue;
        const chave = toText(entry['chave'] ?? entry['nome'] ?? entry['tipo']);
        const valor = toText(entry['valor']);
        if (chave && valor !== undefined) entries.push([chave, valor]);
      }
    } else if (isRecord(raw)) {
      for (const [chave, valor] of Object.entries(raw)) {
        const text = toText(valor);
        if (text !== undefined) entries.push([chave, text]);
      }
    } else {
      return raw;
    }
    return Object.fromEntries(entries);
  });
}

/** Tiny sometimes sends an object where a list of one is meant; a list is always what the DTO gets. */
export function asList(raw: unknown): unknown[] | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  return Array.isArray(raw) ? raw : [raw];
}

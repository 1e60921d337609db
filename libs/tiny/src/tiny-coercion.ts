/** Tiny flips scalars between strings and numbers across endpoints; these helpers accept both. */

export function toText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function toInt(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number.parseInt(value, 10);
  return undefined;
}

/** Ids stay strings (they can exceed what callers want to do arithmetic on); `0`/`"0"` means "none" (e.g. `id_nota_fiscal`). */
export function toId(value: unknown): string | undefined {
  const text = toText(value)?.trim();
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const normalised = text.replace(/^0+(?=\d)/, '');
  return normalised === '0' ? undefined : normalised;
}

/** A decimal with a dot (`"50.25"`, `50.25`, `"36.3200000000"`) as a canonical string without float rounding. */
export function toDecimalString(value: unknown): string | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : toText(value)?.trim();
  if (text === undefined) return undefined;
  const match = /^(-?)(\d*)(?:\.(\d+))?$/.exec(text);
  if (!match || (match[2] === '' && match[3] === undefined)) return undefined;
  const integer = (match[2] || '0').replace(/^0+(?=\d)/, '');
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  const sign = match[1] && (integer !== '0' || fraction !== '') ? '-' : '';
  return fraction ? `${sign}${integer}.${fraction}` : `${sign}${integer}`;
}

/** Money in integer cents, rounding half away from zero at the third decimal. */
export function toCents(value: unknown): number | undefined {
  const decimal = toDecimalString(value);
  if (decimal === undefined) return undefined;
  const negative = decimal.startsWith('-');
  const [integer, fraction = ''] = decimal.replace('-', '').split('.');
  const padded = `${fraction}000`;
  let cents = Number(integer) * 100 + Number(padded.slice(0, 2));
  if (Number(padded[2]) >= 5) cents += 1;
  return negative ? -cents : cents;
}

export function toNumber(value: unknown): number | undefined {
  const decimal = toDecimalString(value);
  return decimal === undefined ? undefined : Number(decimal);
}

export function toFlag(value: unknown): boolean | undefined {
  const text = toText(value)?.trim().toUpperCase();
  if (text === 'S') return true;
  if (text === 'N') return false;
  return undefined;
}

export function digitsOnly(value: unknown): string {
  return (toText(value) ?? '').replace(/\D/g, '');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Lists arrive as arrays of single-key wrappers (`"pedidos":[{"pedido":{…}}]`), but `registros` may also be
 * a bare object (`{"registro":{…}}`) — both shapes appear in the official examples.
 */
export function unwrapList(value: unknown, key: string): Record<string, unknown>[] {
  const entries = Array.isArray(value) ? value : value === undefined || value === null || value === '' ? [] : [value];
  return entries.flatMap((entry) => {
    if (!isRecord(entry)) return [];
    const inner = entry[key];
    if (Array.isArray(inner)) return inner.filter(isRecord);
    if (isRecord(inner)) return [inner];
    return [entry];
  });
}

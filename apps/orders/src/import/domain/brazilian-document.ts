export type PersonType = 'F' | 'J';

export interface BrazilianDocument {
  personType: PersonType;
  /** Digits (and the letters of an alphanumeric CNPJ), no punctuation. */
  value: string;
  valid: boolean;
}

/**
 * Reads a CPF/CNPJ whose declared type may be missing or wrong, and whose leading zeros a numeric
 * field may have dropped: the first reading (declared type, else by length) that checks out wins.
 */
export function readBrazilianDocument(value: string | undefined, declaredType: 'CPF' | 'CNPJ' | undefined): BrazilianDocument | undefined {
  const compact = value?.toUpperCase().replace(/[^0-9A-Z]/g, '') ?? '';
  if (compact === '') return undefined;
  const readings = candidateTypes(compact, declaredType).map((personType) => readAs(compact, personType));
  return readings.find((reading) => reading.valid) ?? readings[0];
}

export function isValidCpf(value: string): boolean {
  if (!/^\d{11}$/.test(value) || /^(\d)\1{10}$/.test(value)) return false;
  const digits = [...value].map(Number);
  return checkDigit(digits.slice(0, 9), 10) === digits[9] && checkDigit(digits.slice(0, 10), 11) === digits[10];
}

/** Accepts the alphanumeric CNPJ (letters count as their ASCII code minus 48), numeric ones are a special case. */
export function isValidCnpj(value: string): boolean {
  if (!/^[0-9A-Z]{12}\d{2}$/.test(value) || /^(\d)\1{13}$/.test(value)) return false;
  const values = [...value].map((char) => char.charCodeAt(0) - 48);
  return cnpjCheckDigit(values.slice(0, 12)) === values[12] && cnpjCheckDigit(values.slice(0, 13)) === values[13];
}

function candidateTypes(compact: string, declaredType: 'CPF' | 'CNPJ' | undefined): PersonType[] {
  const byLength: PersonType = compact.length <= 11 && /^\d+$/.test(compact) ? 'F' : 'J';
  const first = declaredType ? (declaredType === 'CPF' ? 'F' : 'J') : byLength;
  return first === 'F' ? ['F', 'J'] : ['J', 'F'];
}

function readAs(compact: string, personType: PersonType): BrazilianDocument {
  const length = personType === 'F' ? 11 : 14;
  const value = /^\d+$/.test(compact) && compact.length < length ? compact.padStart(length, '0') : compact;
  return { personType, value, valid: personType === 'F' ? isValidCpf(value) : isValidCnpj(value) };
}

function checkDigit(digits: number[], firstWeight: number): number {
  const sum = digits.reduce((total, digit, index) => total + digit * (firstWeight - index), 0);
  return ((sum * 10) % 11) % 10;
}

function cnpjCheckDigit(values: number[]): number {
  const weights = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2].slice(13 - values.length);
  const remainder = values.reduce((total, value, index) => total + value * weights[index], 0) % 11;
  return remainder < 2 ? 0 : 11 - remainder;
}

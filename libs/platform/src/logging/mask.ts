/** Keeps only the last characters of a secret or document number, for logs and API answers. */
export function maskSecret(value: string | null | undefined, visible = 4): string | null {
  if (!value) return null;
  if (value.length <= visible * 2) return '•'.repeat(Math.max(4, value.length));
  return `${'•'.repeat(8)}${value.slice(-visible)}`;
}

/** CPF/CNPJ digits masked the way Brazilian systems show them in logs: first 3, last 2. */
export function maskDocument(value: string | null | undefined): string | null {
  if (!value) return null;
  const digits = value.replace(/\D/g, '');
  if (digits.length < 6) return '•'.repeat(digits.length);
  return `${digits.slice(0, 3)}${'•'.repeat(digits.length - 5)}${digits.slice(-2)}`;
}

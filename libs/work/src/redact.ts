/** Keys whose values never leave a service in an admin answer (tokens, keys, passwords, personal documents). */
const SECRET_KEY = /token|secret|password|senha|authori[sz]ation|private.?key|api.?key|cpf|cnpj_?cpf|document/i;
/** Public identifiers whose names look like secrets: the NF-e access key is printed on the DANFE. */
const PUBLIC_KEYS = /^(access_?key|accessKey|nfeKey|chave_?acesso|chaveAcesso|idempotency_?key|messageId|key)$/;
/** A token in a URL's query string (`?token=…`, `&apikey=…`). */
const TOKEN_IN_TEXT = /((?:token|apikey|api_key|key|secret)=)[^&\s"']+/gi;
/** A CPF or CNPJ named in a message ("customer CPF 123.456.789-09 has invalid check digits"). */
const DOCUMENT_IN_TEXT = /\b(CPF|CNPJ)(\s*:?\s*)[\d./-]{11,18}/gi;
const MAX_STRING = 4000;

/** A copy of `value` with secrets masked and long strings cut, for timelines and answers shown to operators. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 12) return '[…]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.slice(0, 200).map((item) => redact(item, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_KEY.test(k) && !PUBLIC_KEYS.test(k) && v !== null && v !== undefined && v !== '' ? mask(v) : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

export function redactText(text: string): string {
  const cut = text.length > MAX_STRING ? `${text.slice(0, MAX_STRING)}…` : text;
  return cut.replace(TOKEN_IN_TEXT, '$1***').replace(DOCUMENT_IN_TEXT, (_, kind: string, gap: string) => `${kind}${gap}***`);
}

function mask(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length <= 4 ? '***' : `***${text.slice(-2)}`;
}

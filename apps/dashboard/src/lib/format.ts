/** pt-BR formatting shared by the pages. */
const dateTime = new Intl.DateTimeFormat('pt-BR', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'America/Sao_Paulo' });
const integer = new Intl.NumberFormat('pt-BR');
const money = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : dateTime.format(d);
}

export const formatInt = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : integer.format(n));
export const formatCents = (cents: number | null | undefined): string => (cents === null || cents === undefined ? '—' : money.format(cents / 100));

/** "há 12 s", "há 3 min", "há 2 h", "há 4 dias"; "agora" under 5 s; "—" for never. */
export function ago(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 5) return 'agora';
  if (seconds < 60) return `há ${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `há ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `há ${hours} h`;
  const days = Math.floor(hours / 24);
  return days === 1 ? 'há 1 dia' : `há ${days} dias`;
}

/** "a cada 3 s", "a cada 5 min", "a cada 1 h". */
export function cadence(seconds: number): string {
  if (seconds < 60) return `a cada ${seconds} s`;
  if (seconds < 3600) return `a cada ${Math.round(seconds / 60)} min`;
  return `a cada ${Math.round(seconds / 3600)} h`;
}

export function formatCnpj(cnpj: string | null | undefined): string {
  if (!cnpj) return '—';
  const d = cnpj.replace(/\D/g, '');
  return d.length === 14 ? `${d.slice(0, 2)}.${d.slice(2, 5)}.${d.slice(5, 8)}/${d.slice(8, 12)}-${d.slice(12)}` : cnpj;
}

/**
 * The gateway's verification details are written for logs (English, ISO times); the operator reads them in pt-BR.
 * Unknown texts (a provider's own error message) pass through as they came.
 */
export function verificationText(detail: string): string {
  const tiny = /^Tiny account "(.*)"$/.exec(detail);
  if (tiny) return `conta Tiny “${tiny[1]}”`;
  const ideris = /^Ideris login valid until (\S+)$/.exec(detail);
  if (ideris) return `login na Ideris válido até ${formatDateTime(ideris[1])}`;
  return detail;
}

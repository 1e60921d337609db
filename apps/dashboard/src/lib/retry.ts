import type { RetryResult } from '../api/views';

/** The confirmation a bulk retry asks before it runs: how many items it will touch. */
export function retryConfirmText(count: number, scope: 'selection' | 'filter'): string {
  const items = count === 1 ? '1 item' : `${count.toLocaleString('pt-BR')} itens`;
  return scope === 'selection' ? `Reenfileirar ${items} selecionado${count === 1 ? '' : 's'}?` : `Reenfileirar ${items} que correspondem ao filtro atual?`;
}

/** "X reenfileirados, Y ignorados (já concluídos / em execução)" after a retry. */
export function retryResultText(r: RetryResult): string {
  const parts: string[] = [];
  if (r.skippedReasons.already_done) parts.push(`${r.skippedReasons.already_done} já concluído${r.skippedReasons.already_done === 1 ? '' : 's'}`);
  if (r.skippedReasons.running) parts.push(`${r.skippedReasons.running} em execução`);
  if (r.skippedReasons.not_retryable) parts.push(`${r.skippedReasons.not_retryable} sem nova tentativa possível`);
  if (r.skippedReasons.not_found) parts.push(`${r.skippedReasons.not_found} não encontrado${r.skippedReasons.not_found === 1 ? '' : 's'}`);
  const queued = `${r.queued} reenfileirado${r.queued === 1 ? '' : 's'}`;
  const skipped = `${r.skipped} ignorado${r.skipped === 1 ? '' : 's'}`;
  return r.skipped > 0 && parts.length ? `${queued}, ${skipped} (${parts.join(' / ')})` : `${queued}, ${skipped}`;
}

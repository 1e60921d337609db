import { describe, expect, it } from 'vitest';
import { retryConfirmText, retryResultText } from './retry';

describe('bulk retry texts', () => {
  it.each<[number, 'selection' | 'filter', string]>([
    [1, 'selection', 'Reenfileirar 1 item selecionado?'],
    [3, 'selection', 'Reenfileirar 3 itens selecionados?'],
    [1250, 'filter', 'Reenfileirar 1.250 itens que correspondem ao filtro atual?'],
  ])('confirm %i %s', (n, scope, text) => expect(retryConfirmText(n, scope)).toBe(text));

  it.each([
    [{ matched: 5, queued: 5, skipped: 0, skippedReasons: {} }, '5 reenfileirados, 0 ignorados'],
    [{ matched: 5, queued: 3, skipped: 2, skippedReasons: { already_done: 1, running: 1 } }, '3 reenfileirados, 2 ignorados (1 já concluído / 1 em execução)'],
    [{ matched: 4, queued: 1, skipped: 3, skippedReasons: { already_done: 2, not_retryable: 1 } }, '1 reenfileirado, 3 ignorados (2 já concluídos / 1 sem nova tentativa possível)'],
  ])('result %#', (r, text) => expect(retryResultText(r)).toBe(text));
});

import { describe, expect, it } from 'vitest';
import { formatDateTime, verificationText } from './format';

describe('verificationText', () => {
  it.each([
    ['Tiny account "Loja Exemplo LTDA"', 'conta Tiny “Loja Exemplo LTDA”'],
    ['Ideris login valid until 2026-12-02T17:18:39.000Z', `login na Ideris válido até ${formatDateTime('2026-12-02T17:18:39.000Z')}`],
    ['Token inválido', 'Token inválido'],
  ])('%s → %s', (detail, text) => expect(verificationText(detail)).toBe(text));
});

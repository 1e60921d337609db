import { formatTinyDate, formatTinyDateTime, parseTinyDate } from './tiny-date';

describe('Tiny dates (America/Sao_Paulo)', () => {
  it.each([
    ['05/06/2024', '2024-06-05T03:00:00.000Z'],
    ['05/06/2024 14:03:11', '2024-06-05T17:03:11.000Z'],
    ['31/12/2024 23:59:59', '2025-01-01T02:59:59.000Z'],
    ['05/06/2024 14:03', '2024-06-05T17:03:00.000Z'],
    // São Paulo observed DST (UTC-2) until February 2019.
    ['15/01/2018 12:00:00', '2018-01-15T14:00:00.000Z'],
    ['15/07/2018 12:00:00', '2018-07-15T15:00:00.000Z'],
  ])('parses %s as %s', (input, iso) => {
    expect(parseTinyDate(input)?.toISOString()).toBe(iso);
  });

  it.each(['2024-06-05', '31/02/2024', '05/13/2024', '', '5/6/2024', '05/06/2024 25:00:00'])('rejects %p', (input) => {
    expect(parseTinyDate(input)).toBeUndefined();
  });

  it('formats an instant as the São Paulo wall clock', () => {
    expect(formatTinyDate(new Date('2024-06-05T02:30:00Z'))).toBe('04/06/2024');
    expect(formatTinyDateTime(new Date('2024-06-05T17:03:11Z'))).toBe('05/06/2024 14:03:11');
  });
});

import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { describeValidationErrors } from '../rpc/validation-problems';
import { isCalendarDay, OrderFilter } from './order-list';

const problems = (plain: object) => describeValidationErrors(validateSync(plainToInstance(OrderFilter, plain)));

describe('the orders list filter', () => {
  it.each([
    ['2026-12-01', true],
    ['2024-02-29', true],
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2026-13-01', false],
    ['2026-1-1', false],
    ['2026-12-01T00:00:00Z', false],
    ['01/12/2026', false],
    [20261201, false],
  ])('%p is a calendar day: %p', (value, ok) => {
    expect(isCalendarDay(value)).toBe(ok);
  });

  it.each([
    [{}, []],
    [{ marketplace: 'Mercado Livre', from: '2026-12-01', to: '2026-12-01' }, []],
    [{ from: '2026-12-01' }, []],
    [{ to: '2026-12-01' }, []],
    [{ from: '2026-12-10', to: '2026-12-01' }, ['to: must not be before from (2026-12-10)']],
    [{ from: '2026-02-30' }, ['from: must be a day written YYYY-MM-DD (got "2026-02-30")']],
    // An invalid start is reported once, as itself, not also as an end before it.
    [{ from: 'ontem', to: '2026-12-01' }, ['from: must be a day written YYYY-MM-DD (got "ontem")']],
    [{ marketplace: '' }, ['marketplace: marketplace must be longer than or equal to 1 characters']],
  ])('%o → %o', (plain, expected) => {
    expect(problems(plain)).toEqual(expected);
  });
});

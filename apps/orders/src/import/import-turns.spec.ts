import { ImportTurns, turnsForLimits } from './import-turns';

describe('ImportTurns (per-connection turns of one replica’s imports)', () => {
  it('gives each connection its own turns, and a given-back turn to the next taker', () => {
    const turns = new ImportTurns();
    expect(turns.take('a', 2)).toBe(true);
    expect(turns.take('a', 2)).toBe(true);
    expect(turns.take('a', 2)).toBe(false);
    // Another connection is not held back by the first one's backlog.
    expect(turns.take('b', 2)).toBe(true);
    expect(turns.total).toBe(3);
    turns.give('a');
    expect(turns.running('a')).toBe(1);
    expect(turns.take('a', 2)).toBe(true);
    expect(turns.take('a', 2)).toBe(false);
  });

  it('counts a forced turn over the share, and forgets a connection with none left', () => {
    const turns = new ImportTurns();
    expect(turns.take('a', 1)).toBe(true);
    turns.force('a');
    expect(turns.running('a')).toBe(2);
    expect(turns.take('a', 2)).toBe(false);
    turns.give('a');
    turns.give('a');
    expect(turns.running('a')).toBe(0);
    expect(turns.total).toBe(0);
    expect(turns.take('a', 1)).toBe(true);
  });
});

describe('turnsForLimits', () => {
  it.each([
    [{ tinyCallsPerMinute: 30, iderisCallsPerMinute: 50 }, 2],
    [{ tinyCallsPerMinute: 120, iderisCallsPerMinute: 50 }, 2],
    [{ tinyCallsPerMinute: 600, iderisCallsPerMinute: 600 }, 20],
    [{ tinyCallsPerMinute: 6000, iderisCallsPerMinute: 6000 }, 128],
    [{ iderisCallsPerMinute: 300 }, 10],
    [{}, 2],
  ])('%j → %i turns', (limits, expected) => {
    expect(turnsForLimits(limits)).toBe(expected);
  });
});

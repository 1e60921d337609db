import { describe, expect, it } from 'vitest';
import type { FlowFreshness } from '../api/views';
import { ago, cadence } from './format';
import { freshnessCell } from './freshness';

const now = Date.parse('2026-12-02T12:00:00Z');
const minutesAgo = (m: number) => new Date(now - m * 60_000).toISOString();
const flow = (over: Partial<FlowFreshness>): FlowFreshness => ({ state: 'ok', lastSuccessAt: minutesAgo(3), lastAttemptAt: minutesAgo(3), expectedEverySeconds: 60, failures: 0, pending: 0, ...over });

describe('ago', () => {
  it.each([
    [null, '—'],
    [new Date(now - 2_000).toISOString(), 'agora'],
    [new Date(now - 42_000).toISOString(), 'há 42 s'],
    [minutesAgo(3), 'há 3 min'],
    [minutesAgo(59), 'há 59 min'],
    [minutesAgo(61), 'há 1 h'],
    [minutesAgo(60 * 24), 'há 1 dia'],
    [minutesAgo(60 * 24 * 5), 'há 5 dias'],
    [new Date(now + 10_000).toISOString(), 'agora'],
  ])('%s → %s', (iso, text) => expect(ago(iso, now)).toBe(text));
});

describe('cadence', () => {
  it.each([
    [3, 'a cada 3 s'],
    [300, 'a cada 5 min'],
    [7200, 'a cada 2 h'],
  ])('%i s → %s', (s, text) => expect(cadence(s)).toBe(text));
});

describe('freshnessCell', () => {
  it.each<[string, FlowFreshness | undefined, string, string]>([
    ['ok says when it last worked', flow({}), 'há 3 min', 'ok'],
    ['late says since when', flow({ state: 'late', lastSuccessAt: minutesAgo(12) }), 'atrasado (há 12 min)', 'late'],
    ['late that never worked', flow({ state: 'late', lastSuccessAt: null }), 'atrasado (nunca)', 'late'],
    ['failing', flow({ state: 'failing', failures: 4 }), 'falhando', 'failing'],
    ['off', flow({ state: 'off' }), 'desligado', 'off'],
    ['idle with history', flow({ state: 'idle', lastSuccessAt: minutesAgo(120) }), 'há 2 h', 'idle'],
    ['idle never moved', flow({ state: 'idle', lastSuccessAt: null }), 'sem movimento', 'idle'],
    ['no data', undefined, '—', 'idle'],
  ])('%s', (_name, f, text, tone) => {
    const cell = freshnessCell(f, now);
    expect(cell.text).toBe(text);
    expect(cell.tone).toBe(tone);
  });

  it('the tooltip tells the expected cadence and the pending work', () => {
    expect(freshnessCell(flow({ state: 'late', expectedEverySeconds: 300, pending: 2, lastSuccessAt: minutesAgo(20) }), now).title).toBe('último sucesso: há 20 min; esperado a cada 5 min, 2 pendentes');
  });
});

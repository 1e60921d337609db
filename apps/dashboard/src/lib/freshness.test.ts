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
    ['ok with nothing done yet', flow({ lastSuccessAt: null }), 'em dia', 'ok'],
    ['late says since when', flow({ state: 'late', lastSuccessAt: minutesAgo(12) }), 'atrasado (há 12 min)', 'late'],
    ['late that never worked', flow({ state: 'late', lastSuccessAt: null }), 'atrasado (nunca)', 'late'],
    ['failing', flow({ state: 'failing', failures: 4 }), 'falhando', 'failing'],
    ['off', flow({ state: 'off' }), 'desligado', 'off'],
    ['a service that did not answer', flow({ state: 'unknown' }), 'sem resposta', 'idle'],
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

describe('chart series', () => {
  it('spreads 24 h of activity over one slot per hour, zeros where nothing happened', async () => {
    const { activitySeries } = await import('../pages/Budget');
    const view = {
      from: '2026-12-01T13:00:00.000Z',
      to: '2026-12-02T12:40:00.000Z',
      buckets: [
        { hour: '2026-12-02T12:00:00.000Z', flow: 'orders' as const, processed: 5, failed: 1 },
        { hour: '2026-12-01T13:00:00.000Z', flow: 'orders' as const, processed: 2, failed: 0 },
        { hour: '2026-12-02T12:00:00.000Z', flow: 'stock' as const, processed: 9, failed: 9 },
      ],
    };
    const s = activitySeries(view, 'orders');
    expect(s.hours).toHaveLength(24);
    expect(s.processed[0]).toBe(2);
    expect(s.processed[23]).toBe(5);
    expect(s.failed[23]).toBe(1);
    expect(s.processed.slice(1, 23).every((n) => n === 0)).toBe(true);
  });

  it('keeps the last 60 minutes of calls on a fixed axis', async () => {
    const { minuteSeries } = await import('../pages/Budget');
    const now = Date.parse('2026-12-02T12:40:30Z');
    const s = minuteSeries([{ minute: '2026-12-02T12:40:00.000Z', tiny: 7, ideris: 3 }, { minute: '2026-12-02T11:41:00.000Z', tiny: 1, ideris: 0 }], now, 'tiny');
    expect(s).toHaveLength(60);
    expect(s[59]).toBe(7);
    expect(s[0]).toBe(1);
  });
});

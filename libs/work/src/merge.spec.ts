import type { WorkItemView } from '@hub/contracts';
import { mergePages } from './merge';

const item = (ref: string, updatedAt: string): WorkItemView => ({
  ref, flow: 'orders', connectionId: 'c', connectionName: null, key: ref, status: 'waiting', outcome: 'x', reasonCode: 'x', reasonDetail: null, attempts: 0,
  createdAt: updatedAt, updatedAt, nextCheckAt: null, refs: {},
});
const at = (minute: number) => `2026-12-02T12:${String(minute).padStart(2, '0')}:00.000Z`;

describe('mergePages (each service answered its first offset + limit, sorted)', () => {
  // Service A holds minutes 59, 57, 55 …; B holds 58, 56, 54 …; C is empty.
  const service = (name: string, minutes: number[], take: number) => ({ total: minutes.length, items: minutes.slice(0, take).map((m) => item(`${name}${m}`, at(m))) });
  const a = [59, 57, 55, 53, 51];
  const b = [58, 56, 54, 52, 50, 48];

  it.each([
    [0, 3, ['a59', 'b58', 'a57']],
    [3, 3, ['b56', 'a55', 'b54']],
    [8, 3, ['a51', 'b50', 'b48']],
    [9, 3, ['b50', 'b48']],
    [11, 3, []],
  ])('offset %i, limit %i', (offset, limit, refs) => {
    const page = mergePages([service('a', a, offset + limit), service('b', b, offset + limit), service('c', [], offset + limit)], offset, limit);
    expect(page.total).toBe(11);
    expect(page.items.map((i) => i.ref)).toEqual(refs);
  });

  it('orders ties by ref, so pages never repeat or skip an item', () => {
    const same = at(30);
    const page1 = mergePages([{ total: 2, items: [item('b', same), item('d', same)] }, { total: 2, items: [item('a', same), item('c', same)] }], 0, 2);
    const page2 = mergePages([{ total: 2, items: [item('b', same), item('d', same)] }, { total: 2, items: [item('a', same), item('c', same)] }], 2, 2);
    expect([...page1.items, ...page2.items].map((i) => i.ref)).toEqual(['a', 'b', 'c', 'd']);
  });
});

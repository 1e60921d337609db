import { IderisApiError } from './ideris-api.error';
import type { IderisOrder, IderisOrderPage, IderisOrderSearch } from './ideris-order.models';
import { walkIderisOrders } from './ideris-order.walker';

function order(id: number): IderisOrder {
  return { id, items: [], raw: {} };
}

/** A fake server: `size` rows, pages capped at 50, with optional corrupt positions and 404 windows. */
function server(size: number, options: { corrupt?: number[]; failing404?: (search: IderisOrderSearch) => boolean } = {}) {
  const calls: IderisOrderSearch[] = [];
  const read = async (search: IderisOrderSearch): Promise<IderisOrderPage> => {
    calls.push(search);
    const offset = search.offset ?? 0;
    const end = Math.min(offset + Math.min(search.limit ?? 50, 50), size);
    if (offset >= size || options.failing404?.(search)) throw new IderisApiError({ kind: 'not-found', path: '/order/search', httpStatus: 404 });
    const positions = Array.from({ length: end - offset }, (_, index) => offset + index);
    const bad = positions.find((position) => options.corrupt?.includes(position));
    if (bad !== undefined) {
      throw new IderisApiError({ kind: 'transient', path: '/order/search', httpStatus: 500, detail: `Input string '300O' at ${bad}` });
    }
    return { total: size, orders: positions.map((position) => order(position + 1)) };
  };
  return { read, calls };
}

describe('walkIderisOrders', () => {
  it('advances by the 50-row window and stops at total', async () => {
    const fake = server(120);
    const walk = await walkIderisOrders(fake.read);
    expect(walk.total).toBe(120);
    expect(walk.orders).toHaveLength(120);
    expect(fake.calls.map((call) => [call.offset, call.limit])).toEqual([
      [0, 50],
      [50, 50],
      [100, 50],
    ]);
  });

  it('returns nothing for an empty search answered with 404', async () => {
    await expect(walkIderisOrders(server(0).read)).resolves.toEqual({ total: 0, orders: [], unreadable: [] });
  });

  it('isolates a corrupt record by halving the window and reports it instead of looping', async () => {
    const fake = server(120, { corrupt: [70] });
    const walk = await walkIderisOrders(fake.read);
    expect(walk.orders).toHaveLength(119);
    expect(walk.unreadable).toEqual([{ offset: 70, limit: 1, reason: 'server-error', detail: "Input string '300O' at 70" }]);
    expect(fake.calls.length).toBeLessThan(20);
  });

  it('splits an early 404 window and keeps the rows the halves return', async () => {
    const fake = server(120, { failing404: (search) => search.offset === 50 && search.limit === 50 });
    const walk = await walkIderisOrders(fake.read);
    expect(walk.orders).toHaveLength(120);
    expect(walk.unreadable).toEqual([]);
  });

  it('reports phantom rows (404 down to single records) as one merged range', async () => {
    const fake = server(60, { failing404: (search) => (search.offset ?? 0) >= 50 && (search.offset ?? 0) < 55 });
    const walk = await walkIderisOrders(fake.read);
    expect(walk.orders).toHaveLength(55);
    expect(walk.unreadable).toEqual([{ offset: 50, limit: 5, reason: 'early-404', detail: undefined }]);
  });

  it('lets rate limits propagate to the caller', async () => {
    const read = async (): Promise<IderisOrderPage> => {
      throw new IderisApiError({ kind: 'rate-limited', path: '/order/search', httpStatus: 429 });
    };
    await expect(walkIderisOrders(read)).rejects.toMatchObject({ kind: 'rate-limited' });
  });
});

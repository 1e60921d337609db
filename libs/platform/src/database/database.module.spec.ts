import { serviceDataSourceOptions } from './database.module';

describe('serviceDataSourceOptions', () => {
  const base = { url: 'postgres://postgres@127.0.0.1:5432/test', schema: 'orders', entities: [], migrations: [] };
  const extra = (options: Parameters<typeof serviceDataSourceOptions>[0]) => (serviceDataSourceOptions(options) as { extra: { max: number; options: string } }).extra;

  it('sizes the pool from poolSize (DB_POOL_SIZE), 10 when not given', () => {
    expect(extra({ ...base, poolSize: 4 }).max).toBe(4);
    expect(extra(base).max).toBe(10);
  });

  it('pins unqualified SQL to the owned schema', () => {
    expect(extra(base).options).toBe('-c search_path=orders');
  });
});

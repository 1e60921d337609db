import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The orders list's day range (`from`/`to`, the order's marketplace date in Brasília time) is an index range scan
 * per connection, for the count, the counts per state and the page. The expression is `ORDER_DAY_SQL`
 * (src/admin/order-filter.ts), verbatim, or the planner cannot use it. The marketplace filter is not indexed: a
 * connection has a handful of marketplaces, so it narrows little and is checked on the rows the range found.
 */
export class OrderMarketplaceDayIndex1764850000400 implements MigrationInterface {
  name = 'OrderMarketplaceDayIndex1764850000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX order_sync_marketplace_day ON order_sync (connection_id, (COALESCE(visible_at, discovered_at)))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX order_sync_marketplace_day');
  }
}

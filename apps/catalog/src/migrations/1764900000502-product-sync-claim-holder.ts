import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The holder of a product's write claim (`WorkClaims`): one write call, not a process. */
export class ProductSyncClaimHolder1764900000502 implements MigrationInterface {
  name = 'ProductSyncClaimHolder1764900000502';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE product_sync ADD COLUMN claimed_by text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE product_sync DROP COLUMN claimed_by');
  }
}

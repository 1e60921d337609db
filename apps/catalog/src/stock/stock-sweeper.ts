import { Injectable } from '@nestjs/common';
import { runInLane } from '@hub/budget';
import { ConnectionDirectory, ConnectionPollLoop } from '@hub/connections';
import { IderisCatalogApi } from '@hub/ideris';
import { ConnectionClients } from '@hub/integrations';
import { counter } from '@hub/platform';
import { TinyApiError, TinyProductsApi } from '@hub/tiny';
import { DataSource } from 'typeorm';
import { balanceOfKind, desiredQuantity } from './domain/stock-rule';
import { KitStock, type KitComponent } from './kit-stock';
import { StockPusher } from './stock-pusher';
import { StockRepository, type StockProductRef } from './stock.repository';

const swept = counter('hub_catalog_stock_sweep_skus_total', 'SKUs compared by the stock sweep, by outcome: equal, corrected, pending, unknown', ['outcome']);

export const STOCK_SWEEP = {
  /** Ideris SKUs per step (one `sku/search` page), each compared with one Tiny stock read. */
  pageSize: 50,
  /** A new connection's first pass waits this long, so it does not compete with the first real-time burst. */
  firstPassAfterMs: 10 * 60_000,
  /** A pass starts this long after the previous one finished. Every call rides the bulk lane. */
  passEveryMs: 6 * 60 * 60_000,
  /** Between steps of one pass. */
  stepPauseMs: 1_000,
  /** After a failed step. */
  retryAfterMs: 60_000,
  leaseMs: 5 * 60_000,
};

interface SweepClaim {
  next_offset: number;
  pass: number;
}

/**
 * The second reconciliation backstop: for each active connection, a pass over every Ideris SKU from a cursor
 * (one page per step), comparing Ideris's quantity with Tiny's rule-applied balance. A difference records what
 * Ideris really holds and queues the SKU for a re-read from Tiny and a push. All of it in the bulk lane of the
 * API budget, so real-time stock, orders and prices always go first.
 */
@Injectable()
export class StockSweeper extends ConnectionPollLoop<SweepClaim> {
  constructor(
    dataSource: DataSource,
    directory: ConnectionDirectory,
    private readonly clients: ConnectionClients,
    private readonly stock: StockRepository,
    private readonly pusher: StockPusher,
    private readonly kitStock: KitStock,
  ) {
    super(dataSource, directory, { name: 'stock-sweep', stateTable: 'stock_sweep', claimColumns: 'next_offset, pass', leaseMs: STOCK_SWEEP.leaseMs, switchEnv: 'CATALOG_STOCK_SWEEP', tickMs: 5_000, flow: 'stock' });
  }

  protected async ensureStateRow(connectionId: string): Promise<void> {
    await this.dataSource.query(`INSERT INTO stock_sweep (connection_id, next_poll_at) VALUES ($1, now() + make_interval(secs => $2)) ON CONFLICT DO NOTHING`, [
      connectionId,
      STOCK_SWEEP.firstPassAfterMs / 1000,
    ]);
  }

  protected async poll(connectionId: string, claim: SweepClaim): Promise<void> {
    try {
      const outcome = await this.step(connectionId, claim.next_offset);
      const done = outcome.nextOffset >= outcome.total || outcome.read === 0;
      await this.dataSource.query(
        done
          ? `UPDATE stock_sweep SET next_offset = 0, pass = pass + 1, last_pass_finished_at = now(), last_pass_checked = checked + $2, last_pass_corrected = corrected + $3,
               checked = 0, corrected = 0, pass_started_at = NULL, last_error = NULL, next_poll_at = now() + make_interval(secs => $4), lease_holder = NULL, lease_until = NULL
              WHERE connection_id = $1`
          : `UPDATE stock_sweep SET next_offset = $4, checked = checked + $2, corrected = corrected + $3, pass_started_at = coalesce(pass_started_at, now()),
               last_error = NULL, next_poll_at = now() + make_interval(secs => $5), lease_holder = NULL, lease_until = NULL
              WHERE connection_id = $1`,
        done
          ? [connectionId, outcome.checked, outcome.corrected, STOCK_SWEEP.passEveryMs / 1000]
          : [connectionId, outcome.checked, outcome.corrected, outcome.nextOffset, STOCK_SWEEP.stepPauseMs / 1000],
      );
      if (done) this.logger.log({ msg: 'stock sweep pass finished', connectionId, pass: claim.pass + 1 });
    } catch (error) {
      this.logger.warn({ msg: 'stock sweep step failed', connectionId, offset: claim.next_offset, err: (error as Error).message });
      await this.dataSource.query(
        `UPDATE stock_sweep SET last_error = $2, next_poll_at = now() + make_interval(secs => $3), lease_holder = NULL, lease_until = NULL WHERE connection_id = $1`,
        [connectionId, (error as Error).message.slice(0, 1000), STOCK_SWEEP.retryAfterMs / 1000],
      );
    }
  }

  /** One page of Ideris SKUs compared with Tiny. */
  async step(connectionId: string, offset: number): Promise<{ read: number; total: number; nextOffset: number; checked: number; corrected: number }> {
    const { tiny, ideris, connection } = await this.clients.forActive(connectionId);
    const catalog = new IderisCatalogApi(ideris);
    const products = new TinyProductsApi(tiny);
    const readStartedAt = new Date();
    const page = await runInLane('bulk', () => catalog.skuPage(offset, STOCK_SWEEP.pageSize));
    const skus = page.skus.map((s) => s.sku);
    const [refs, pending, kits] = await Promise.all([
      this.stock.productsBySku(connectionId, skus),
      this.pendingOf(connectionId, skus),
      connection.settings.kitStock === 'components' ? this.kitStock.compositions(connectionId, skus) : Promise.resolve(new Map<string, KitComponent[]>()),
    ]);
    const differing: StockProductRef[] = [];
    let checked = 0;
    for (const sku of page.skus) {
      if (pending.has(sku.sku)) {
        swept.inc({ outcome: 'pending' }); // already on its way
        continue;
      }
      const kit = kits.get(sku.sku);
      let ref = refs.get(sku.sku) ?? (kit ? { sku: sku.sku, tinyCode: null, tinyProductId: '' } : undefined);
      if (!ref) {
        const found = await runInLane('bulk', () => products.findProductByCode(sku.sku));
        if (!found) {
          swept.inc({ outcome: 'unknown' });
          continue;
        }
        ref = { sku: sku.sku, tinyCode: found.code, tinyProductId: found.id };
        await this.stock.rememberProduct(connectionId, ref);
      }
      const product = ref;
      let balance: string;
      try {
        balance = kit
          ? await runInLane('bulk', () => this.kitStock.balance(connectionId, kit, tiny, connection.settings.stockType))
          : balanceOfKind(await runInLane('bulk', () => tiny.getProductStock(product.tinyProductId)), connection.settings.stockType);
      } catch (error) {
        if (error instanceof TinyApiError && (error.kind === 'not-found' || error.kind === 'empty')) {
          swept.inc({ outcome: 'unknown' });
          continue;
        }
        throw error;
      }
      checked++;
      const desired = desiredQuantity(balance, connection.settings.safetyBuffer);
      if (desired === sku.currentStock) {
        swept.inc({ outcome: 'equal' });
        continue;
      }
      swept.inc({ outcome: 'corrected' });
      await this.stock.correctIderisQuantity(connectionId, sku.sku, sku.currentStock, readStartedAt);
      differing.push(ref);
    }
    if (differing.length > 0) {
      this.logger.log({ msg: 'stock sweep found Ideris differing from Tiny', connectionId, skus: differing.map((d) => d.sku).slice(0, 20), count: differing.length });
      await this.stock.requestReread(connectionId, differing, 'sweep');
      if (connection.settings.kitStock === 'components') {
        await this.stock.requestReread(connectionId, await this.kitStock.kitsContaining(connectionId, differing.map((d) => d.sku)), 'kit');
      }
      this.pusher.wake(connectionId);
    }
    return { read: page.skus.length, total: page.total, nextOffset: offset + page.skus.length, checked, corrected: differing.length };
  }

  private async pendingOf(connectionId: string, skus: string[]): Promise<Set<string>> {
    const rows: { sku: string }[] = await this.dataSource.query(`SELECT sku FROM stock_pending WHERE connection_id = $1 AND sku = ANY($2::text[])`, [connectionId, skus]);
    return new Set(rows.map((row) => row.sku));
  }
}

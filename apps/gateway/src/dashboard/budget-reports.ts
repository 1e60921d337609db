import { Injectable, NotFoundException } from '@nestjs/common';
import { ApiBudget, type BudgetReport } from '@hub/budget';
import { SecretBox } from '@hub/platform';
import { DataSource } from 'typeorm';
import { ConnectionEntity } from '../connections/connection.entity';

type Budget = Omit<BudgetReport, 'perMinute'>;

function blank(): BudgetReport {
  return { limitPerMinute: null, usedLastMinute: 0, byLane: { realtime: 0, normal: 0, bulk: 0 }, queued: 0, blocks: { last24h: 0, lastAt: null }, pausedUntil: null, perMinute: [] };
}

/**
 * A connection's Tiny and Ideris budgets, read through @hub/budget's own query (the budget's schema is the lib's,
 * shared by design): the gateway opens the credentials only to derive the accounts' bucket keys.
 */
@Injectable()
export class BudgetReports {
  constructor(private readonly dataSource: DataSource, private readonly budget: ApiBudget, private readonly secrets: SecretBox) {}

  async report(connectionId: string): Promise<{ tiny: Budget; ideris: Budget; perMinute: { minute: string; tiny: number; ideris: number }[] }> {
    const c = await this.dataSource.getRepository(ConnectionEntity).findOne({ where: { id: connectionId } });
    if (!c) throw new NotFoundException(`no connection ${connectionId}`);
    const tinyToken = this.open(c.tinyTokenSealed, `${c.id}:tiny`);
    const iderisKey = this.open(c.iderisKeySealed, `${c.id}:ideris`);
    const [tiny, ideris] = await Promise.all([
      tinyToken ? this.budget.report('tiny', tinyToken) : blank(),
      iderisKey ? this.budget.report('ideris', iderisKey) : blank(),
    ]);
    const minutes = new Map<string, { minute: string; tiny: number; ideris: number }>();
    for (const p of tiny.perMinute) minutes.set(p.minute, { minute: p.minute, tiny: p.calls, ideris: 0 });
    for (const p of ideris.perMinute) minutes.set(p.minute, { minute: p.minute, tiny: minutes.get(p.minute)?.tiny ?? 0, ideris: p.calls });
    const { perMinute: _t, ...tinyBudget } = tiny;
    const { perMinute: _i, ...iderisBudget } = ideris;
    return { tiny: tinyBudget, ideris: iderisBudget, perMinute: [...minutes.values()].sort((a, b) => a.minute.localeCompare(b.minute)) };
  }

  private open(sealed: string | null, purpose: string): string | undefined {
    if (!sealed) return undefined;
    try {
      return this.secrets.open(sealed, purpose);
    } catch {
      return undefined;
    }
  }
}

import { BadRequestException, Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkRpcSubjects, type TinyProductSearchItem, type WorkActivityBucket, type WorkSearchHit } from '@hub/contracts';
import { ServiceRpc } from '../admin/rpc-client';
import { ApiKeyGuard } from '../common/api-key.guard';
import { BudgetReports } from './budget-reports';
import { ConnectionNames } from './connection-names';
import { ActivityQuery, FailureGroupsQuery, FailuresQuery, ItemQuery, OverviewQuery, RetryBody, SearchQuery, TinyProductsQuery } from './dashboard.dto';
import { ActivityAnswer, BudgetAnswer, FailureGroupsAnswer, FailuresAnswer, OverviewAnswer, RetryAnswer, SearchAnswer, TinyProductsAnswer, WorkItemDetailAnswer } from './dashboard.responses';
import { OverviewService } from './overview.service';
import { WorkFanout } from './work-fanout';
import { WorkInboxService } from './work-inbox.service';

/** The operator dashboard's API: every seller at a glance, the failure inbox across services, search, budget, activity. */
@ApiTags('dashboard')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1')
export class DashboardController {
  constructor(
    private readonly overviews: OverviewService,
    private readonly inbox: WorkInboxService,
    private readonly fanout: WorkFanout,
    private readonly connections: ConnectionNames,
    private readonly budgets: BudgetReports,
    private readonly rpc: ServiceRpc,
  ) {}

  @Get('overview')
  @ApiOkResponse({ type: OverviewAnswer })
  @ApiOperation({ summary: 'One row per connection: situation, health, per-flow freshness (late/failing against each flow\'s cadence), failures and pending' })
  overview(@Query() q: OverviewQuery) {
    return this.overviews.overview({ limit: q.limit ?? 50, offset: q.offset ?? 0, situation: q.situation, health: q.health, q: q.q });
  }

  @Get('failures')
  @ApiOkResponse({ type: FailuresAnswer })
  @ApiOperation({ summary: 'The failure inbox across every flow and service, newest first; `partial` names services that did not answer' })
  failures(@Query() q: FailuresQuery) {
    const { limit = 50, offset = 0, ...filter } = q;
    return this.inbox.list(filter, limit, offset);
  }

  @Get('failures/groups')
  @ApiOkResponse({ type: FailureGroupsAnswer })
  @ApiOperation({ summary: 'Failures grouped by connection, flow and reason' })
  groups(@Query() q: FailureGroupsQuery) {
    return this.inbox.groups(q);
  }

  @Get('failures/item')
  @ApiOkResponse({ type: WorkItemDetailAnswer })
  @ApiOperation({ summary: 'One work item with its timeline (attempts, errors, answers; secrets redacted)' })
  item(@Query() q: ItemQuery) {
    return this.inbox.item(q.ref);
  }

  @Post('failures/retry')
  @ApiOkResponse({ type: RetryAnswer })
  @HttpCode(200)
  @ApiOperation({ summary: 'Retry items (refs) or every failure of a filter through each flow\'s own reprocess path → matched, queued, skipped with reasons' })
  retry(@Body() body: RetryBody) {
    if (!body.refs?.length && !body.filter) throw new BadRequestException('give refs or a filter');
    return this.inbox.retry(body);
  }

  @Get('search')
  @ApiOkResponse({ type: SearchAnswer })
  @ApiOperation({ summary: 'Find any id: Ideris order id, marketplace number, Tiny order id/number, NF-e key, SKU, connection name or CNPJ' })
  async search(@Query() q: SearchQuery) {
    const [connections, asked, names] = await Promise.all([this.connections.search(q.q), this.fanout.ask<{ hits: WorkSearchHit[] }>(WorkRpcSubjects.search, { q: q.q }), this.connections.names()]);
    const hits: WorkSearchHit[] = [
      ...connections.map((c) => ({ kind: 'connection' as const, connectionId: c.id, connectionName: c.name, label: c.cnpj ? `${c.name} (${c.cnpj})` : c.name, refs: {} })),
      ...asked.answers.flatMap((a) => a.answer.hits).map((h) => ({ ...h, connectionName: h.connectionId ? names.get(h.connectionId) ?? null : null })),
    ];
    return { hits: hits.slice(0, 100), partial: asked.partial };
  }

  @Get('activity')
  @ApiOkResponse({ type: ActivityAnswer })
  @ApiOperation({ summary: 'Processed vs failed per flow per hour (default: the last 24 h)' })
  async activity(@Query() q: ActivityQuery) {
    const to = new Date();
    const from = new Date(Math.floor(to.getTime() / 3_600_000) * 3_600_000 - ((q.hours ?? 24) - 1) * 3_600_000);
    const asked = await this.fanout.ask<{ buckets: WorkActivityBucket[] }>(WorkRpcSubjects.activity, { connectionId: q.connectionId, from: from.toISOString() });
    const buckets = asked.answers.flatMap((a) => a.answer.buckets);
    // Parked messages come from every service: one bucket per hour and flow.
    const merged = new Map<string, WorkActivityBucket>();
    for (const b of buckets) {
      const key = `${b.hour}|${b.flow}`;
      const seen = merged.get(key);
      if (seen) {
        seen.processed += b.processed;
        seen.failed += b.failed;
      } else merged.set(key, { ...b });
    }
    const sorted = [...merged.values()].sort((a, b) => a.hour.localeCompare(b.hour) || a.flow.localeCompare(b.flow));
    return { from: from.toISOString(), to: to.toISOString(), buckets: sorted, partial: asked.partial };
  }

  @Get('connections/:id/budget')
  @ApiOkResponse({ type: BudgetAnswer })
  @ApiOperation({ summary: 'Tiny and Ideris calls per minute against the limit, by lane, waiting lanes, blocks, the last 60 minutes' })
  budget(@Param('id', ParseUUIDPipe) id: string) {
    return this.budgets.report(id);
  }

  @Get('connections/:id/tiny-products')
  @ApiOkResponse({ type: TinyProductsAnswer })
  @ApiOperation({ summary: 'Tiny products by code or GTIN (produtos.pesquisa through catalog, under the budget)' })
  tinyProducts(@Param('id', ParseUUIDPipe) id: string, @Query() q: TinyProductsQuery): Promise<{ items: TinyProductSearchItem[] }> {
    return this.rpc.ask(WorkRpcSubjects.tinyProductSearch, { connectionId: id, q: q.q }, 30_000);
  }
}

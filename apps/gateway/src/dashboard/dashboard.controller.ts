import { BadRequestException, Body, Controller, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { decodeRef } from '@hub/work';
import { canSee, principalOf, type Principal } from '../access/principal';
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
  overview(@Query() q: OverviewQuery, @Req() req: Request) {
    return this.overviews.overview({ limit: q.limit ?? 50, offset: q.offset ?? 0, situation: q.situation, health: q.health, q: q.q, scope: principalOf(req).connectionIds });
  }

  @Get('failures')
  @ApiOkResponse({ type: FailuresAnswer })
  @ApiOperation({ summary: 'The failure inbox across every flow and service, newest first; `partial` names services that did not answer' })
  failures(@Query() q: FailuresQuery, @Req() req: Request) {
    const { limit = 50, offset = 0, ...filter } = q;
    return this.inbox.list(scoped(principalOf(req), filter), limit, offset);
  }

  @Get('failures/groups')
  @ApiOkResponse({ type: FailureGroupsAnswer })
  @ApiOperation({ summary: 'Failures grouped by connection, flow and reason' })
  groups(@Query() q: FailureGroupsQuery, @Req() req: Request) {
    return this.inbox.groups(scoped(principalOf(req), { ...q }));
  }

  @Get('failures/item')
  @ApiOkResponse({ type: WorkItemDetailAnswer })
  @ApiOperation({ summary: 'One work item with its timeline (attempts, errors, answers; secrets redacted)' })
  item(@Query() q: ItemQuery, @Req() req: Request) {
    if (!refVisible(principalOf(req), q.ref)) throw new NotFoundException(`no work item ${q.ref}`);
    return this.inbox.item(q.ref);
  }

  @Post('failures/retry')
  @ApiOkResponse({ type: RetryAnswer })
  @HttpCode(200)
  @ApiOperation({ summary: 'Retry items (refs) or every failure of a filter through each flow\'s own reprocess path → matched, queued, skipped with reasons' })
  async retry(@Body() body: RetryBody, @Req() req: Request) {
    if (!body.refs?.length && !body.filter) throw new BadRequestException('give refs or a filter');
    const principal = principalOf(req);
    if (!body.refs?.length) return this.inbox.retry({ filter: scoped(principal, { ...body.filter }) });
    // Items of connections outside the key's scope are answered as unknown ones, never retried.
    const visible = body.refs.filter((ref) => refVisible(principal, ref));
    const hidden = body.refs.length - visible.length;
    const answer = visible.length ? await this.inbox.retry({ refs: visible }) : { matched: 0, queued: 0, skipped: 0, skippedReasons: {}, partial: [] };
    if (!hidden) return answer;
    return { ...answer, matched: answer.matched + hidden, skipped: answer.skipped + hidden, skippedReasons: { ...answer.skippedReasons, not_found: (answer.skippedReasons.not_found ?? 0) + hidden } };
  }

  @Get('search')
  @ApiOkResponse({ type: SearchAnswer })
  @ApiOperation({ summary: 'Find any id: Ideris order id, marketplace number, Tiny order id/number, NF-e key, SKU, connection name or CNPJ' })
  async search(@Query() q: SearchQuery, @Req() req: Request) {
    const principal = principalOf(req);
    const scope = principal.connectionIds ? { connectionIds: [...principal.connectionIds] } : {};
    const [found, asked, names] = await Promise.all([this.connections.search(q.q), this.fanout.ask<{ hits: WorkSearchHit[] }>(WorkRpcSubjects.search, { q: q.q, ...scope }), this.connections.names()]);
    const connections = found.filter((c) => canSee(principal, c.id));
    const hits: WorkSearchHit[] = [
      ...connections.map((c) => ({ kind: 'connection' as const, connectionId: c.id, connectionName: c.name, label: c.cnpj ? `${c.name} (${c.cnpj})` : c.name, refs: {} })),
      ...asked.answers.flatMap((a) => a.answer.hits).map((h) => ({ ...h, connectionName: h.connectionId ? names.get(h.connectionId) ?? null : null })),
    ];
    return { hits: hits.slice(0, 100), partial: asked.partial };
  }

  @Get('activity')
  @ApiOkResponse({ type: ActivityAnswer })
  @ApiOperation({ summary: 'Processed vs failed per flow per hour (default: the last 24 h)' })
  async activity(@Query() q: ActivityQuery, @Req() req: Request) {
    const { connectionId, connectionIds } = scoped(principalOf(req), { connectionId: q.connectionId });
    const to = new Date();
    const from = new Date(Math.floor(to.getTime() / 3_600_000) * 3_600_000 - ((q.hours ?? 24) - 1) * 3_600_000);
    const asked = await this.fanout.ask<{ buckets: WorkActivityBucket[] }>(WorkRpcSubjects.activity, { connectionId, connectionIds, from: from.toISOString() });
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

/** The filter a principal may run: its own connection must be visible, and a scoped key sees only its connections. */
function scoped<T extends { connectionId?: string }>(principal: Principal, filter: T): T & { connectionIds?: string[] } {
  if (filter.connectionId && !canSee(principal, filter.connectionId)) throw new NotFoundException(`no connection with id ${filter.connectionId}`);
  return principal.connectionIds ? { ...filter, connectionIds: [...principal.connectionIds] } : filter;
}

function refVisible(principal: Principal, ref: string): boolean {
  if (principal.connectionIds === null) return true;
  const decoded = decodeRef(ref);
  return !!decoded?.connectionId && principal.connectionIds.has(decoded.connectionId);
}

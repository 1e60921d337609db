import { Injectable } from '@nestjs/common';
import { FLOW_CADENCE, FLOW_OWNERS, FLOWS, WorkRpcSubjects, type FlowName, type FlowSummary, type WorkSummaryAnswer } from '@hub/contracts';
import { flowState, healthOf, type FlowState, type Health } from '@hub/work';
import { ConnectionNames, type ConnectionFacts } from './connection-names';
import { WorkFanout } from './work-fanout';

export interface OverviewQueryInput {
  limit: number;
  offset: number;
  situation?: string;
  health?: Health;
  q?: string;
  /** Only these connections (a scoped API key); absent: all. */
  scope?: ReadonlySet<string> | null;
}

type FlowFreshness = Omit<FlowSummary, 'connectionId' | 'flow'> & { state: FlowState };

export interface OverviewItem {
  id: string;
  name: string;
  cnpj: string | null;
  situation: string;
  health: Health;
  flows: Record<FlowName, FlowFreshness>;
}

const HEALTHS: Health[] = ['ok', 'late', 'failing', 'inactive', 'not_set_up'];

function emptySummary(flow: FlowName): Omit<FlowSummary, 'connectionId' | 'flow'> {
  const expectedEverySeconds = flow === 'messages' ? 0 : FLOW_CADENCE[flow].expectedEverySeconds;
  return { lastSuccessAt: null, lastAttemptAt: null, lastFailureAt: null, failures: 0, pending: 0, oldestPendingAt: null, expectedEverySeconds };
}

/**
 * All sellers at a glance: one summary RPC per service for every connection at once, the freshness rule applied
 * per flow here, connection names from the gateway's own table.
 */
@Injectable()
export class OverviewService {
  constructor(private readonly connections: ConnectionNames, private readonly fanout: WorkFanout) {}

  async overview(query: OverviewQueryInput) {
    const [connections, summaries] = await Promise.all([this.connections.all(), this.fanout.ask<WorkSummaryAnswer>(WorkRpcSubjects.summary, {})]);
    const byKey = new Map<string, FlowSummary>();
    for (const { answer } of summaries.answers) for (const s of answer.flows) byKey.set(`${s.connectionId}|${s.flow}`, s);
    const now = Date.now();
    const matching = connections.filter((c) => (!query.scope || query.scope.has(c.id)) && (!query.situation || c.situation === query.situation) && matchesText(c, query.q));
    const items = matching.map((c) => this.item(c, byKey, summaries.partial, now));
    const counts = Object.fromEntries(HEALTHS.map((h) => [h, items.filter((i) => i.health === h).length])) as Record<Health, number>;
    const filtered = query.health ? items.filter((i) => i.health === query.health) : items;
    return {
      total: filtered.length,
      counts,
      generatedAt: new Date(now).toISOString(),
      partial: summaries.partial,
      items: filtered.slice(query.offset, query.offset + query.limit),
    };
  }

  private item(c: ConnectionFacts, byKey: Map<string, FlowSummary>, partial: string[], now: number): OverviewItem {
    const flows = {} as Record<FlowName, FlowFreshness>;
    for (const flow of FLOWS) {
      const found = byKey.get(`${c.id}|${flow}`);
      const { connectionId: _c, flow: _f, ...summary } = found ?? { connectionId: c.id, flow, ...emptySummary(flow) };
      const poller = flow !== 'messages' && FLOW_CADENCE[flow].poller;
      const missing = flow === 'messages' ? partial.length > 0 && !found : partial.includes(FLOW_OWNERS[flow]);
      const enabled = c.situation === 'active' && (flow === 'messages' || c.flows[flow] !== false);
      const state: FlowState = missing && enabled ? 'unknown' : flowState({ enabled, poller, summary, activeSince: c.activeSince, now });
      flows[flow] = { state, ...summary };
    }
    return { id: c.id, name: c.name, cnpj: c.cnpj, situation: c.situation, health: healthOf(c.situation, Object.values(flows).map((f) => f.state)), flows };
  }
}

function matchesText(c: ConnectionFacts, q?: string): boolean {
  if (!q?.trim()) return true;
  const text = q.trim().toLowerCase();
  const digits = text.replace(/\D/g, '');
  return c.name.toLowerCase().includes(text) || (digits.length >= 4 && (c.cnpj ?? '').replace(/\D/g, '').includes(digits)) || c.id === text;
}

import type {
  FlowName, RpcFailure, WorkActivityBucket, WorkActivityQuery, WorkerService, WorkFilter, WorkGroup, WorkItemDetail, WorkListAnswer,
  WorkListQuery, WorkRetryAnswer, WorkRetryCommand, WorkSearchHit, WorkSummaryAnswer,
} from '@hub/contracts';
import type { FlowSource, RetryVerdict } from './flow-source';
import type { Queryable } from './flow-table';
import { compareItems } from './merge';
import { redact } from './redact';
import { emptyRetryAnswer, tallyRetry } from './retry-tally';
import { WorkQueries } from './work-queries';
import { meterWork } from './work-metrics';
import { decodeRef, serviceOfRef } from './work-ref';

/** Most items one list answer or one bulk retry touches (the gateway pages within it). */
export const WORK_LIST_CAP = 5000;

function fail(status: RpcFailure['error']['status'], message: string): RpcFailure {
  return { error: { status, message } };
}

/**
 * A service's answers to the dashboard's work RPCs, over the flows it owns: lists merged across its flows,
 * one item with its timeline, retries through each flow's own reprocess path.
 */
export class WorkAdmin {
  private readonly queries = new Map<FlowName, { source: FlowSource; queries: WorkQueries }>();
  private readonly unmeter: () => void;

  constructor(readonly service: WorkerService, private readonly db: Queryable, sources: FlowSource[]) {
    for (const source of sources) this.queries.set(source.flow, { source, queries: new WorkQueries(source.table) });
    this.unmeter = meterWork(service, db, [...this.queries.values()].map((f) => f.queries));
  }

  /** Stops reporting the service's flows at /metrics. */
  close(): void {
    this.unmeter();
  }

  private flows(flow?: FlowName) {
    return [...this.queries.values()].filter((f) => !flow || f.source.flow === flow);
  }

  async summary(): Promise<WorkSummaryAnswer> {
    const flows = await Promise.all(this.flows().map((f) => f.source.summary(this.db)));
    return { service: this.service, flows: flows.flat() };
  }

  async list(q: WorkListQuery): Promise<WorkListAnswer> {
    const limit = Math.min(Math.max(Number(q.limit) || 0, 0), WORK_LIST_CAP);
    const pages = await Promise.all(this.flows(q.flow).map((f) => f.queries.list(this.db, q, limit)));
    const items = pages.flatMap((p) => p.items).sort(compareItems).slice(0, limit).map((i) => ({ ...i, service: this.service }));
    return { total: pages.reduce((n, p) => n + p.total, 0), items };
  }

  async groups(q: WorkFilter): Promise<{ groups: WorkGroup[] }> {
    const groups = await Promise.all(this.flows(q.flow).map((f) => f.queries.groups(this.db, q)));
    return { groups: groups.flat() };
  }

  async get(q: { ref: string }): Promise<WorkItemDetail | RpcFailure> {
    const ref = decodeRef(q.ref ?? '');
    const flow = ref && this.queries.get(ref.flow);
    if (!ref || !flow || serviceOfRef(ref) !== this.service) return fail(404, `no work item ${q.ref} in ${this.service}`);
    const item = await flow.queries.find(this.db, ref.connectionId, ref.key);
    if (!item) return fail(404, `no work item ${q.ref} in ${this.service}`);
    const history = await flow.source.history(this.db, item);
    return {
      ...item,
      service: this.service,
      timeline: history.timeline.map((e) => ({ ...e, detail: redact(e.detail), ...(e.answer !== undefined ? { answer: redact(e.answer) } : {}) })),
      ...(history.request !== undefined ? { request: redact(history.request) } : {}),
      ...(history.answer !== undefined ? { answer: redact(history.answer) } : {}),
    };
  }

  async retry(command: WorkRetryCommand): Promise<WorkRetryAnswer> {
    const answer = emptyRetryAnswer();
    if (command.refs?.length) {
      for (const [flowName, refs] of this.refsByFlow(command.refs, answer)) {
        const flow = this.queries.get(flowName)!;
        const items = [];
        for (const ref of refs) {
          const item = await flow.queries.find(this.db, ref.connectionId, ref.key);
          if (item) items.push(item);
          else tallyRetry(['not_found'], answer);
        }
        if (items.length) tallyRetry(await flow.source.retry(this.db, items), answer);
      }
      return answer;
    }
    const filter = command.filter ?? {};
    // A filter naming an id (`q`) targets that item whatever its state, so "retry order 2000123" can answer "already done".
    for (const flow of this.flows(filter.flow)) {
      const items = await flow.queries.all(this.db, filter, WORK_LIST_CAP, Boolean(filter.q));
      if (items.length) tallyRetry(await flow.source.retry(this.db, items), answer);
    }
    return answer;
  }

  async search(q: { q: string; connectionIds?: string[] }): Promise<{ hits: WorkSearchHit[] }> {
    if (!q.q?.trim()) return { hits: [] };
    const hits = await Promise.all(this.flows().map((f) => f.queries.search(this.db, q.q, 20, q.connectionIds ?? null)));
    return { hits: hits.flat() };
  }

  async activity(q: WorkActivityQuery): Promise<{ buckets: WorkActivityBucket[] }> {
    const buckets = await Promise.all(this.flows().map((f) => f.queries.activity(this.db, q.connectionId, q.from, q.connectionIds ?? null)));
    return { buckets: buckets.flat() };
  }

  /** Refs of this service grouped by flow; others count as not found. */
  private refsByFlow(refs: string[], answer: WorkRetryAnswer) {
    const byFlow = new Map<FlowName, { connectionId: string | null; key: string }[]>();
    for (const raw of refs) {
      const ref = decodeRef(raw);
      if (!ref || !this.queries.has(ref.flow) || serviceOfRef(ref) !== this.service) {
        tallyRetry(['not_found'], answer);
        continue;
      }
      byFlow.set(ref.flow, [...(byFlow.get(ref.flow) ?? []), ref]);
    }
    return byFlow;
  }
}

/** Runs `retry` for each item with at most `concurrency` at once, keeping the verdicts in order. */
export async function eachItem<T>(items: T[], retry: (item: T) => Promise<RetryVerdict>, concurrency = 4): Promise<RetryVerdict[]> {
  const verdicts: RetryVerdict[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      verdicts[at] = await retry(items[at]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return verdicts;
}

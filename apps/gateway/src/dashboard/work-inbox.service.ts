import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import {
  FLOW_OWNERS, WORKER_SERVICES, WorkRpcSubjects, type FlowName, type WorkerService, type WorkFilter, type WorkGroup, type WorkItemDetail, type WorkListAnswer,
  type WorkRetryAnswer, type WorkRetryCommand,
} from '@hub/contracts';
import { addRetryAnswers, decodeRef, mergePages, serviceOfRef, tallyRetry, WORK_LIST_CAP } from '@hub/work';
import { ServiceRpc } from '../admin/rpc-client';
import { ConnectionNames } from './connection-names';
import { FANOUT_DEADLINE_MS, WorkFanout } from './work-fanout';

/** The services that hold a flow's items (every worker service holds parked messages). */
export function servicesFor(flow?: FlowName): readonly WorkerService[] {
  return !flow || flow === 'messages' ? WORKER_SERVICES : [FLOW_OWNERS[flow]];
}

/** The failure inbox across services: lists merged and paged here, items and retries routed by their ref. */
@Injectable()
export class WorkInboxService {
  constructor(private readonly fanout: WorkFanout, private readonly rpc: ServiceRpc, private readonly connections: ConnectionNames) {}

  async list(filter: WorkFilter, limit: number, offset: number): Promise<WorkListAnswer & { partial: WorkerService[] }> {
    if (offset + limit > WORK_LIST_CAP) throw new BadRequestException(`offset + limit must be at most ${WORK_LIST_CAP}; narrow the filter`);
    // Each service answers the first offset + limit of its own sorted list; the page is cut from their merge.
    const asked = await this.fanout.ask<WorkListAnswer>(WorkRpcSubjects.list, { ...filter, limit: offset + limit, offset: 0 }, servicesFor(filter.flow));
    const page = mergePages(asked.answers.map((a) => a.answer), offset, limit);
    const names = await this.connections.names();
    return { ...page, items: page.items.map((i) => ({ ...i, connectionName: i.connectionId ? names.get(i.connectionId) ?? null : null })), partial: asked.partial };
  }

  async groups(filter: Pick<WorkFilter, 'connectionId' | 'flow'>): Promise<{ groups: WorkGroup[]; partial: WorkerService[] }> {
    const asked = await this.fanout.ask<{ groups: WorkGroup[] }>(WorkRpcSubjects.groups, filter, servicesFor(filter.flow));
    const names = await this.connections.names();
    const groups = mergeGroups(asked.answers.flatMap((a) => a.answer.groups)).map((g) => ({ ...g, connectionName: g.connectionId ? names.get(g.connectionId) ?? null : null }));
    return { groups: groups.sort((a, b) => b.count - a.count || a.oldestAt.localeCompare(b.oldestAt)), partial: asked.partial };
  }

  async item(ref: string): Promise<WorkItemDetail> {
    const service = this.serviceOf(ref);
    const item = await this.rpc.ask<WorkItemDetail>(WorkRpcSubjects.get(service), { ref }, FANOUT_DEADLINE_MS * 2);
    const names = await this.connections.names();
    return { ...item, connectionName: item.connectionId ? names.get(item.connectionId) ?? null : null };
  }

  async retry(command: WorkRetryCommand): Promise<WorkRetryAnswer & { partial: WorkerService[] }> {
    if (command.refs?.length) {
      const byService = new Map<WorkerService, string[]>();
      let unknown = 0;
      for (const ref of command.refs) {
        const decoded = decodeRef(ref);
        const service = decoded && serviceOfRef(decoded);
        if (!service) unknown += 1;
        else byService.set(service, [...(byService.get(service) ?? []), ref]);
      }
      const answers = await Promise.all([...byService].map(([service, refs]) => this.fanout.ask<WorkRetryAnswer>(WorkRpcSubjects.retry, { refs }, [service], 30_000)));
      // A ref that names no service is answered here, like one its service does not know.
      const total = tallyRetry(new Array<'not_found'>(unknown).fill('not_found'), addRetryAnswers(answers.flatMap((a) => a.answers.map((x) => x.answer))));
      return { ...total, partial: answers.flatMap((a) => a.partial) };
    }
    const filter = command.filter ?? {};
    const asked = await this.fanout.ask<WorkRetryAnswer>(WorkRpcSubjects.retry, { filter }, servicesFor(filter.flow), 30_000);
    return { ...addRetryAnswers(asked.answers.map((a) => a.answer)), partial: asked.partial };
  }

  private serviceOf(ref: string): WorkerService {
    const decoded = decodeRef(ref);
    const service = decoded && serviceOfRef(decoded);
    if (!service) throw new NotFoundException(`no work item ${ref}`);
    return service;
  }
}

/** Parked messages of one connection and reason come from several services: one group each. */
function mergeGroups(groups: WorkGroup[]): WorkGroup[] {
  const merged = new Map<string, WorkGroup>();
  for (const g of groups) {
    const key = `${g.connectionId}|${g.flow}|${g.reasonCode}`;
    const seen = merged.get(key);
    if (!seen) merged.set(key, { ...g });
    else {
      seen.count += g.count;
      if (g.oldestAt < seen.oldestAt) seen.oldestAt = g.oldestAt;
    }
  }
  return [...merged.values()];
}

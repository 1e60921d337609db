import { gauge } from '@hub/platform';
import type { WorkStatus } from '@hub/contracts';
import type { WorkQueries } from './work-queries';
import type { Queryable } from './flow-table';

/** The flows of one service, as `WorkAdmin` holds them, read when /metrics is scraped. */
interface MeteredService {
  service: string;
  db: Queryable;
  flows: WorkQueries[];
}

const services = new Set<MeteredService>();

/** The metric's state label: the item's work status, `gave_up` said as `failed`. */
const STATE: Record<Exclude<WorkStatus, 'succeeded'>, string> = { queued: 'queued', running: 'running', waiting: 'waiting', gave_up: 'failed' };


/**
 * Open work items per flow and state, read from each flow's own table (its `open` predicate, a partial index) at
 * scrape time, so every replica reports the same numbers: take `max`, not `sum`, across replicas.
 */
gauge('hub_work_items', 'Open work items per flow and state (queued, running, waiting, failed)', ['service', 'flow', 'state'], async function collect() {
  this.reset();
  oldest.reset();
  for (const metered of services) {
    for (const flow of metered.flows) {
      try {
        const counts = await flow.openCounts(metered.db);
        for (const state of Object.values(STATE)) this.set({ service: metered.service, flow: flow.table.flow, state }, 0);
        let oldestAt: number | undefined;
        for (const c of counts) {
          this.set({ service: metered.service, flow: flow.table.flow, state: STATE[c.status] }, c.count);
          oldestAt = Math.min(oldestAt ?? Infinity, c.oldestAt.getTime());
        }
        oldest.set({ service: metered.service, flow: flow.table.flow }, oldestAt === undefined ? 0 : Math.max(0, (Date.now() - oldestAt) / 1000));
      } catch {
        // A flow whose table cannot be read now (the database down) is left out of this scrape.
      }
    }
  }
});

// Registered after `hub_work_items`, whose collect sets it: a scrape reads both from the same queries.
const oldest = gauge('hub_work_oldest_open_seconds', 'Age of the oldest open work item (queued, running, waiting or failed) per flow', ['service', 'flow']);

/** Reports the service's flows at /metrics until the returned function is called (the module stops). */
export function meterWork(service: string, db: Queryable, flows: WorkQueries[]): () => void {
  const metered = { service, db, flows };
  services.add(metered);
  return () => services.delete(metered);
}

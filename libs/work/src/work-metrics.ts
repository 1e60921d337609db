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

interface FlowReading {
  labels: { service: string; flow: string };
  counts: Record<string, number>;
  oldestSeconds: number;
}

let reading: Promise<FlowReading[]> | undefined;

/** One read of every flow per scrape, shared by both gauges (the registry collects them at once). */
function read(): Promise<FlowReading[]> {
  reading ??= readFlows().finally(() => (reading = undefined));
  return reading;
}

async function readFlows(): Promise<FlowReading[]> {
  const readings: FlowReading[] = [];
  for (const metered of services) {
    for (const flow of metered.flows) {
      try {
        const found = await flow.openCounts(metered.db);
        const counts = Object.fromEntries(Object.values(STATE).map((state) => [state, 0]));
        for (const c of found) counts[STATE[c.status]] = c.count;
        const oldestAt = Math.min(...found.map((c) => c.oldestAt.getTime()));
        readings.push({ labels: { service: metered.service, flow: flow.table.flow }, counts, oldestSeconds: found.length ? Math.max(0, (Date.now() - oldestAt) / 1000) : 0 });
      } catch {
        // A flow whose table cannot be read now (the database down) is left out of this scrape.
      }
    }
  }
  return readings;
}

/**
 * Open work items per flow and state, read from each flow's own table (its `open` predicate, a partial index) at
 * scrape time, so every replica reports the same numbers: take `max`, not `sum`, across replicas.
 */
gauge('hub_work_items', 'Open work items per flow and state (queued, running, waiting, failed)', ['service', 'flow', 'state'], async function collect() {
  const readings = await read();
  this.reset();
  for (const r of readings) for (const [state, count] of Object.entries(r.counts)) this.set({ ...r.labels, state }, count);
});

gauge('hub_work_oldest_open_seconds', 'Age of the oldest open work item (queued, running, waiting or failed) per flow', ['service', 'flow'], async function collect() {
  const readings = await read();
  this.reset();
  for (const r of readings) this.set(r.labels, r.oldestSeconds);
});

/** Reports the service's flows at /metrics until the returned function is called (the module stops). */
export function meterWork(service: string, db: Queryable, flows: WorkQueries[]): () => void {
  const metered = { service, db, flows };
  services.add(metered);
  return () => services.delete(metered);
}

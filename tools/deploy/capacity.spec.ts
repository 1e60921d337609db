// docs/deploy.md's capacity tables against the model they are derived from (tools/deploy/capacity.ts), and
// the model's connection counts against the code. k8s.spec.ts checks the manifests against the same model.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Consumers } from '@hub/contracts';
import { JETSTREAM_HANDLER, type HandlerMetadata } from '@hub/messaging';
import { BaseServiceConfig } from '@hub/platform';
import { OrderImportHandler } from '../../apps/orders/src/import/order-import.handler';
import { API_BUDGET_POOL, capacity, CONNECTIONS, IMPORTS_IN_FLIGHT_PER_CONNECTION, postgresConnectionsPerReplica } from './capacity';
import { repoRoot } from './narrow';

const deployDoc = readFileSync(join(repoRoot, 'docs', 'deploy.md'), 'utf8');

/** The rows of the Markdown table whose header row starts with `header`, as cells keyed by column name. */
function table(header: string): Record<string, string>[] {
  const lines = deployDoc.split('\n');
  const start = lines.findIndex((l) => l.startsWith(header));
  if (start < 0) throw new Error(`docs/deploy.md: no table starting with ${header}`);
  const cells = (line: string) => line.split('|').slice(1, -1).map((c) => c.trim());
  const columns = cells(lines[start] ?? '');
  const rows: Record<string, string>[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const values = cells(line);
    rows.push(Object.fromEntries(columns.map((c, i) => [c, values[i] ?? ''])));
  }
  return rows;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const number = (cell: string | undefined) => Number((cell ?? '').replace(/[*,]/g, '').replace(/^≤ /, ''));

describe('docs/deploy.md capacity', () => {
  const derived = capacity(CONNECTIONS);

  it('shows, per service, the figures the model derives for 100 connections', () => {
    const rows = table('| Service | What bounds it');
    for (const c of derived) {
      const row = rows.find((r) => r['Service'] === `\`${c.service}\``);
      expect([c.service, number(row?.['Items/s at peak']), number(row?.['CPU at peak']), number(row?.['Replicas at peak']), number(row?.['min']), number(row?.['max'])]).toEqual([
        c.service,
        Math.round(c.itemsPerSecond * 10) / 10,
        c.cores,
        c.replicasAtPeak,
        c.minReplicas,
        c.maxReplicas,
      ]);
      expect([c.service, row?.['`lagThreshold`']]).toEqual([c.service, c.lagThreshold === undefined ? '— (CPU only)' : String(c.lagThreshold)]);
    }
    const all = rows.find((r) => r['Service'] === '**all**');
    expect([number(all?.['Replicas at peak']), number(all?.['min']), number(all?.['max'])]).toEqual([
      sum(derived.map((c) => c.replicasAtPeak)),
      sum(derived.map((c) => c.minReplicas)),
      sum(derived.map((c) => c.maxReplicas)),
    ]);
    expect(all?.['CPU at peak']).toContain(`≤ ${sum(derived.map((c) => c.cores)).toFixed(1)}`);
  });

  it('shows the max replicas per number of connections', () => {
    const rows = table('| Connections | gateway |');
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) {
      const connections = number(row['Connections']);
      const scaled = capacity(connections);
      expect([connections, ...scaled.map((c) => number(row[c.service])), number(row['max replicas in all'])]).toEqual([
        connections,
        ...scaled.map((c) => c.maxReplicas),
        sum(scaled.map((c) => c.maxReplicas)),
      ]);
    }
  });

  it('shows the PostgreSQL connections at max replicas, for the default DB_POOL_SIZE and for 5', () => {
    const rows = table('| Connections | max replicas |');
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) {
      const replicas = sum(capacity(number(row['Connections'])).map((c) => c.maxReplicas));
      expect(row).toEqual({
        Connections: row['Connections'],
        'max replicas': String(replicas),
        'PostgreSQL connections at max, `DB_POOL_SIZE` 10 (default)': (replicas * postgresConnectionsPerReplica(10)).toLocaleString('en-US'),
        'with `DB_POOL_SIZE` 5': (replicas * postgresConnectionsPerReplica(5)).toLocaleString('en-US'),
      });
    }
  });

  it('keeps an order import in flight for every busy connection at min replicas (one consumer serves them all)', () => {
    // bench:scale: with 16 per replica, 3 replicas imported ~15 orders/s for 160 busy connections whose budgets allow
    // ~100/s — the imports in flight waited for a few accounts' slots while the others' budgets went unused.
    const orders = capacity().find((c) => c.service === 'orders');
    const metadata = Reflect.getMetadata(JETSTREAM_HANDLER, OrderImportHandler.prototype.handle) as HandlerMetadata;
    const inFlight = Math.min(metadata.options.concurrency * (orders?.minReplicas ?? 0), Consumers.ordersImport.maxAckPending);
    expect(inFlight).toBeGreaterThanOrEqual(CONNECTIONS * IMPORTS_IN_FLIGHT_PER_CONNECTION);
  });

  it('counts the connections a replica holds as the code opens them', () => {
    expect(new BaseServiceConfig().DB_POOL_SIZE).toBe(10);
    const budgetStore = readFileSync(join(repoRoot, 'libs', 'budget', 'src', 'budget-store.ts'), 'utf8');
    expect(/new Pool\(\{[^}]*\bmax: (\d+)/.exec(budgetStore)?.[1]).toBe(String(API_BUDGET_POOL));
  });
});

import { randomUUID } from 'node:crypto';
import { ApiBudget } from '@hub/budget';
import { dropSchema, sql, testDatabaseUrl, uniqueSuffix, waitFor } from '@hub/testing';
import { DataSource } from 'typeorm';
import { ConnectionDirectory } from './connection-directory';
import { ConnectionPollLoop, type PollLease } from './connection-poll-loop';

interface Claimed {
  connection_id: string;
}

/** A poll loop over a real PostgreSQL state table: polls each due connection once, and an idle tick costs one query. */
class CountingLoop extends ConnectionPollLoop<Claimed> {
  readonly polled: string[] = [];
  readonly ensured: string[] = [];
  constructor(db: DataSource, directory: ConnectionDirectory) {
    super(db, directory, { name: 'test', stateTable: 'test_poll_state', claimColumns: 'connection_id', leaseMs: 5_000, switchEnv: 'TEST_POLL_LOOP' });
  }
  protected async ensureStateRow(connectionId: string): Promise<void> {
    this.ensured.push(connectionId);
    await this.dataSource.query(`INSERT INTO test_poll_state (connection_id) VALUES ($1) ON CONFLICT DO NOTHING`, [connectionId]);
  }
  protected async poll(connectionId: string): Promise<void> {
    this.polled.push(connectionId);
    await this.dataSource.query(`UPDATE test_poll_state SET next_poll_at = now() + interval '1 hour', lease_holder = NULL, lease_until = NULL WHERE connection_id = $1`, [connectionId]);
  }
}

describe('ConnectionPollLoop', () => {
  const schema = uniqueSuffix('poll_loop');
  let db: DataSource;
  let loop: CountingLoop;
  const ids = Array.from({ length: 5 }, () => randomUUID()).sort();
  let queries = 0;

  beforeAll(async () => {
    await sql(`CREATE SCHEMA "${schema}"`);
    await sql(`CREATE TABLE "${schema}".connection_view (id uuid PRIMARY KEY, version int NOT NULL, name text NOT NULL, situation text NOT NULL, cnpj text,
      tiny_integration_id int, tiny_base_url text NOT NULL, ideris_base_url text NOT NULL, settings jsonb NOT NULL, tiny_token_sealed text, ideris_key_sealed text,
      deleted boolean NOT NULL DEFAULT false, ideris_invoice_url_sealed text, ideris_tracking_url_sealed text, updated_at timestamptz NOT NULL DEFAULT now())`);
    await sql(`CREATE TABLE "${schema}".test_poll_state (connection_id uuid PRIMARY KEY, next_poll_at timestamptz NOT NULL DEFAULT now(), lease_holder text, lease_until timestamptz)`);
    for (const [i, id] of ids.entries()) {
      await sql(`INSERT INTO "${schema}".connection_view (id, version, name, situation, tiny_base_url, ideris_base_url, settings) VALUES ($1, 1, $2, $3, 'http://t', 'http://i', '{}')`, [
        id, `c${i}`, i === 4 ? 'inactive' : 'active',
      ]);
    }
    db = await new DataSource({ type: 'postgres', url: testDatabaseUrl(), schema, extra: { options: `-c search_path="${schema}"` } }).initialize();
    const query = db.query.bind(db);
    db.query = ((...args: Parameters<DataSource['query']>) => {
      queries += 1;
      return query(...args);
    }) as DataSource['query'];
    loop = new CountingLoop(db, new ConnectionDirectory(db, undefined as never));
  });

  afterAll(async () => {
    await db?.destroy();
    await dropSchema(schema);
  });

  it('creates the missing state rows and polls every active connection once; an inactive one is never polled', async () => {
    await loop.tick();
    expect(loop.ensured.sort()).toEqual(ids.slice(0, 4));
    expect(loop.polled.sort()).toEqual(ids.slice(0, 4));
  });

  it('spends one query on a tick where no connection is due, however many connections wait', async () => {
    queries = 0;
    await loop.tick();
    await loop.tick();
    expect(queries).toBe(2);
    expect(loop.polled).toHaveLength(4);
  });

  it('polls a connection again once it is due, and not while another holder leases it', async () => {
    await sql(`UPDATE "${schema}".test_poll_state SET next_poll_at = now() - interval '1 second' WHERE connection_id = ANY($1)`, [[ids[0], ids[1]]]);
    await sql(`UPDATE "${schema}".test_poll_state SET lease_holder = 'other', lease_until = now() + interval '1 minute' WHERE connection_id = $1`, [ids[1]]);
    loop.ensured.length = 0;
    await loop.tick();
    expect(loop.polled.slice(4)).toEqual([ids[0]]);
    expect(loop.ensured).toEqual([]);
  });
});

/**
 * One replica's poller whose poll makes three Ideris calls through the real shared API budget on an account allowed
 * one call per (shortened) minute: after the first, the poll only waits for the budget, for about two windows, longer
 * than its lease. Its final state update is fenced on the lease, as the services' pollers do.
 */
class BudgetWaitingLoop extends ConnectionPollLoop<Claimed> {
  static running = 0;
  static overlap = 0;
  readonly polls: { holder: string; recorded: boolean }[] = [];
  constructor(db: DataSource, directory: ConnectionDirectory, private readonly budget: ApiBudget, private readonly account: string, leaseMs: number, renewWhilePolling?: boolean) {
    super(db, directory, { name: 'budget-test', stateTable: 'test_poll_state', claimColumns: 'connection_id', leaseMs, switchEnv: 'TEST_POLL_LOOP', renewWhilePolling });
  }
  protected async ensureStateRow(connectionId: string): Promise<void> {
    await this.dataSource.query(`INSERT INTO test_poll_state (connection_id) VALUES ($1) ON CONFLICT DO NOTHING`, [connectionId]);
  }
  protected async poll(connectionId: string, _claim: Claimed, lease: PollLease): Promise<void> {
    BudgetWaitingLoop.running += 1;
    BudgetWaitingLoop.overlap = Math.max(BudgetWaitingLoop.overlap, BudgetWaitingLoop.running);
    try {
      for (let call = 0; call < 3; call++) await this.budget.ideris(this.account, { callsPerMinute: 1 }).run({ label: 'order.search' }, async () => undefined);
      const [, updated] = (await this.dataSource.query(
        `UPDATE test_poll_state SET next_poll_at = now() + interval '1 hour', lease_holder = NULL, lease_until = NULL WHERE connection_id = $1 AND lease_holder = $2`,
        [connectionId, lease.holder],
      )) as [unknown, number];
      this.polls.push({ holder: lease.holder, recorded: updated === 1 });
    } finally {
      BudgetWaitingLoop.running -= 1;
    }
  }
}

describe('ConnectionPollLoop on two replicas, a poll waiting for the API budget', () => {
  const schema = uniqueSuffix('poll_lease');
  /** The budget's minute, shortened: the three calls of a poll span two windows (~4 s), the lease is 1.5 s. */
  const WINDOW_MS = 2000;
  const LEASE_MS = 1500;
  let db: DataSource;
  let budget: ApiBudget;
  let directory: ConnectionDirectory;

  beforeAll(async () => {
    await sql(`CREATE SCHEMA "${schema}"`);
    await sql(`CREATE TABLE "${schema}".connection_view (id uuid PRIMARY KEY, version int NOT NULL, name text NOT NULL, situation text NOT NULL, cnpj text,
      tiny_integration_id int, tiny_base_url text NOT NULL, ideris_base_url text NOT NULL, settings jsonb NOT NULL, tiny_token_sealed text, ideris_key_sealed text,
      deleted boolean NOT NULL DEFAULT false, ideris_invoice_url_sealed text, ideris_tracking_url_sealed text, updated_at timestamptz NOT NULL DEFAULT now())`);
    await sql(`CREATE TABLE "${schema}".test_poll_state (connection_id uuid PRIMARY KEY, next_poll_at timestamptz NOT NULL DEFAULT now(), lease_holder text, lease_until timestamptz)`);
    db = await new DataSource({ type: 'postgres', url: testDatabaseUrl(), schema, extra: { options: `-c search_path="${schema}"` } }).initialize();
    budget = await ApiBudget.connect(testDatabaseUrl(), { schema: `${schema}_budget`, windowMs: WINDOW_MS });
    directory = new ConnectionDirectory(db, undefined as never);
  });

  afterAll(async () => {
    await budget?.close();
    await db?.destroy();
    await dropSchema(schema);
    await dropSchema(`${schema}_budget`);
  });

  /** Replica A polls the connection; once it does, replica B ticks every 100 ms until A's poll ends (and B's, if it took over). */
  async function race(renewWhilePolling: boolean | undefined) {
    const id = randomUUID();
    const account = uniqueSuffix('ideris');
    await sql(`INSERT INTO "${schema}".connection_view (id, version, name, situation, tiny_base_url, ideris_base_url, settings) VALUES ($1, 1, 'c', 'active', 'http://t', 'http://i', '{}')`, [id]);
    const a = new BudgetWaitingLoop(db, directory, budget, account, LEASE_MS, renewWhilePolling);
    const b = new BudgetWaitingLoop(db, directory, budget, account, LEASE_MS, renewWhilePolling);
    BudgetWaitingLoop.overlap = 0;
    const started = Date.now();
    let done = false;
    const polled = a.pollIfDue(id).finally(() => (done = true));
    // B starts once A holds the lease and polls (else B's first tick could claim the connection first).
    await waitFor(async () => BudgetWaitingLoop.running === 1, 10_000, 10);
    const ticks: Promise<void>[] = [];
    while (!done) {
      ticks.push(b.tick());
      await new Promise((r) => setTimeout(r, 100));
    }
    await polled;
    await Promise.all(ticks);
    await waitFor(async () => BudgetWaitingLoop.running === 0, 15_000, 100);
    await sql(`UPDATE "${schema}".connection_view SET situation = 'inactive' WHERE id = $1`, [id]);
    return { a: a.polls, b: b.polls, seconds: (Date.now() - started) / 1000, overlap: BudgetWaitingLoop.overlap };
  }

  it('keeps the connection to the replica whose poll waits for budget longer than the lease: the other never polls it', async () => {
    const { a, b, seconds, overlap } = await race(undefined);
    expect(seconds).toBeGreaterThan((2 * LEASE_MS) / 1000); // the poll did outlast its lease
    expect(a).toEqual([{ holder: expect.any(String), recorded: true }]);
    expect(b).toEqual([]);
    expect(overlap).toBe(1);
  });

  it('without the renewal the other replica takes the lapsed lease and polls at the same time; the stale poll records nothing', async () => {
    const { a, b, overlap } = await race(false);
    expect(overlap).toBe(2);
    expect(a).toEqual([{ holder: expect.any(String), recorded: false }]);
    expect(b[0]).toEqual({ holder: expect.any(String), recorded: true });
  });
});

import { randomUUID } from 'node:crypto';
import { dropSchema, sql, testDatabaseUrl, uniqueSuffix } from '@hub/testing';
import { DataSource } from 'typeorm';
import { ConnectionDirectory } from './connection-directory';
import { ConnectionPollLoop } from './connection-poll-loop';

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

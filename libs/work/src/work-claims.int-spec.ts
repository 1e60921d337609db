import { dropSchema, sleep, sql, testDatabaseUrl, uniqueSuffix } from '@hub/testing';
import { DataSource } from 'typeorm';
import { newHolder, releasingClaim, WorkClaims } from './work-claims';

/** Claims against a real PostgreSQL table: one holder per claim call, renewed while held, lapsing when not. */
describe('WorkClaims', () => {
  const schema = uniqueSuffix('work_claims');
  let db: DataSource;
  let claims: WorkClaims<{ id: string; state: string }>;
  const row = async (id: string) => (await sql<{ claimed_by: string | null; claimed_until: Date | null }>(`SELECT claimed_by, claimed_until FROM "${schema}".item WHERE id = $1`, [id]))[0]!;

  beforeAll(async () => {
    await sql(`CREATE SCHEMA "${schema}"`);
    await sql(`CREATE TABLE "${schema}".item (id text PRIMARY KEY, state text NOT NULL DEFAULT 'open', claimed_by text, claimed_until timestamptz, updated_at timestamptz)`);
    await sql(`INSERT INTO "${schema}".item (id) VALUES ('a'), ('b'), ('c'), ('d'), ('e'), ('f'), ('g')`);
    db = await new DataSource({ type: 'postgres', url: testDatabaseUrl(), schema, extra: { options: `-c search_path="${schema}"` } }).initialize();
    claims = new WorkClaims(db, { table: 'item', key: 'id', holder: 'claimed_by', until: 'claimed_until', onClaim: 'updated_at = now()' }, 600);
  });

  afterAll(async () => {
    await db?.destroy();
    await dropSchema(schema);
  });

  it('gives each call its own holder', () => {
    expect(newHolder()).not.toBe(newHolder());
  });

  it('lets one of two calls in one process hold a row, and the other once it is released', async () => {
    const first = await claims.claim('a');
    expect(first?.row).toMatchObject({ id: 'a', state: 'open' });
    expect(await claims.claim('a')).toBeUndefined();
    expect((await row('a')).claimed_by).toBe(first!.holder);
    await first!.release();
    expect((await row('a')).claimed_by).toBeNull();
    expect(await claims.claim('a')).toBeDefined();
  });

  it('takes a row whose holder stopped renewing once its claim ran out, and the old holder cannot renew it', async () => {
    const crashed = (await claims.claim('b'))!;
    await sleep(700);
    const next = await claims.claim('b');
    expect(next).toBeDefined();
    expect(await crashed.renew()).toBe(false);
    await crashed.release();
    expect((await row('b')).claimed_by).toBe(next!.holder);
  });

  it('renews a held claim while the work runs longer than the claim, and releases it after', async () => {
    const held = await claims.hold('c', async () => {
      await sleep(1_200);
      return claims.claim('c');
    });
    expect(held).toEqual({ held: true, value: undefined });
    expect((await row('c')).claimed_by).toBeNull();
  });

  it('claims only when the extra condition holds, and says so when another call holds the row', async () => {
    expect(await claims.claim('d', { where: 'state = $4', params: ['closed'] })).toBeUndefined();
    const running = claims.hold('d', () => sleep(200), { set: 'state = $4', params: ['working'] });
    await sleep(50);
    expect(await claims.hold('d', async () => 'second')).toEqual({ held: false });
    await running;
    expect((await sql<{ state: string }>(`SELECT state FROM "${schema}".item WHERE id = 'd'`))[0]!.state).toBe('working');
  });

  it('claims by a condition instead of the key, renews and releases by the key it returned, and refuses a settled row', async () => {
    await sql(`UPDATE "${schema}".item SET state = 'done' WHERE id = 'f'`);
    const byState = () => claims.claimWhere({ where: "id = $3 AND state <> 'done'", set: 'state = $4', params: ['e', 'working'] }, (r) => r.id);
    const taken = (await byState())!;
    expect(taken.row).toMatchObject({ id: 'e', state: 'working' });
    expect(await byState()).toBeUndefined();
    expect(await claims.claimWhere({ where: "id = $3 AND state <> 'done'", params: ['f'] }, (r) => r.id)).toBeUndefined();
    await sleep(400);
    expect(await taken.renew()).toBe(true);
    await sleep(400);
    expect(await claims.claim('e')).toBeUndefined();
    await taken.release();
    expect((await row('e')).claimed_by).toBeNull();
    await expect(claims.claimWhere({ where: 'state <> $3', params: ['none'] }, (r) => r.id)).rejects.toThrow(/more than one row/);
    expect(await sql(`SELECT id FROM "${schema}".item WHERE claimed_by IS NOT NULL AND claimed_until > now()`)).toEqual([]);
  });

  it('skips the release round trip once a write of its own released the claim, and renews no more', async () => {
    const taken = (await claims.claim('e'))!;
    await sql(`UPDATE "${schema}".item SET state = 'done', ${releasingClaim({ holder: 'claimed_by', until: 'claimed_until' }, '$1')} WHERE id = 'e'`, [taken.holder]);
    expect((await row('e')).claimed_by).toBeNull();
    taken.releasedBy('own-write');
    const next = (await claims.claim('e'))!;
    expect(await taken.renew()).toBe(false);
    await taken.release();
    expect((await row('e')).claimed_by).toBe(next.holder);
  });

  it('leaves a claim another holder took when a lapsed holder writes its releasing write', async () => {
    const lapsed = (await claims.claim('g'))!;
    await sleep(700);
    const next = (await claims.claim('g'))!;
    await sql(`UPDATE "${schema}".item SET ${releasingClaim({ holder: 'claimed_by', until: 'claimed_until' }, '$1')} WHERE id = 'g'`, [lapsed.holder]);
    expect((await row('g')).claimed_by).toBe(next.holder);
    await next.release();
  });
});

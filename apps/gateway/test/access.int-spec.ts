import { randomBytes } from 'node:crypto';
import { SecretBox } from '@hub/platform';
import { dropSchema, sql } from '@hub/testing';
import { startGateway, type GatewayHarness } from './gateway-harness';

/** Scoped API keys, the audit log of admin writes, and a webhook secret's rotation with a grace period. */
describe('admin access (gateway, real PostgreSQL)', () => {
  let h: GatewayHarness;
  let a: { id: string; webhookUrls: Record<string, string> };
  let b: { id: string };
  const as = (key: string) => ({ authorization: `Bearer ${key}` });

  beforeAll(async () => {
    h = await startGateway();
    a = (await h.api('POST', '/api/v1/connections', { name: 'Loja A' })).body;
    b = (await h.api('POST', '/api/v1/connections', { name: 'Loja B' })).body;
  });

  afterAll(async () => {
    await h?.close();
    await dropSchema(h.schema);
  });

  async function key(rights: 'read' | 'write', connectionIds?: string[]): Promise<{ id: string; key: string }> {
    const res = await h.api('POST', '/api/v1/api-keys', { name: `k-${rights}-${connectionIds?.length ?? 'all'}`, rights, connectionIds });
    expect(res.status).toBe(201);
    return res.body;
  }

  it('a key scoped to one connection sees only it; the others answer 404 as if they did not exist', async () => {
    const k = await key('read', [a.id]);
    const list = await h.api('GET', '/api/v1/connections', undefined, as(k.key));
    expect(list.status).toBe(200);
    expect(list.body.map((c: { id: string }) => c.id)).toEqual([a.id]);
    expect((await h.api('GET', `/api/v1/connections/${a.id}`, undefined, as(k.key))).status).toBe(200);
    const other = await h.api('GET', `/api/v1/connections/${b.id}`, undefined, as(k.key));
    const missing = await h.api('GET', '/api/v1/connections/00000000-0000-4000-8000-000000000000');
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(other.body.message).toBe(`no connection with id ${b.id}`);
    expect((await h.api('GET', `/api/v1/connections/${b.id}/orders`, undefined, as(k.key))).status).toBe(404);
  });

  it('the dashboard routes that span connections answer only for the connections of the key', async () => {
    const k = await key('read', [a.id]);
    const overview = await h.api('GET', '/api/v1/overview', undefined, as(k.key));
    expect(overview.status).toBe(200);
    expect(overview.body.items.map((i: { id: string }) => i.id)).toEqual([a.id]);
    expect(overview.body.total).toBe(1);
    const search = await h.api('GET', '/api/v1/search?q=Loja', undefined, as(k.key));
    expect(search.body.hits.map((hit: { connectionId: string }) => hit.connectionId)).toEqual([a.id]);
    expect((await h.api('GET', `/api/v1/failures?connectionId=${b.id}`, undefined, as(k.key))).status).toBe(404);
    expect((await h.api('GET', `/api/v1/activity?connectionId=${b.id}`, undefined, as(k.key))).status).toBe(404);
    expect((await h.api('GET', `/api/v1/failures/item?ref=${encodeURIComponent(`orders~${b.id}~123`)}`, undefined, as(k.key))).status).toBe(404);
    const writer = await key('write', [a.id]);
    const retry = await h.api('POST', '/api/v1/failures/retry', { refs: [`orders~${b.id}~123`] }, as(writer.key));
    expect(retry.body).toMatchObject({ matched: 1, queued: 0, skipped: 1, skippedReasons: { not_found: 1 } });
    expect((await h.api('GET', `/api/v1/connections/${b.id}/budget`, undefined, as(k.key))).status).toBe(404);
  });

  it('read rights cannot write; write rights write only inside their scope; scoped keys cannot create connections or span all of them', async () => {
    const reader = await key('read', [a.id]);
    const writer = await key('write', [a.id]);
    expect((await h.api('PATCH', `/api/v1/connections/${a.id}`, { name: 'Loja A2' }, as(reader.key))).status).toBe(403);
    expect((await h.api('PATCH', `/api/v1/connections/${a.id}`, { name: 'Loja A (editada)' }, as(writer.key))).status).toBe(200);
    expect((await h.api('PATCH', `/api/v1/connections/${b.id}`, { name: 'nope' }, as(writer.key))).status).toBe(404);
    expect((await h.api('POST', '/api/v1/connections', { name: 'Loja C' }, as(writer.key))).status).toBe(403);
    expect((await h.api('GET', '/api/v1/services/orders/parked-messages', undefined, as(writer.key))).status).toBe(403);
    expect((await h.api('GET', '/api/v1/api-keys', undefined, as(writer.key))).status).toBe(403);
    const everything = await key('write');
    expect((await h.api('GET', '/api/v1/connections', undefined, as(everything.key))).body).toHaveLength(2);
    expect((await h.api('GET', '/api/v1/api-keys', undefined, as(everything.key))).status).toBe(403);
    const me = await h.api('GET', '/api/v1/me', undefined, as(writer.key));
    expect(me.body).toMatchObject({ rights: 'write', admin: false, connectionIds: [a.id] });
  });

  it('stores keys hashed, lists them without the key, and a revoked key is refused at once', async () => {
    const k = await key('read');
    const rows = await sql<{ row: string }>(`SELECT row_to_json(k)::text AS row FROM "${h.schema}".api_key k`);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.row).not.toContain(k.key.slice(10));
    const listed = (await h.api('GET', '/api/v1/api-keys')).body as { id: string; prefix: string }[];
    expect(JSON.stringify(listed)).not.toContain(k.key.slice(10));
    expect(listed.find((l) => l.id === k.id)?.prefix).toBe(k.key.slice(0, 10));
    expect((await h.api('GET', '/api/v1/connections', undefined, as(k.key))).status).toBe(200);
    expect((await h.api('DELETE', `/api/v1/api-keys/${k.id}`)).body.revokedAt).toEqual(expect.any(String));
    expect((await h.api('GET', '/api/v1/connections', undefined, as(k.key))).status).toBe(401);
  });

  it('keeps every admin write in the audit log: who, what, when, before/after, secrets redacted', async () => {
    const writer = await key('write', [a.id]);
    const before = (await h.api('GET', `/api/v1/connections/${a.id}`)).body.name;
    await h.api('PATCH', `/api/v1/connections/${a.id}`, { name: 'Loja A auditada', tinyToken: 'secret-token-1234567890' }, as(writer.key));
    await h.api('PATCH', `/api/v1/connections/${b.id}`, { name: 'refused' }, as(writer.key));
    const log = await h.api('GET', `/api/v1/audit-log?connectionId=${a.id}&limit=5`);
    expect(log.status).toBe(200);
    const entry = log.body.items[0];
    expect(entry).toMatchObject({ actor: `key:k-write-1 (${writer.id})`, method: 'PATCH', path: `/api/v1/connections/${a.id}`, status: 200, connectionId: a.id });
    expect(entry.before.name).toBe(before);
    expect(entry.after.name).toBe('Loja A auditada');
    expect(entry.request.body.tinyToken).toBe('[redacted]');
    expect(JSON.stringify(log.body)).not.toContain('secret-token-1234567890');
    const entries = (await h.api('GET', '/api/v1/audit-log?actor=env:&limit=100')).body.items as { path: string; after: Record<string, unknown> }[];
    expect(entries.find((i) => i.path === '/api/v1/api-keys')!.after.key).toBe('[redacted]');
    const createdConnection = entries.find((i) => i.path === '/api/v1/connections')!;
    expect(createdConnection.after.webhookUrls).toBe('[redacted]');
    const secretOfA = a.webhookUrls.estoque!.split('/')[6]!;
    expect(JSON.stringify(entries)).not.toContain(secretOfA);
  });

  it('rotates a webhook secret: the old URL is accepted during the grace period, not after', async () => {
    const oldUrl = a.webhookUrls.estoque!;
    const rotated = await h.api('POST', `/api/v1/connections/${a.id}/webhook-secret/rotate`, { graceHours: 1 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.webhookUrls.estoque).not.toBe(oldUrl);
    expect(rotated.body.previousWebhookSecretUntil).toEqual(expect.any(String));
    const ping = (target: string) => fetch(target.replace('http://hub.example.test', h.url), { method: 'POST', body: '' }).then((r) => r.status);
    expect(await ping(oldUrl)).toBe(200);
    expect(await ping(rotated.body.webhookUrls.estoque)).toBe(200);
    const again = await h.api('POST', `/api/v1/connections/${a.id}/webhook-secret/rotate`, { graceHours: 0 });
    expect(await ping(rotated.body.webhookUrls.estoque)).toBe(401);
    expect(await ping(oldUrl)).toBe(401);
    expect(await ping(again.body.webhookUrls.estoque)).toBe(200);
  });

  it('slows down repeated authentication failures from one address', async () => {
    const timed = async () => {
      const started = Date.now();
      const res = await h.api('GET', '/api/v1/connections', undefined, as('hub_wrong-key-000000000000'));
      return { status: res.status, ms: Date.now() - started };
    };
    const first = await timed();
    for (let i = 0; i < 6; i++) await timed();
    const later = await timed();
    expect(first.status).toBe(401);
    expect(later.status).toBe(401);
    expect(later.ms).toBeGreaterThanOrEqual(350);
  });
});

describe('re-sealing credentials under a new encryption key, without downtime', () => {
  it('a gateway with the new key and the old one as previous opens and re-seals everything; then the old key can go', async () => {
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('base64');
    const before = await startGateway({ env: { HUB_ENCRYPTION_KEY: oldKey } });
    const rolling = await startGateway({ schema: before.schema, env: { HUB_ENCRYPTION_KEY: newKey, HUB_ENCRYPTION_KEYS_PREVIOUS: oldKey } });
    let after: GatewayHarness | undefined;
    try {
      const created = await before.api('POST', '/api/v1/connections', { name: 'Loja R', tinyToken: 'tiny-token-for-reseal-0001', iderisPrivateKey: 'ideris-key-for-reseal-0001', cnpj: '12345678000195' });
      expect(created.status).toBe(201);
      expect((await rolling.api('GET', `/api/v1/connections/${created.body.id}`)).body.secretsReadable).toBe(true);
      const reseal = await rolling.api('POST', '/api/v1/admin/reseal');
      expect(reseal.body).toEqual({ connections: 1, resealed: 1, alreadyCurrent: 0, unreadable: [] });
      const [row] = await sql<Record<string, string>>(`SELECT tiny_token_sealed, ideris_key_sealed, webhook_secret_sealed FROM "${before.schema}".connection WHERE id = $1`, [created.body.id]);
      const newKeyId = new SecretBox(newKey).keyId;
      for (const sealed of Object.values(row!)) expect(sealed.split('.').slice(0, 2)).toEqual(['v2', newKeyId]);
      expect((await rolling.api('POST', '/api/v1/admin/reseal')).body).toMatchObject({ resealed: 0, alreadyCurrent: 1 });
      after = await startGateway({ schema: before.schema, env: { HUB_ENCRYPTION_KEY: newKey } });
      const seen = (await after.api('GET', `/api/v1/connections/${created.body.id}`)).body;
      expect(seen.secretsReadable).toBe(true);
      expect(seen.webhookUrls.estoque).toBe(created.body.webhookUrls.estoque);
      expect((await before.api('GET', `/api/v1/connections/${created.body.id}`)).body.secretsReadable).toBe(false);
    } finally {
      await after?.close();
      await rolling.close();
      await before.close();
      await dropSchema(before.schema);
    }
  });
});

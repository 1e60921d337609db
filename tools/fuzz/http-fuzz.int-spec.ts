import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import fc from 'fast-check';
import { Streams } from '@hub/contracts';
import { dropSchema, testNatsUrl, uniqueSuffix } from '@hub/testing';
import { CatalogAppModule } from '../../apps/catalog/src/app.module';
import { FiscalShippingAppModule } from '../../apps/fiscal-shipping/src/app.module';
import { OrdersAppModule } from '../../apps/orders/src/app.module';
import { StatusSyncAppModule } from '../../apps/status-sync/src/app.module';
import { ADMIN_KEY, createSandboxConnection, startGateway, startService, type GatewayHarness } from '../../apps/gateway/test/gateway-harness';
import { mutated, rawBodies, validNotifications } from './samples';

/**
 * Property-based fuzzing of the HTTP edge with every service running (real PostgreSQL, NATS, the sandbox):
 * FUZZ_RUNS (default 2,000: the run of `npm test`, ~2 min; a deep run takes FUZZ_RUNS=10000, ~6 min on a quiet
 * machine) generated bodies against each Tiny webhook kind and FUZZ_RUNS generated requests across
 * every admin route of the OpenAPI document. Every answer is 2xx, or 4xx with a reason: never a 5xx, never a crash;
 * and a stream of valid notifications sent alongside is stored in JetStream, every one of them, unchanged.
 */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 2_000);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261202);
const VALID_EVERY = 25;
/** Inputs sent together (concurrently) per property run: FUZZ_RUNS inputs in FUZZ_RUNS / BATCH runs. */
const BATCH = 10;

jest.setTimeout(1_200_000);

describe('fuzzing the HTTP edge (gateway + every service)', () => {
  let h: GatewayHarness;
  const services: INestApplication[] = [];
  const schemas = ['orders', 'catalog', 'fiscal', 'status'].map((s) => uniqueSuffix(`fz_${s}`));
  let keep: { id: string; webhookUrls: Record<string, string> };
  let victim: { id: string };
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const seen = { byStatus: new Map<number, number>(), fiveHundreds: [] as string[], retriedAfter503: 0 };

  beforeAll(async () => {
    h = await startGateway();
    const modules = [OrdersAppModule.forConfig, CatalogAppModule.forConfig, FiscalShippingAppModule.forConfig, StatusSyncAppModule.forConfig];
    const queues = ['orders', 'catalog', 'fiscal-shipping', 'status-sync'];
    for (let i = 0; i < modules.length; i++) services.push(await startService(h, modules[i]!, schemas[i]!, queues[i]!));
    keep = await createSandboxConnection(h, uniqueSuffix('fuzz-keep'));
    expect((await h.api('POST', `/api/v1/connections/${keep.id}/activate`)).status).toBe(200);
    victim = await createSandboxConnection(h, uniqueSuffix('fuzz-victim'));
    nc = await connect({ servers: testNatsUrl() });
    jsm = await jetstreamManager(nc);
  }, 180_000);

  afterAll(async () => {
    for (const app of services) await app.close();
    // Tens of thousands of accepted notifications stay in the shared streams after the services stop; the suites
    // that run next (one NATS for the whole run, durable consumers by service) would first wade through them.
    for (const { name } of Object.values(Streams)) await jsm?.streams.purge(name).catch(() => undefined);
    await nc?.close();
    await h?.close();
    for (const schema of [h.schema, ...schemas]) await dropSchema(schema);
    process.stdout.write(`fuzz answers by status: ${JSON.stringify(Object.fromEntries([...seen.byStatus].sort()))}; resent after 503 + Retry-After: ${seen.retriedAfter503}\n`);
  });

  function judge(label: string, status: number, body: unknown): void {
    seen.byStatus.set(status, (seen.byStatus.get(status) ?? 0) + 1);
    if (status >= 500) seen.fiveHundreds.push(`${label} → ${status} ${JSON.stringify(body).slice(0, 300)}`);
    // The status and body are in the failure message: a 5xx says what answered it (e.g. an RPC that timed out).
    expect([label, status < 500 ? 'not 5xx' : `${status} ${JSON.stringify(body).slice(0, 300)}`]).toEqual([label, 'not 5xx']);
    if (status >= 400) {
      const message = (body as { message?: unknown } | undefined)?.message;
      expect([label, typeof message === 'string' ? message.length > 0 : Array.isArray(message) && message.length > 0]).toEqual([label, true]);
    }
  }

  const webhookUrl = (kind: string) => keep.webhookUrls[kind]!.replace('http://hub.example.test', h.url);
  /**
   * Posts as Tiny does: a 503 with Retry-After (the notification could not be stored in time, e.g. a PubAck slower
   * than 3 s on an overloaded machine) is sent again, up to 3 times; the answer judged is the last one, and the
   * retries are counted. A 5xx without Retry-After, or one that persists, still fails.
   */
  const post = async (target: string, raw: string) => {
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* kept as text */
      }
      if (res.status === 503 && res.headers.get('retry-after') && attempt < 4) {
        seen.retriedAfter503 += 1;
        await new Promise((r) => setTimeout(r, 1_000));
        continue;
      }
      return { status: res.status, body };
    }
  };

  const kinds = Object.keys(validNotifications());
  it.each(kinds)('webhook %s: every generated body is answered 2xx or 4xx with a reason, and the valid ones alongside are all stored', async (kind) => {
    const sample = validNotifications('12345678000195', 777)[kind]!;
    const target = webhookUrl(kind);
    const stored: { seq: number; raw: string }[] = [];
    let n = 0;
    const one = async (raw: string) => {
      const res = await post(target, raw);
      judge(`${kind} ${raw.slice(0, 120)}`, res.status, res.body);
      if (++n % VALID_EVERY === 0 && kind !== 'produto') {
        // A valid notification, unique by content, between the broken ones.
        const valid = JSON.stringify({ ...sample, dados: { ...(sample['dados'] as object), fuzzSequence: n } });
        const answer = await post(target, valid);
        expect(answer).toMatchObject({ status: 200, body: { status: 'accepted', duplicate: false } });
        stored.push({ seq: (answer.body as { sequence: number }).sequence, raw: valid });
      }
    };
    await fc.assert(
      fc.asyncProperty(fc.array(rawBodies(sample), { minLength: BATCH, maxLength: BATCH }), async (bodies) => {
        await Promise.all(bodies.map(one));
      }),
      { numRuns: Math.ceil(RUNS / BATCH), seed: SEED },
    );
    for (const { seq, raw } of stored) {
      const message = await jsm.streams.getMessage(Streams.TINY_NOTIFICATIONS.name, { seq });
      expect(JSON.parse(new TextDecoder().decode(message!.data)).rawBody).toBe(raw);
    }
    if (kind !== 'produto') expect(stored.length).toBe(Math.floor((Math.ceil(RUNS / BATCH) * BATCH) / VALID_EVERY));
    // Each property on its own: the workers do not chew through this kind's backlog while the next one is judged.
    for (const { name } of Object.values(Streams)) await jsm.streams.purge(name).catch(() => undefined);
  });

  it('admin routes: every generated request over every route of the OpenAPI document is answered 2xx or 4xx with a reason', async () => {
    const doc = (await h.api('GET', '/api/docs/openapi.json')).body as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> };
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name) })),
    );
    expect(operations.length).toBeGreaterThan(40);
    const hits = new Map<string, number>();
    const scalar = fc.oneof(fc.string({ maxLength: 40 }), fc.integer().map(String), fc.uuid().map(String), fc.constantFrom('', '-1', '0', 'null', '%00', '..', '~', 'orders~x~1', '9'.repeat(30)));
    const connectionIdFor = (method: string) => fc.oneof(fc.constant(victim.id), fc.constant(randomUUID()), ...(method === 'GET' ? [fc.constant(keep.id)] : []), scalar);
    const request = fc.constantFrom(...operations).chain((op) =>
      fc.record({
        op: fc.constant(op),
        params: fc.tuple(...(op.path.match(/\{[^}]+\}/g) ?? ['{none}']).map((p) => (/connectionId|^\{id\}$/.test(p) && op.path.startsWith('/api/v1/connections') ? connectionIdFor(op.method) : scalar))),
        query: fc.dictionary(fc.constantFrom(...(op.query.length ? op.query : ['x'])), scalar, { maxKeys: 3 }),
        body: fc.oneof(fc.anything({ maxDepth: 3 }), fc.object({ maxDepth: 2 }), mutated({ name: 'Loja', rights: 'read', connectionIds: [victim.id], refs: ['orders~x~1'], filter: { flow: 'orders' }, enabled: true, tinyProductCode: 'A', graceHours: 1, settings: { safetyBuffer: 1 } })),
      }),
    );
    const one = async ({ op, params, query, body }: { op: (typeof operations)[number]; params: unknown[]; query: Record<string, unknown>; body: unknown }) => {
        let index = 0;
        const path = op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(String(params[index++])));
        const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)] as [string, string])).toString();
        const withBody = !['GET', 'DELETE'].includes(op.method);
        const res = await h.api(op.method, `${path}${search ? `?${search}` : ''}`, withBody ? JSON.stringify(body ?? null) : undefined, { authorization: `Bearer ${ADMIN_KEY}`, ...(withBody ? { 'content-type': 'application/json' } : {}) });
        hits.set(`${op.method} ${op.path}`, (hits.get(`${op.method} ${op.path}`) ?? 0) + 1);
        judge(`${op.method} ${path}?${search} ${JSON.stringify(body)?.slice(0, 200)}`, res.status, res.body);
    };
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: BATCH, maxLength: BATCH }), async (requests) => {
        await Promise.all(requests.map(one));
      }),
      { numRuns: Math.ceil(RUNS / BATCH), seed: SEED },
    );
    expect(hits.size).toBe(operations.length);
    // The connection the fuzzing never wrote to still takes its notifications.
    const after = await post(webhookUrl('estoque'), JSON.stringify({ ...validNotifications('12345678000195', 777)['estoque'], dados: { ...(validNotifications()['estoque']!['dados'] as object), fuzzSequence: 'after' } }));
    expect(after.status).toBe(200);
    expect(seen.fiveHundreds).toEqual([]);
  });
});

import { randomBytes } from 'node:crypto';
import { Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Consumers, type ConsumerDefinition } from '@hub/contracts';
import { ConnectionDirectory, ServiceFoundationModule } from '@hub/connections';
import { EncryptionConfig, loadConfig } from '@hub/platform';
import { dropSchema, sql, testNatsUrl, uniqueSuffix, waitFor } from '@hub/testing';
import { ADMIN_KEY, createSandboxConnection, gatewayEnv, SELLER, startGateway, type GatewayHarness } from './gateway-harness';

describe('connections API (gateway + sandbox + a service read model)', () => {
  let h: GatewayHarness;
  let orders: INestApplication;
  const ordersSchema = uniqueSuffix('orders');
  const readModelConsumer: ConsumerDefinition = { ...Consumers.ordersConnections, durable: uniqueSuffix('orders-connections-test').replace(/_/g, '-'), deliverPolicy: 'new' };

  beforeAll(async () => {
    h = await startGateway();
    const env = { ...gatewayEnv(ordersSchema), HUB_ENCRYPTION_KEY: h.config.HUB_ENCRYPTION_KEY };
    const config = loadConfig(EncryptionConfig, env);
    @Module({ imports: [ServiceFoundationModule.forService({ service: 'orders', config, connectionsConsumer: readModelConsumer })] })
    class OrdersUnderTest {}
    orders = (await Test.createTestingModule({ imports: [OrdersUnderTest] }).compile()).createNestApplication({ logger: false });
    await orders.init();
  });

  afterAll(async () => {
    await orders?.close();
    await h?.close();
    const nc = await connect({ servers: testNatsUrl() });
    await (await jetstreamManager(nc)).consumers.delete('CONNECTIONS', readModelConsumer.durable).catch(() => undefined);
    await nc.close();
    await dropSchema(h.schema);
    await dropSchema(ordersSchema);
  });

  it('refuses the admin API without a valid bearer key', async () => {
    expect((await h.api('GET', '/api/v1/connections', undefined, {})).status).toBe(401);
    const wrong = await h.api('GET', '/api/v1/connections', undefined, { authorization: 'Bearer nope-nope-nope-nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toBe('invalid or revoked API key');
  });

  it('answers 400 naming each bad field, and unknown properties are refused', async () => {
    const res = await h.api('POST', '/api/v1/connections', { name: 'x', cnpj: '123', hack: true, settings: { safetyBuffer: -1 } });
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(expect.arrayContaining(['cnpj: cnpj must have 14 digits', 'hack: property hack should not exist', expect.stringMatching(/^settings\.safetyBuffer: /)]));
    expect((await h.api('GET', '/api/v1/connections')).body).toEqual([]);
  });

  it('creates a bare connection as not installed, with webhook URLs for every Tiny notification', async () => {
    const res = await h.api('POST', '/api/v1/connections', { name: 'Only a name' });
    expect(res.status).toBe(201);
    expect(res.body.situation).toBe('not_installed');
    expect(Object.keys(res.body.webhookUrls).sort()).toEqual(['atualizacao_pedido', 'estoque', 'inclusao_pedido', 'nota_fiscal', 'precos', 'produto', 'rastreio', 'situacao_pedido']);
    expect(res.body.webhookUrls.estoque).toMatch(new RegExp(`^http://hub.example.test/webhooks/tiny/${res.body.id}/[A-Za-z0-9_-]{32}/estoque$`));
    const activate = await h.api('POST', `/api/v1/connections/${res.body.id}/activate`);
    expect(activate.status).toBe(409);
    expect(activate.body.message).toMatch(/needs a Tiny token, an Ideris private key and the seller CNPJ/);
    expect((await h.api('GET', `/api/v1/connections/${res.body.id}`)).body.situation).toBe('not_installed');
  });

  it('stores credentials encrypted and never returns them', async () => {
    const created = await createSandboxConnection(h);
    expect(created.situation).toBe('not_configured');
    expect(created.cnpj).toBe(SELLER.cnpj);
    expect(created.tinyToken).toBe(`••••••••${SELLER.tinyToken.slice(-4)}`);
    expect(JSON.stringify(created)).not.toContain(SELLER.tinyToken);
    expect(JSON.stringify(created)).not.toContain(SELLER.iderisPrivateKey);
    const [raw] = await sql(`SELECT * FROM "${h.schema}".connection WHERE id = $1`, [created.id]);
    const rowText = JSON.stringify(raw);
    expect(rowText).not.toContain(SELLER.tinyToken);
    expect(rowText).not.toContain(SELLER.iderisPrivateKey);
    expect(rowText).not.toContain(SELLER.tinyToken.slice(0, 12));
    expect((raw as { tiny_token_sealed: string }).tiny_token_sealed).toMatch(/^v2\.[0-9a-f]{8}\./);
    const secret = created.webhookUrls.estoque.split('/')[6];
    expect(rowText).not.toContain(secret);
  });

  it('refuses activation when a credential check fails, keeping the reason', async () => {
    const created = await createSandboxConnection(h);
    await h.api('PATCH', `/api/v1/connections/${created.id}`, { iderisPrivateKey: 'c'.repeat(96) });
    const res = await h.api('POST', `/api/v1/connections/${created.id}/activate`);
    expect(res.status).toBe(422);
    expect(res.body.verification.tiny.ok).toBe(true);
    expect(res.body.verification.ideris).toMatchObject({ ok: false, detail: expect.stringMatching(/^Ideris auth error/) });
    const after = (await h.api('GET', `/api/v1/connections/${created.id}`)).body;
    expect(after.situation).toBe('not_configured');
    expect(after.lastVerification.ideris.ok).toBe(false);
  });

  it('refuses activation when the Tiny token belongs to another CNPJ', async () => {
    const created = await createSandboxConnection(h);
    await h.api('PATCH', `/api/v1/connections/${created.id}`, { cnpj: '11222333000181' });
    const res = await h.api('POST', `/api/v1/connections/${created.id}/activate`);
    expect(res.status).toBe(422);
    expect(res.body.verification.tiny.detail).toMatch(/belongs to CNPJ 12345678000195/);
  });

  it('activates after real calls to both APIs, deactivates, and sends a changed credential back to not configured', async () => {
    const created = await createSandboxConnection(h);
    const active = await h.api('POST', `/api/v1/connections/${created.id}/activate`);
    expect(active.status).toBe(200);
    expect(active.body.situation).toBe('active');
    expect(active.body.lastVerification.tiny).toEqual({ ok: true, detail: 'Tiny account "Loja Exemplo LTDA"' });

    const directory = orders.get(ConnectionDirectory);
    await waitFor(async () => (await directory.get(created.id))?.situation === 'active');
    expect((await directory.listActive()).map((c) => c.id)).toContain(created.id);
    expect(await directory.credentials(created.id)).toEqual({ tinyToken: SELLER.tinyToken, iderisPrivateKey: SELLER.iderisPrivateKey });

    const inactive = await h.api('POST', `/api/v1/connections/${created.id}/deactivate`);
    expect(inactive.body.situation).toBe('inactive');
    await waitFor(async () => (await directory.get(created.id))?.situation === 'inactive');
    expect((await directory.listActive()).map((c) => c.id)).not.toContain(created.id);

    expect((await h.api('POST', `/api/v1/connections/${created.id}/activate`)).body.situation).toBe('active');
    const renamed = await h.api('PATCH', `/api/v1/connections/${created.id}`, { name: 'Renamed', settings: { safetyBuffer: 2 } });
    expect(renamed.body).toMatchObject({ situation: 'active', name: 'Renamed', settings: { safetyBuffer: 2, stockType: 'available' } });
    const rekeyed = await h.api('PATCH', `/api/v1/connections/${created.id}`, { tinyToken: 'another-token-123456' });
    expect(rekeyed.body.situation).toBe('not_configured');
    expect(rekeyed.body.lastVerification).toBeNull();
    await waitFor(async () => (await directory.get(created.id))?.situation === 'not_configured');

    expect((await h.api('POST', `/api/v1/connections/${created.id}/deactivate`)).status).toBe(409);
  });

  it('deletes a connection and tells the services', async () => {
    const created = await createSandboxConnection(h);
    await h.api('POST', `/api/v1/connections/${created.id}/activate`);
    const directory = orders.get(ConnectionDirectory);
    await waitFor(async () => (await directory.get(created.id))?.situation === 'active');
    expect((await h.api('DELETE', `/api/v1/connections/${created.id}`)).status).toBe(204);
    expect((await h.api('GET', `/api/v1/connections/${created.id}`)).status).toBe(404);
    await waitFor(async () => (await directory.get(created.id))?.deleted === true);
    expect(await directory.isActive(created.id)).toBe(false);
  });

  it('carries the caller\'s correlation id from the HTTP request onto the event it causes', async () => {
    const created = await createSandboxConnection(h);
    const res = await h.api('PATCH', `/api/v1/connections/${created.id}`, { name: `corr ${created.id}` }, { authorization: `Bearer ${ADMIN_KEY}`, 'x-correlation-id': 'corr-abc-123' });
    expect(res.status).toBe(200);
    const nc = await connect({ servers: testNatsUrl() });
    const jsm = await jetstreamManager(nc);
    const msg = await waitFor(() => jsm.streams.getMessage('CONNECTIONS', { last_by_subj: 'gateway.connection.changed.v1' }).then((m) => (m?.json<{ connectionId: string; version: number }>().version === res.body.version && m?.json<{ connectionId: string }>().connectionId === created.id ? m : undefined)).catch(() => undefined));
    expect(msg.header.get('Hub-Correlation-Id')).toBe('corr-abc-123');
    expect(msg.header.get('Hub-Connection-Id')).toBe(created.id);
    await nc.close();
  });

  it('lists connections sealed under another HUB_ENCRYPTION_KEY without failing, and re-seals them when credentials are set again', async () => {
    const created = await createSandboxConnection(h);
    const other = await startGateway({ schema: h.schema, encryptionKey: randomBytes(32).toString('base64') });
    try {
      const list = await other.api('GET', '/api/v1/connections');
      expect(list.status).toBe(200);
      expect(list.body.find((c: { id: string }) => c.id === created.id)).toMatchObject({ secretsReadable: false, webhookUrls: null });
      const activate = await other.api('POST', `/api/v1/connections/${created.id}/activate`);
      expect(activate.status).toBe(409);
      expect(activate.body.message).toMatch(/sealed under another HUB_ENCRYPTION_KEY/);
      const fixed = await other.api('PATCH', `/api/v1/connections/${created.id}`, { tinyToken: SELLER.tinyToken, iderisPrivateKey: SELLER.iderisPrivateKey });
      expect(fixed.body).toMatchObject({ secretsReadable: true, situation: 'not_configured' });
      expect(fixed.body.webhookUrls.estoque).not.toBe(created.webhookUrls.estoque);
      expect((await other.api('POST', `/api/v1/connections/${created.id}/activate`)).body.situation).toBe('active');
    } finally {
      await other.app.close();
      await other.sandbox.close();
    }
  });

  it('serves the OpenAPI document and health', async () => {
    const doc = await h.api('GET', '/api/docs/openapi.json', undefined, {});
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/connections', '/api/v1/connections/{id}/activate']));
    const ready = await h.api('GET', '/health/ready', undefined, {});
    expect(ready.body).toMatchObject({ status: 'ready' });
  });
});

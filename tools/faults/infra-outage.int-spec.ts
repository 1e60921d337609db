import { ProcessStack, SERVICES, sleep, waitFor } from '@hub/testing';

/**
 * The whole stack as processes on a PostgreSQL and a nats-server of this test's own, through a PostgreSQL
 * immediate stop and a NATS SIGKILL: no process dies, readiness answers 503 while a dependency is down and
 * liveness stays 200, the webhook intake answers 503 with Retry-After (never 500, never 200) when it cannot
 * persist, the admin API answers 503, and work resumes by itself once the dependency is back.
 */
jest.setTimeout(240_000);

const stack = new ProcessStack('fault-logs');
const allUp = Object.fromEntries(SERVICES.map((s) => [s, 200]));

const createIderisOrders = (orders: number, seed: number) =>
  stack.json('POST', stack.url('sandbox', '/control/ideris/orders/peak'), { privateKey: stack.seller.key, orders, accounts: 1, spreadSeconds: 0, seed });

const postStock = (saldo: number) =>
  stack.postNotification('estoque', {
    versao: '1.0.0', cnpj: stack.seller.cnpj, tipo: 'estoque',
    dados: { tipoEstoque: 'F', saldo, idProduto: 1, sku: 'FAULT-SKU', skuMapeamento: 'FAULT-SKU', skuMapeamentoPai: '', idMapeamento: '1', nome: 'FAULT-SKU', idEcommerce: 1 },
  });

beforeAll(async () => {
  await stack.start();
  await stack.connectSeller();
  await createIderisOrders(5, 1);
  await waitFor(async () => (await stack.importedOrders()) >= 5, 60_000, 500);
}, 180_000);

afterAll(() => stack.stop());

it('survives a PostgreSQL immediate stop: live 200, ready 503, admin 503, then recovers and imports again', async () => {
  expect((await postStock(5)).status).toBe(200);
  await stack.pg.stop('immediate');
  await sleep(4_000);
  expect(await stack.liveness()).toEqual(allUp);
  const ready = await stack.readiness();
  for (const s of SERVICES) expect([s, ready[s]]).toEqual([s, 503]);
  const admin = await stack.status(stack.url('gateway', '/api/v1/connections'), { headers: { authorization: `Bearer ${stack.secrets.ADMIN_API_KEYS}` } });
  expect(admin.status).toBe(503);
  expect(admin.headers.get('retry-after')).toBeTruthy();
  // The intake persists to JetStream, not PostgreSQL: a connection it checked moments ago is still taken.
  expect((await postStock(7)).status).toBe(200);
  await sleep(4_000);
  expect(stack.exits).toEqual([]);

  const restartedAt = Date.now();
  await stack.pg.start();
  await stack.waitAllReady();
  expect((Date.now() - restartedAt) / 1000).toBeLessThan(30);
  await createIderisOrders(3, 2);
  await waitFor(async () => (await stack.importedOrders()) >= 8, 90_000, 500);
  expect(stack.exits).toEqual([]);
});

it('survives a NATS SIGKILL: intake 503 with Retry-After, ready 503, then recovers and imports again', async () => {
  await stack.nats.kill();
  await sleep(3_000);
  expect(await stack.liveness()).toEqual(allUp);
  const ready = await stack.readiness();
  for (const s of SERVICES) expect([s, ready[s]]).toEqual([s, 503]);
  const intake = await postStock(9);
  expect(intake.status).toBe(503);
  expect(intake.headers.get('retry-after')).toBeTruthy();
  await sleep(3_000);
  expect(stack.exits).toEqual([]);

  const restartedAt = Date.now();
  await stack.nats.start();
  await stack.waitAllReady();
  expect((Date.now() - restartedAt) / 1000).toBeLessThan(30);
  expect((await postStock(11)).status).toBe(200);
  await createIderisOrders(3, 3);
  await waitFor(async () => (await stack.importedOrders()) >= 11, 90_000, 500);
  expect(stack.exits).toEqual([]);
});

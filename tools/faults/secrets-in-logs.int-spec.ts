import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessStack, waitFor } from '@hub/testing';

/**
 * A full scenario at LOG_LEVEL=debug (every service as a process): a seller connected, orders of buyers with a CPF
 * and with a CNPJ imported, notifications of every kind (valid and broken ones carrying a document), admin calls.
 * Then every line every hub service wrote is scanned: no token, private key, admin key, encryption key, webhook
 * secret, nor a buyer's full CPF or CNPJ (digits or formatted) may appear.
 */
jest.setTimeout(240_000);

const stack = new ProcessStack('secrets-logs', { logLevel: 'debug' });
const BUYERS = [
  { firstName: 'Maria', lastName: 'Souza', document: '52998224725', formatted: '529.982.247-25' },
  { firstName: 'João', lastName: 'Lima', document: '11144477735', formatted: '111.444.777-35' },
  { firstName: 'Empresa', lastName: 'Compradora LTDA', document: '11222333000181', formatted: '11.222.333/0001-81' },
];

beforeAll(async () => {
  await stack.start();
  await stack.connectSeller();
}, 180_000);

afterAll(() => stack.stop());

it('no secret and no buyer document reaches any log line', async () => {
  const { key, cnpj } = stack.seller;
  for (const buyer of BUYERS) {
    await stack.json('POST', stack.url('sandbox', '/control/ideris/orders'), { privateKey: key, count: 2, customer: { firstName: buyer.firstName, lastName: buyer.lastName, document: buyer.document, email: null } });
  }
  await stack.json('POST', stack.url('sandbox', '/control/ideris/orders/peak'), { privateKey: key, orders: 10, accounts: 1, spreadSeconds: 0, seed: 3, nullSkuRate: 0.3 });
  await waitFor(async () => (await stack.importedOrders()) >= 4, 90_000, 500);

  const order = { id: 700001, numero: 501, data: '02/12/2026', idPedidoEcommerce: 'IDR-1', codigoSituacao: 'aberto', descricaoSituacao: 'Em aberto', idNotaFiscal: '0', nomeEcommerce: 'Ideris' };
  for (const buyer of BUYERS) {
    await stack.postNotification('inclusao_pedido', { versao: '1.0.0', cnpj, tipo: 'inclusao_pedido', dados: { ...order, cliente: { nome: buyer.firstName, cpfCnpj: buyer.formatted } } });
    // Broken on purpose: the refusal (and its log line) must not carry the document either.
    await stack.postNotification('inclusao_pedido', { versao: '1.0.0', cnpj, tipo: 'inclusao_pedido', dados: { cliente: { cpfCnpj: buyer.document }, id: 'x' } });
  }
  await stack.postNotification('estoque', { versao: '1.0.0', cnpj, idEcommerce: 1, tipo: 'estoque', dados: { tipoEstoque: 'F', saldo: 3, idProduto: 1, sku: 'SKU-1', skuMapeamento: 'SKU-1', skuMapeamentoPai: '', idMapeamento: '1', nome: 'SKU-1' } });
  await stack.postNotification('situacao_pedido', { versao: '1.0.0', cnpj, idEcommerce: 1, tipo: 'situacao_pedido', dados: { idPedidoEcommerce: 'IDR-1', idVendaTiny: 700001, situacao: 'cancelado', descricaoSituacao: 'Cancelado' } });
  await stack.json('PATCH', stack.url('gateway', `/api/v1/connections/${stack.connection.id}`), { settings: { safetyBuffer: 1 } });
  await stack.status(stack.url('gateway', '/api/v1/connections'), { headers: { authorization: `Bearer hub_wrong-${stack.seller.token}` } });
  await new Promise((r) => setTimeout(r, 5_000));

  const secret = stack.connection.webhookUrls['estoque']!.split('/')[6]!;
  const forbidden: Record<string, string> = {
    'Tiny token': stack.seller.token,
    'Ideris private key': stack.seller.key,
    'admin API key': stack.secrets.ADMIN_API_KEYS,
    'encryption key': stack.secrets.HUB_ENCRYPTION_KEY,
    'webhook secret': secret,
    ...Object.fromEntries(BUYERS.flatMap((b) => [[`${b.firstName}'s document`, b.document], [`${b.firstName}'s document (formatted)`, b.formatted]])),
  };
  const files = readdirSync(stack.logDir).filter((f) => f.endsWith('.log') && f !== 'sandbox.log');
  expect(files.sort()).toEqual(['catalog.log', 'fiscal-shipping.log', 'gateway.log', 'orders.log', 'status-sync.log']);
  const lines = files.flatMap((f) => readFileSync(join(stack.logDir, f), 'utf8').split('\n').filter(Boolean).map((line) => ({ file: f, line })));
  // The scan means something only if the services did talk about this connection, at debug level.
  expect(lines.length).toBeGreaterThan(200);
  expect(lines.filter((l) => l.line.includes(stack.connection.id)).length).toBeGreaterThan(20);
  const leaks = lines.flatMap(({ file, line }) => Object.entries(forbidden).filter(([, value]) => line.includes(value)).map(([what]) => `${file}: ${what}: ${line.slice(0, 300)}`));
  expect(leaks).toEqual([]);
});

// Benchmark: Tiny webhook intake with durable persistence (JetStream ack before 200) against a bare HTTP
// handler on the same machine and the same load. Prints one JSON line at the end.
//   node tools/bench/webhook-intake.mjs [--seconds 10] [--concurrency 64] [--profile]
//   (--profile: the gateway runs with --cpu-prof, stopped with SIGTERM at the end: .run/profiles; summarise with
//   tools/bench/profile-top.mjs)
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ensurePostgres, privateNatsForTests } from '../infra.mjs';
import { cpuSecondsOf, freePort, load, memoryOf, root, startApp, waitOk } from './bench-kit.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg('seconds', 10);
const concurrency = arg('concurrency', 64);
const profiled = process.argv.includes('--profile');

execFileSync('node', ['tools/build.mjs'], { cwd: root, stdio: 'inherit' });
const [pg, nats] = await Promise.all([ensurePostgres('test'), privateNatsForTests()]);
const schema = `bench_${Date.now().toString(36)}`;
const adminKey = `bench-${randomBytes(12).toString('hex')}`;
const [gwPort, sbPort, barePort, bareJsPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
const common = { DATABASE_URL: pg.url, NATS_URL: nats.url };
const sandbox = startApp('sandbox', { PORT: String(sbPort), LOG_LEVEL: 'silent' });
const gatewayEnv = { ...common, PORT: String(gwPort), DB_SCHEMA: schema, HUB_ENCRYPTION_KEY: randomBytes(32).toString('base64'), ADMIN_API_KEYS: adminKey, PUBLIC_BASE_URL: `http://127.0.0.1:${gwPort}` };
const gateway = profiled
  ? spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${join(root, '.run', 'profiles')}`, join(root, 'dist/apps/gateway/src/main.js')], { env: { ...process.env, LOG_LEVEL: 'warn', ...gatewayEnv }, stdio: ['ignore', 'ignore', 'inherit'] })
  : startApp('gateway', gatewayEnv);
const bare = spawn(process.execPath, [join(root, 'tools/bench/bare-http-server.mjs')], { env: { PORT: String(barePort) }, stdio: 'ignore' });
const bareJs = spawn(process.execPath, [join(root, 'tools/bench/bare-http-server.mjs')], { cwd: root, env: { PORT: String(bareJsPort), NATS_URL: nats.url }, stdio: 'ignore' });
const stopAll = () => {
  [sandbox, gateway, bare, bareJs].forEach((p) => p.kill('SIGTERM'));
  nats.stop?.();
};
process.on('exit', stopAll);

try {
  await waitOk(`http://127.0.0.1:${gwPort}/health/ready`);
  await waitOk(`http://127.0.0.1:${sbPort}/control/calls`);
  const sb = `http://127.0.0.1:${sbPort}`;
  const json = (method, url, body, headers = {}) => fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: body && JSON.stringify(body) }).then((r) => r.json());
  const seller = { token: `bench-tiny-${randomBytes(8).toString('hex')}`, key: randomBytes(48).toString('hex'), cnpj: '12345678000195' };
  await json('POST', `${sb}/control/tiny/accounts`, { token: seller.token, cnpj: seller.cnpj });
  await json('POST', `${sb}/control/ideris/accounts`, { privateKey: seller.key });
  const auth = { authorization: `Bearer ${adminKey}` };
  const gw = `http://127.0.0.1:${gwPort}`;
  const connection = await json('POST', `${gw}/api/v1/connections`, { name: 'bench', tinyToken: seller.token, iderisPrivateKey: seller.key, cnpj: seller.cnpj, tinyIntegrationId: 1, tinyBaseUrl: `${sb}/tiny/api2`, iderisBaseUrl: `${sb}/ideris` }, auth);
  const activated = await json('POST', `${gw}/api/v1/connections/${connection.id}/activate`, undefined, auth);
  if (activated.situation !== 'active') throw new Error(`connection not active: ${JSON.stringify(activated)}`);
  const body = (i) => JSON.stringify({ versao: '1.0.0', cnpj: seller.cnpj, idEcommerce: 1, tipo: 'estoque', dados: { tipoEstoque: 'F', saldo: i % 500, idProduto: i % 2000, sku: `SKU-${i % 2000}`, skuMapeamento: `SKU-${i % 2000}`, skuMapeamentoPai: '' } });

  const idle = { gateway: memoryOf(gateway.pid).rssMB, sandbox: memoryOf(sandbox.pid).rssMB };
  await load({ url: `http://127.0.0.1:${barePort}/`, body, seconds: 2, concurrency }); // warm-up
  const bareResult = await load({ url: `http://127.0.0.1:${barePort}/`, body, seconds, concurrency });
  await waitOk(`http://127.0.0.1:${bareJsPort}/`);
  await load({ url: `http://127.0.0.1:${bareJsPort}/`, body, seconds: 2, concurrency }); // warm-up
  const bareJsResult = await load({ url: `http://127.0.0.1:${bareJsPort}/`, body, seconds, concurrency });
  await load({ url: activated.webhookUrls.estoque, body, seconds: 2, concurrency }); // warm-up
  const gatewayCpuBefore = cpuSecondsOf(gateway.pid);
  const intake = await load({ url: activated.webhookUrls.estoque, body, seconds, concurrency });
  const gatewayCpu = cpuSecondsOf(gateway.pid) - gatewayCpuBefore;
  const requests = intake.requests;
  await fetch(`${gw}/api/v1/connections/${connection.id}`, { method: 'DELETE', headers: auth });

  const result = {
    benchmark: 'webhook-intake',
    seconds,
    concurrency,
    intake: { ...intake, durable: 'JetStream file storage, PubAck before 200' },
    bareHttpHandler: bareResult,
    intakeVsBare: Math.round((intake.rps / bareResult.rps) * 1000) / 1000,
    // The floor of durability here: the bare handler awaiting a JetStream PubAck per body, nothing else.
    bareHandlerWithPubAck: bareJsResult,
    bareWithPubAckVsBare: Math.round((bareJsResult.rps / bareResult.rps) * 1000) / 1000,
    intakeVsBareWithPubAck: Math.round((intake.rps / bareJsResult.rps) * 1000) / 1000,
    // The gateway's own CPU (user + system) over the measured window, per notification stored.
    cpuSeconds: { gateway: Math.round(gatewayCpu * 100) / 100 },
    cpuSecondsPerItem: { gateway: requests > 0 ? Math.round((gatewayCpu / requests) * 1e6) / 1e6 : null },
    memoryMB: {
      gateway: { idle: idle.gateway, peak: memoryOf(gateway.pid).peakMB },
      sandbox: { idle: idle.sandbox, peak: memoryOf(sandbox.pid).peakMB },
      bareHttpHandler: { peak: memoryOf(bare.pid).peakMB },
      bareHandlerWithPubAck: { peak: memoryOf(bareJs.pid).peakMB },
    },
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (profiled) {
    gateway.kill('SIGTERM');
    await new Promise((done) => gateway.once('exit', done));
  }
} finally {
  stopAll();
}

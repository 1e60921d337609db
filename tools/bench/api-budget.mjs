// Benchmark: three processes share one Tiny account (60 calls/min) through the API budget and all saturate
// it. Prints one JSON line: calls, blocks, per-minute maximum, utilisation, real-time lane wait.
//   node tools/bench/api-budget.mjs [--seconds 150] [--processes 3] [--concurrency 6] [--limit 60]
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ensureNats, ensurePostgres } from '../infra.mjs';
import { freePort, memoryOf, root, startApp, waitOk } from './bench-kit.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg('seconds', 150);
const processes = arg('processes', 3);
const concurrency = arg('concurrency', 6);
const limit = arg('limit', 60);

execFileSync('node', ['tools/build.mjs'], { cwd: root, stdio: 'inherit' });
const [pg] = await Promise.all([ensurePostgres('test'), ensureNats()]);
const sbPort = await freePort();
const sandbox = startApp('sandbox', { PORT: String(sbPort), LOG_LEVEL: 'silent' });
process.on('exit', () => sandbox.kill('SIGTERM'));
await waitOk(`http://127.0.0.1:${sbPort}/health/live`).catch(() => waitOk(`http://127.0.0.1:${sbPort}/control/calls`));
const sb = `http://127.0.0.1:${sbPort}`;
const token = `bench-budget-${randomBytes(8).toString('hex')}`;
await fetch(`${sb}/control/tiny/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, cnpj: '12345678000195', limitPerMinute: limit }) });

const started = Date.now();
const workers = Array.from({ length: processes }, (_, i) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'tools/bench/budget-worker.mjs')], {
      env: { ...process.env, DATABASE_URL: pg.url, TINY_BASE_URL: `${sb}/tiny/api2`, TINY_TOKEN: token, SECONDS: String(seconds), CONCURRENCY: String(concurrency), REALTIME_EVERY_MS: i === 0 ? '7000' : '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`worker exited ${code}`))));
  }),
);
const results = await Promise.all(workers);
const elapsedS = (Date.now() - started) / 1000;
const stats = await (await fetch(`${sb}/control/calls`)).json();
const account = Object.values(stats.tiny).find((a) => a.calls > 0) ?? { calls: 0, blocks: 0, acceptedPerMinute: {} };
const minutes = Object.entries(account.acceptedPerMinute).sort(([a], [b]) => a.localeCompare(b));
const full = minutes.slice(1, -1).map(([, n]) => n); // whole calendar minutes only
const accepted = minutes.reduce((s, [, n]) => s + n, 0);
const waits = results.flatMap((r) => r.realtimeWaitsMs).sort((a, b) => a - b);
const slotMs = 60_000 / limit;
const result = {
  benchmark: 'api-budget',
  processes,
  callersPerProcess: concurrency,
  seconds: Math.round(elapsedS),
  limitPerMinute: limit,
  calls: { accepted, blocked: account.blocks, perProcess: results.map((r) => r.bulkCalls + r.realtimeCalls), clientErrors: Object.assign({}, ...results.map((r) => r.errors)) },
  perMinute: { max: Math.max(...minutes.map(([, n]) => n)), wholeMinutes: full },
  // Steady state: whole minutes only (the first minute starts at the default limit of 30 until x-limit-api is learned).
  utilisation: full.length ? Math.round((full.reduce((s, n) => s + n, 0) / (full.length * limit)) * 1000) / 1000 : null,
  utilisationOverRun: Math.round((accepted / ((elapsedS / 60) * limit)) * 1000) / 1000,
  realtimeWait: { samples: waits.length, p50Ms: waits[Math.floor(waits.length / 2)] ?? null, maxMs: waits.at(-1) ?? null, maxSlots: waits.length ? Math.round((waits.at(-1) / slotMs) * 100) / 100 : null },
  memoryMB: { sandboxPeak: memoryOf(sandbox.pid).peakMB, workersPeak: results.map((r) => r.peakMemoryMB) },
};
process.stdout.write(`${JSON.stringify(result)}\n`);
sandbox.kill('SIGTERM');
process.exit(0);

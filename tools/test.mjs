// The whole test run: PostgreSQL and NATS (found or started), type-check, lint, build, unit and
// integration tests. Exits non-zero on the first failing step.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensurePostgres, log, privateNatsForTests } from './infra.mjs';

const root = resolve(import.meta.dirname, '..');
const [pg, nats] = await Promise.all([ensurePostgres('test'), privateNatsForTests()]);
log(`PostgreSQL: ${pg.source}; NATS: ${nats.source}`);
mkdirSync(join(root, '.run'), { recursive: true });
const RESULTS = ['jest-unit.json', 'jest-integration.json', 'vitest.json', 'e2e.json'];
for (const f of RESULTS) rmSync(join(root, '.run', f), { force: true });
const env = { ...process.env, DATABASE_URL: pg.url, NATS_URL: nats.url };

const steps = [
  ['type-check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['dashboard type-check', 'npx', ['tsc', '-p', 'apps/dashboard/tsconfig.json', '--noEmit']],
  ['lint', 'npx', ['eslint', '--max-warnings=0', 'apps', 'libs', 'tools']],
  ['build', 'node', ['tools/build.mjs']],
  ['unit tests', 'npx', ['jest', '--selectProjects', 'unit', '--ci', '--json', '--outputFile=.run/jest-unit.json']],
  ['component tests', 'npx', ['vitest', 'run', '--config', 'apps/dashboard/vite.config.mts', '--reporter=default', '--reporter=json', `--outputFile.json=${join(root, '.run', 'vitest.json')}`]],
  ['integration tests', 'npx', ['jest', '--selectProjects', 'integration', '--ci', '--runInBand', '--json', '--outputFile=.run/jest-integration.json']],
  ['browser tests', 'node', ['apps/dashboard/e2e/run.mjs']],
];
const only = process.argv.slice(2);
let passed = 0;
for (const [name, cmd, args] of steps) {
  if (only.length && !only.includes(name.split(' ')[0])) continue;
  log(`▶ ${name}`);
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) {
    log(`✗ ${name} failed (exit ${result.status})`);
    nats.stop?.();
    process.exit(result.status ?? 1);
  }
  passed++;
  log(`✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
log(`all ${passed} steps passed`);
const counts = { passed: 0, failed: 0, skipped: 0 };
for (const f of RESULTS) {
  const file = join(root, '.run', f);
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  counts.passed += r.numPassedTests;
  counts.failed += r.numFailedTests;
  counts.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
}
nats.stop?.();
process.stdout.write(`tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
process.exit(0);

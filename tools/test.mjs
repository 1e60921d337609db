// The whole test run: PostgreSQL and NATS (found or started), type-check, lint, build, unit and
// integration tests. Exits non-zero on the first failing step.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ensureNats, ensurePostgres, log } from './infra.mjs';

const root = resolve(import.meta.dirname, '..');
const [pg, nats] = await Promise.all([ensurePostgres('test'), ensureNats()]);
log(`PostgreSQL: ${pg.source}; NATS: ${nats.source}`);
const env = { ...process.env, DATABASE_URL: pg.url, NATS_URL: nats.url };

const steps = [
  ['type-check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['lint', 'npx', ['eslint', '--max-warnings=0', 'apps', 'libs', 'tools']],
  ['build', 'node', ['tools/build.mjs']],
  ['unit tests', 'npx', ['jest', '--selectProjects', 'unit', '--ci']],
  ['integration tests', 'npx', ['jest', '--selectProjects', 'integration', '--ci', '--runInBand']],
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
    process.exit(result.status ?? 1);
  }
  passed++;
  log(`✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
log(`all ${passed} steps passed`);
process.exit(0);

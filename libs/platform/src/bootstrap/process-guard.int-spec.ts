import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

/**
 * In a process of its own (the guards are process-wide): a handler that fires and forgets a failing promise,
 * and a timer callback that throws, are logged with their context and counted; the process keeps serving.
 */
const root = resolve(__dirname, '../../../..');

it('an unhandled rejection and an uncaught exception in a handler do not end the process', () => {
  const script = `
    const platform = require(${JSON.stringify(join(root, 'dist/libs/platform/src/index.js'))});
    platform.installProcessGuards(platform.createRootLogger('guard-test', 'info'));
    function handler() { Promise.reject(new Error('injected rejection')); setTimeout(() => { throw new Error('injected exception'); }, 10); }
    handler();
    setTimeout(async () => {
      const metrics = await platform.metricsRegistry.getSingleMetricAsString('hub_unhandled_errors_total');
      process.stdout.write(JSON.stringify({ alive: true, metrics }) + '\\n');
    }, 300);
  `;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
  expect(run.status).toBe(0);
  const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const rejection = lines.find((l) => l.msg?.startsWith('unhandled promise rejection'));
  const exception = lines.find((l) => l.msg?.startsWith('uncaught exception'));
  expect(rejection).toMatchObject({ level: 'error', service: 'guard-test', err: { message: 'injected rejection' } });
  expect(exception).toMatchObject({ level: 'error', service: 'guard-test', err: { message: 'injected exception' } });
  const last = lines.at(-1);
  expect(last.alive).toBe(true);
  expect(last.metrics).toContain('hub_unhandled_errors_total{kind="rejection"} 1');
  expect(last.metrics).toContain('hub_unhandled_errors_total{kind="exception"} 1');
});

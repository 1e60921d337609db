// One "process" of the API budget benchmark: saturates one Tiny account with bulk calls through the shared
// budget; the first worker also makes a real-time call every few seconds and times its wait.
import { readFileSync } from 'node:fs';
import budgetLib from '../../dist/libs/budget/src/index.js';
import tinyLib from '../../dist/libs/tiny/src/index.js';

const { ApiBudget, runInLane } = budgetLib;
const { TinyClient } = tinyLib;

async function main() {
  const { DATABASE_URL, TINY_BASE_URL, TINY_TOKEN, SECONDS, CONCURRENCY, REALTIME_EVERY_MS } = process.env;
  const budget = await ApiBudget.connect(DATABASE_URL);
  const client = new TinyClient({ baseUrl: TINY_BASE_URL, token: TINY_TOKEN, gate: budget.tiny(TINY_TOKEN) });
  const end = Date.now() + Number(SECONDS) * 1000;
  const result = { pid: process.pid, bulkCalls: 0, realtimeCalls: 0, errors: {}, realtimeWaitsMs: [] };
  const count = (e) => {
    const key = e && e.kind ? `${e.kind}${e.code !== undefined ? `:${e.code}` : ''}` : String(e && e.message);
    result.errors[key] = (result.errors[key] || 0) + 1;
  };
  const bulk = async () => {
    while (Date.now() < end) {
      try {
        await runInLane('bulk', () => client.getAccountInfo());
        result.bulkCalls++;
      } catch (e) {
        count(e);
      }
    }
  };
  const realtime = async () => {
    if (!REALTIME_EVERY_MS) return;
    while (Date.now() + Number(REALTIME_EVERY_MS) < end) {
      await new Promise((r) => setTimeout(r, Number(REALTIME_EVERY_MS)));
      const enqueued = Date.now();
      let started = 0;
      try {
        await runInLane('realtime', () => client.call('info.php').then((r) => ((started = started || Date.now()), r)));
        result.realtimeWaitsMs.push((started || Date.now()) - enqueued);
        result.realtimeCalls++;
      } catch (e) {
        count(e);
      }
    }
  };
  await Promise.all([...Array.from({ length: Number(CONCURRENCY) }, bulk), realtime()]);
  const status = readFileSync(`/proc/${process.pid}/status`, 'utf8');
  result.peakMemoryMB = Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024);
  process.stdout.write(JSON.stringify(result) + '\n');
  await budget.close();
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack) + '\n');
  process.exit(1);
});

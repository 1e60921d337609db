// Real-browser tests of the dashboard: their own stack (stack.mjs), Debian's Chromium (browser.mjs), the operator
// scenarios (scenarios.mjs). Prints one line per scenario and the screenshots' paths; exits 1 if any failed.
//   node apps/dashboard/e2e/run.mjs [scenario …]
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureChromium, launch, screenshot, SCREENSHOTS } from './browser.mjs';
import * as s from './scenarios.mjs';
import { root, startStack } from './stack.mjs';

const log = (msg) => process.stdout.write(`[e2e] ${msg}\n`);
const ORDER = ['wizard', 'mapping', 'bulkRetry', 'priceDrop', 'search', 'ordersFilter', 'accessibility'];
const only = process.argv.slice(2);

async function features(gateway) {
  const doc = await (await fetch(`${gateway}/api/docs/openapi.json`)).json();
  const paths = Object.keys(doc.paths ?? {});
  return { marketplaces: paths.some((p) => p.endsWith('/marketplaces')), doc };
}

async function checkApiTypes(gateway) {
  const { generateApiTypes, TYPES_FILE } = await import('../../../tools/dashboard-api-types.mjs');
  const fresh = await generateApiTypes(gateway);
  if (fresh !== readFileSync(TYPES_FILE, 'utf8')) log(`note: ${relative(root, TYPES_FILE)} differs from this gateway's OpenAPI; run npm run dashboard:api-types against a running gateway`);
}

async function main() {
  ensureChromium(log);
  if (!only.length) rmSync(SCREENSHOTS, { recursive: true, force: true });
  const stack = await startStack(log);
  const results = [];
  let browser;
  try {
    await checkApiTypes(stack.gateway).catch((e) => log(`note: could not compare the API types (${e.message})`));
    const ctx = { ...stack, features: await features(stack.gateway) };
    ctx.seller = await s.seedSeller(ctx);
    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'pt-BR', timezoneId: 'America/Sao_Paulo' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await s.signIn(page, ctx);
    for (const name of ORDER) {
      if (only.length && !only.includes(name)) continue;
      const started = Date.now();
      try {
        await s[name](page, ctx);
        results.push({ name, ok: true, seconds: (Date.now() - started) / 1000 });
        log(`✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (error) {
        const shot = await screenshot(page, `${name}-failed`).catch(() => undefined);
        results.push({ name, ok: false, seconds: (Date.now() - started) / 1000, error: error.message, shot });
        log(`✗ ${name}: ${error.message}${shot ? ` (screenshot ${relative(root, shot)})` : ''}`);
        if (name === 'wizard') break; // every later scenario uses the wizard's connection
      }
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await stack.stop();
  }
  const failed = results.filter((r) => !r.ok);
  log(`screenshots in ${relative(root, SCREENSHOTS)}/`);
  process.stdout.write(`${JSON.stringify({ browserTests: results.length, passed: results.length - failed.length, failed: failed.map((f) => f.name) })}\n`);
  // Same counters as Jest's --json, so tools/test.mjs adds them to its totals.
  writeFileSync(join(root, '.run', 'e2e.json'), JSON.stringify({ numPassedTests: results.length - failed.length, numFailedTests: failed.length, numPendingTests: 0, results }, null, 2));
  process.exit(failed.length || results.length === 0 ? 1 : 0);
}

main().catch((error) => {
  process.stderr.write(`[e2e] ${error.message}\n`);
  process.exit(1);
});

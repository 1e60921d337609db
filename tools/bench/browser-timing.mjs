// Times a dashboard page in Debian's Chromium, headless through playwright-core, as the browser tests drive it
// (apps/dashboard/e2e/browser.mjs): from the navigation's start to the frame after its table holds the rows asked
// for. Measured in the page, where performance.now() counts from the navigation's start, so the figure carries no
// automation round trips: HTML, bundle, the API calls, React's render, the next frame.
import { ensureChromium, launch } from '../../apps/dashboard/e2e/browser.mjs';
import { pct } from './bench-kit.mjs';

/** Runs in the page before its scripts, on every navigation: signs in and marks when the table is complete. */
function watchTable({ adminKey, rows, pagerText }) {
  sessionStorage.setItem('hub.adminKey', adminKey);
  const complete = () => document.querySelectorAll('table.grid tbody tr').length >= rows && (document.querySelector('nav.pager')?.textContent ?? '').includes(pagerText);
  const observer = new MutationObserver(() => {
    if (window.__tableShownAt !== undefined || !complete()) return;
    observer.disconnect();
    window.__tableShownAt = null;
    requestAnimationFrame(() => {
      window.__tableShownAt = performance.now();
    });
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
}

/** Where the time of a load went: the bundle's arrival, the first API call's start and answer (resource timing). */
function phases(apiPath) {
  const entries = performance.getEntriesByType('resource');
  const script = entries.filter((e) => e.initiatorType === 'script' && e.name.includes('/assets/')).reduce((end, e) => Math.max(end, e.responseEnd), 0);
  const api = entries.find((e) => new URL(e.name).pathname === apiPath);
  return { bundleLoadedMs: script || null, apiAskedMs: api?.startTime ?? null, apiAnsweredMs: api?.responseEnd ?? null };
}

async function loadOnce(page, url, rows, apiPath) {
  await page.goto(url, { waitUntil: 'commit' });
  const shown = await page.waitForFunction(() => (typeof window.__tableShownAt === 'number' ? window.__tableShownAt : undefined), undefined, { timeout: 60_000, polling: 50 });
  const ms = await shown.jsonValue();
  const count = await page.locator('table.grid tbody tr').count();
  if (count !== rows) throw new Error(`the table shows ${count} rows, expected ${rows}`);
  return { ms, ...(await page.evaluate(phases, apiPath)) };
}

const summary = (loads) => ({
  p50Ms: pct(loads.map((l) => l.ms), 0.5),
  p95Ms: pct(loads.map((l) => l.ms), 0.95),
  maxMs: pct(loads.map((l) => l.ms), 1),
  medianPhasesMs: Object.fromEntries(['bundleLoadedMs', 'apiAskedMs', 'apiAnsweredMs'].map((k) => [k.replace(/Ms$/, ''), pct(loads.map((l) => l[k]), 0.5)])),
});

/**
 * `runs` loads of `url` in a new browser context each (cold: no cache, nothing in memory) and, in the same context
 * right after, one more (warm: the hashed assets cached, as on an operator's second visit). Each load ends when
 * `rows` rows are in `table.grid` and the pager says `pagerText`; the median phases say when the bundle had
 * arrived and when the page's call to `apiPath` was asked and answered (the rest is React and the frame).
 */
export async function timeTableInBrowser({ url, apiPath, adminKey, rows, pagerText, runs, log = () => undefined }) {
  ensureChromium(log);
  const browser = await launch();
  const cold = [];
  const warm = [];
  try {
    for (let i = 0; i < runs; i += 1) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'pt-BR', timezoneId: 'America/Sao_Paulo' });
      try {
        await context.addInitScript(watchTable, { adminKey, rows, pagerText });
        const page = await context.newPage();
        cold.push(await loadOnce(page, url, rows, apiPath));
        warm.push(await loadOnce(page, url, rows, apiPath));
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  return { runs, ...summary(cold), warm: summary(warm) };
}

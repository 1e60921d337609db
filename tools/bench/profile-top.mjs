// Summarises a V8 .cpuprofile (from a bench's --profile <app>): the functions with the most self time and the
// most total time (self + callees, each function counted once per sample). Usage:
//   node tools/bench/profile-top.mjs <file.cpuprofile> [--top 30] [--filter text]
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) throw new Error('usage: profile-top.mjs <file.cpuprofile> [--top n] [--filter text]');
const argOf = (name) => (process.argv.indexOf(`--${name}`) > 0 ? process.argv[process.argv.indexOf(`--${name}`) + 1] : undefined);
const top = Number(argOf('top') ?? 30);
const filter = argOf('filter');
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n) => {
  const f = n.callFrame;
  const where = f.url ? f.url.replace(/^file:\/\//, '').replace(/.*node_modules\//, 'nm/').replace(/.*\/dist\//, 'dist/').replace(/.*\.run\/[^/]+\//, '') : '';
  return `${f.functionName || '(anonymous)'} ${where}${where ? `:${f.lineNumber + 1}` : ''}`;
};
const hits = new Map(profile.nodes.map((n) => [n.id, 0]));
for (const s of profile.samples) hits.set(s, (hits.get(s) ?? 0) + 1);
const total = profile.samples.length;
const self = new Map();
const inclusive = new Map();
const byPackage = new Map();
for (const [id, count] of hits) {
  if (!count) continue;
  const node = byId.get(id);
  const name = label(node);
  self.set(name, (self.get(name) ?? 0) + count);
  const url = node.callFrame.url || node.callFrame.functionName;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.includes('/dist/') ? 'hub (dist)' : url.startsWith('node:') ? 'node core' : `(${node.callFrame.functionName || 'other'})`);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + count);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur));
    if (seen.has(l)) continue;
    seen.add(l);
    inclusive.set(l, (inclusive.get(l) ?? 0) + count);
  }
}
const idle = [...self].filter(([k]) => k.startsWith('(idle)')).reduce((s, [, v]) => s + v, 0);
const busy = total - idle;
const pctOf = (v) => `${((v / busy) * 100).toFixed(1)}%`.padStart(6);
const show = (title, map) => {
  process.stdout.write(`\n== ${title} (of ${busy} busy samples, ${idle} idle) ==\n`);
  [...map].filter(([k]) => !k.startsWith('(idle)') && (!filter || k.includes(filter))).sort((a, b) => b[1] - a[1]).slice(0, top)
    .forEach(([k, v]) => process.stdout.write(`${pctOf(v)} ${k}\n`));
};
show('self time by package', byPackage);
show('self time', self);
show('total time', inclusive);

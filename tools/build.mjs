// Compiles every app and lib with swc into dist/, keeping the source layout and rewriting the
// @hub/* path aliases into relative requires (so `node dist/apps/<app>/src/main.js` runs as is),
// then builds the operator dashboard (apps/dashboard, Vite) into dist/dashboard, which the gateway serves.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const base = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
const swcrc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;
swcrc.jsc.baseUrl = root;
swcrc.jsc.paths = base.compilerOptions.paths;

const dir = mkdtempSync(join(tmpdir(), 'hub-swc-'));
const config = join(dir, 'swcrc.json');
writeFileSync(config, JSON.stringify(swcrc));
try {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  execFileSync(
    join(root, 'node_modules/.bin/swc'),
    ['apps', 'libs', '-d', 'dist', '--config-file', config, '--ignore', '**/*.spec.ts,**/*.int-spec.ts,**/test/**,apps/dashboard/**', '--quiet'],
    { cwd: root, stdio: 'inherit' },
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
execFileSync(join(root, 'node_modules/.bin/vite'), ['build', '--config', 'apps/dashboard/vite.config.mts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });

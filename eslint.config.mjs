import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const depConstraints = [
  // Apps never import each other; each service reaches the others only through NATS.
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:infra', 'type:api-client', 'type:integration'] },
  // Integrations combine the API clients with the connection read model and the budget.
  { sourceTag: 'type:integration', onlyDependOnLibsWithTags: ['type:contracts', 'type:infra', 'type:api-client'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:contracts', 'type:infra'] },
  { sourceTag: 'type:api-client', onlyDependOnLibsWithTags: ['type:contracts', 'type:infra'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:infra', 'type:api-client'] },
  // The sandbox plays the external APIs: it must not share the clients' models, or a wrong
  // assumption in a client would be mirrored instead of caught.
  { sourceTag: 'scope:sandbox', onlyDependOnLibsWithTags: ['type:infra'] },
  // The dashboard is a browser bundle: it speaks to the gateway over HTTP only (types from its OpenAPI).
  { sourceTag: 'type:web', onlyDependOnLibsWithTags: [] },
];

/** Tests may also use the testing lib and start the sandbox in-process (its app factory only). */
const testDepConstraints = depConstraints.map((c) => (c.sourceTag === 'scope:sandbox' ? c : { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] }));

export default [
  { ignores: ['**/dist', '**/node_modules', '**/coverage', 'tmp/**', '.nx/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Outbound HTTP to Tiny and Ideris goes through libs/tiny and libs/ideris only (API budget, error kinds).
    files: ['apps/gateway/**/*.ts', 'apps/orders/**/*.ts', 'apps/catalog/**/*.ts', 'apps/fiscal-shipping/**/*.ts', 'apps/status-sync/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/test/**'],
    rules: {
      'no-restricted-globals': ['error', { name: 'fetch', message: 'Call Tiny/Ideris through @hub/tiny or @hub/ideris (API budget).' }],
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'axios', message: 'Call Tiny/Ideris through @hub/tiny or @hub/ideris (API budget).' },
          { name: 'undici', message: 'Call Tiny/Ideris through @hub/tiny or @hub/ideris (API budget).' },
          { name: 'node:http', message: 'No raw HTTP clients in services.' },
          { name: 'node:https', message: 'No raw HTTP clients in services.' },
          { name: 'http', message: 'No raw HTTP clients in services.' },
          { name: 'https', message: 'No raw HTTP clients in services.' },
        ],
      }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/test/**/*.ts', 'libs/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: ['^(\\.\\./)+(apps/)?sandbox/src/sandbox-app$', '^(\\.\\./)+(apps/)?gateway/test/gateway-harness$', '^(\\.\\./)+(apps/)?(orders|catalog|fiscal-shipping|status-sync)/src/app\\.module$'], depConstraints: testDepConstraints }],
    },
  },
];

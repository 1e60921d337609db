#!/usr/bin/env node
// Validates Kubernetes manifests against the Kubernetes and KEDA schemas, with the models of
// `kubernetes-models` and `@kubernetes-models/keda` (JSON schemas generated from the Kubernetes OpenAPI
// and from KEDA's Go types).
//
//   node tools/deploy/validate-k8s.mjs [--json] FILE... ('-' reads standard input, e.g. `kubectl kustomize k8s | … -`)
//
// One verdict per YAML document (empty documents are not manifests and are left out). A document fails
// when it does not parse, is not a mapping, or its apiVersion/kind has no model: nothing is skipped
// silently. Exits 1 if any document failed. With --json, prints the verdicts as a JSON array (what
// tools/deploy/k8s-schemas.spec.ts reads); otherwise one line per document.
//
// Why a script and not an import in the jest spec: both packages are ESM-only (their "exports" have only
// the "import" condition), and jest here runs CommonJS through @swc/jest. Node runs them as they are.
//
// What the schemas cannot see: unknown fields (the Kubernetes OpenAPI has no additionalProperties: false,
// the API server rejects them at apply time) and the keys of a KEDA trigger's `metadata` (a string map);
// tools/deploy/k8s.spec.ts checks the fields the project relies on.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const API_VERSION = /^(?:([a-z0-9]([a-z0-9.-]*[a-z0-9])?)\/)?(v\d+(?:(?:alpha|beta)\d+)?)$/;

/** The package that has the models of an API group: KEDA's groups, else the Kubernetes built-ins. */
function modelPackage(group) {
  return group === 'keda.sh' || group === 'eventing.keda.sh' ? '@kubernetes-models/keda' : 'kubernetes-models';
}

const modules = new Map();

/** The model class of apiVersion/kind, or the reason there is none. */
async function modelFor(apiVersion, kind) {
  const match = API_VERSION.exec(apiVersion);
  if (!match) return { reason: `unknown apiVersion ${JSON.stringify(apiVersion)}` };
  const [, group, , version] = match;
  const specifier = `${modelPackage(group)}/${group === undefined ? '' : `${group}/`}${version}`;
  if (!modules.has(specifier)) {
    modules.set(
      specifier,
      import(specifier).catch((error) => {
        if (error?.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || error?.code === 'ERR_MODULE_NOT_FOUND') return null;
        throw error;
      }),
    );
  }
  const module = await modules.get(specifier);
  if (module === null) return { reason: `unknown apiVersion ${apiVersion} (no model in ${modelPackage(group)})` };
  const model = Object.hasOwn(module, kind) ? module[kind] : undefined;
  // Only top-level resources carry their apiVersion and kind: this refuses e.g. kind: ObjectMeta.
  if (typeof model !== 'function' || model.apiVersion !== apiVersion || model.kind !== kind) {
    return { reason: `unknown kind ${JSON.stringify(kind)} in ${apiVersion}` };
  }
  return { model };
}

/** Ajv's errors as `path message` lines (the models fill `message` in English). */
function describeErrors(error) {
  if (!Array.isArray(error?.errors)) throw error; // not a validation error: a bug worth its stack
  return error.errors.map((e) => `${e.instancePath === '' ? '/' : e.instancePath} ${e.message ?? e.keyword}${e.params?.allowedValues ? ` (${e.params.allowedValues.join(', ')})` : ''}`);
}

async function verdict(source, index, value) {
  const base = { source, document: index };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ...base, ok: false, errors: ['not a mapping'] };
  const { apiVersion, kind } = value;
  const name = typeof value.metadata?.name === 'string' ? value.metadata.name : undefined;
  const described = { ...base, apiVersion, kind, name };
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return { ...described, ok: false, errors: ['apiVersion and kind must be strings'] };
  const { model, reason } = await modelFor(apiVersion, kind);
  if (model === undefined) return { ...described, ok: false, errors: [reason] };
  try {
    new model(value).validate();
    return { ...described, ok: true, errors: [] };
  } catch (error) {
    return { ...described, ok: false, errors: describeErrors(error) };
  }
}

export async function validateYaml(source, text) {
  const verdicts = [];
  let index = 0;
  for (const document of parseAllDocuments(text)) {
    const errors = document.errors.map((e) => `YAML: ${e.message}`);
    const value = errors.length === 0 ? document.toJS() : undefined;
    if (errors.length > 0) verdicts.push({ source, document: index, ok: false, errors });
    else if (value !== null && value !== undefined) verdicts.push(await verdict(source, index, value));
    index += 1;
  }
  return verdicts;
}

async function main(args) {
  const json = args.includes('--json');
  const sources = args.filter((a) => a !== '--json');
  if (sources.length === 0) {
    process.stderr.write('usage: validate-k8s.mjs [--json] FILE... (- for standard input)\n');
    return 2;
  }
  const verdicts = [];
  for (const source of sources) verdicts.push(...(await validateYaml(source, readFileSync(source === '-' ? 0 : source, 'utf8'))));
  if (json) process.stdout.write(`${JSON.stringify(verdicts, null, 1)}\n`);
  else {
    for (const v of verdicts) {
      const what = `${v.source}#${v.document} ${v.apiVersion ?? '?'} ${v.kind ?? '?'} ${v.name ?? ''}`.trimEnd();
      process.stdout.write(v.ok ? `ok   ${what}\n` : `FAIL ${what}\n${v.errors.map((e) => `       ${e}\n`).join('')}`);
    }
    process.stdout.write(`${verdicts.filter((v) => v.ok).length} valid, ${verdicts.filter((v) => !v.ok).length} invalid\n`);
  }
  return verdicts.every((v) => v.ok) ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));

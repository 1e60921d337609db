// Small narrowing helpers for the deploy specs: parsed YAML is `unknown` until checked.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type Mapping = Record<string, unknown>;

export const repoRoot = resolve(__dirname, '..', '..');

export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function mapping(value: unknown, what: string): Mapping {
  if (!isMapping(value)) throw new Error(`${what}: expected a mapping, got ${JSON.stringify(value)}`);
  return value;
}

export function optionalMapping(value: unknown, what: string): Mapping {
  return value === undefined || value === null ? {} : mapping(value, what);
}

export function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${what}: expected a list, got ${JSON.stringify(value)}`);
  return value;
}

export function optionalList(value: unknown, what: string): unknown[] {
  return value === undefined || value === null ? [] : list(value, what);
}

export function str(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what}: expected a string, got ${JSON.stringify(value)}`);
  return value;
}

export function strings(value: unknown, what: string): string[] {
  return list(value, what).map((item, i) => str(item, `${what}[${i}]`));
}

/** Scalars as YAML users write them (`3000` or `"3000"`), as a string. */
export function scalar(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`${what}: expected a scalar, got ${JSON.stringify(value)}`);
}

export interface EnvVarNames {
  /** Read by every hub service (gateway, orders, catalog, fiscal-shipping, status-sync). */
  common: string[];
  /** Read by the gateway only, on top of `common`. */
  gateway: string[];
  /** Everything the sandbox reads. */
  sandbox: string[];
  /** Read by fiscal-shipping only, on top of `common`. */
  'fiscal-shipping': string[];
  /** Read by orders, catalog and status-sync only (their settings classes), on top of `common`. */
  orders: string[];
  catalog: string[];
  'status-sync': string[];
}

export function loadEnvVarNames(): EnvVarNames {
  const raw: unknown = JSON.parse(readFileSync(join(repoRoot, 'tools', 'deploy', 'env-vars.json'), 'utf8'));
  const json = mapping(raw, 'env-vars.json');
  return {
    common: strings(json['common'], 'env-vars.json common'),
    gateway: strings(json['gateway'], 'env-vars.json gateway'),
    sandbox: strings(json['sandbox'], 'env-vars.json sandbox'),
    'fiscal-shipping': strings(json['fiscal-shipping'], 'env-vars.json fiscal-shipping'),
    orders: strings(json['orders'], 'env-vars.json orders'),
    catalog: strings(json['catalog'], 'env-vars.json catalog'),
    'status-sync': strings(json['status-sync'], 'env-vars.json status-sync'),
  };
}

/** The env var names an app may be given, from env-vars.json. */
export function allowedEnv(app: string, names: EnvVarNames): Set<string> {
  if (app === 'sandbox') return new Set(names.sandbox);
  const own: Record<string, string[]> = { gateway: names.gateway, 'fiscal-shipping': names['fiscal-shipping'], orders: names.orders, catalog: names.catalog, 'status-sync': names['status-sync'] };
  return new Set([...names.common, ...(own[app] ?? [])]);
}

/** The six processes and their ports. */
export const APP_PORTS: ReadonlyMap<string, number> = new Map([
  ['gateway', 3000],
  ['orders', 3001],
  ['catalog', 3002],
  ['fiscal-shipping', 3003],
  ['status-sync', 3004],
  ['sandbox', 3100],
]);

export const HUB_SERVICES: readonly string[] = ['gateway', 'orders', 'catalog', 'fiscal-shipping', 'status-sync'];

/** Image repository of an app, the same in docker-compose.yml and k8s/. */
export function imageRepository(app: string): string {
  return `tiny-ideris-hub/${app}`;
}

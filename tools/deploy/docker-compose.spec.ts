// Checks docker-compose.yml against the facts of the product: six apps built from the one
// Dockerfile, their ports, the env vars each one reads (tools/deploy/env-vars.json), and the
// PostgreSQL/NATS it needs.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import {
  APP_PORTS,
  HUB_SERVICES,
  allowedEnv,
  imageRepository,
  isMapping,
  list,
  loadEnvVarNames,
  mapping,
  optionalList,
  optionalMapping,
  repoRoot,
  scalar,
  str,
  type Mapping,
} from './narrow';

const compose = mapping(parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')), 'docker-compose.yml');
const services = mapping(compose['services'], 'services');
const envNames = loadEnvVarNames();

function service(name: string): Mapping {
  return mapping(services[name], `services.${name}`);
}

/** `environment` as a mapping or as a list of KEY=VALUE. */
function environment(name: string): Map<string, string> {
  const raw = service(name)['environment'];
  const env = new Map<string, string>();
  if (Array.isArray(raw)) {
    for (const item of raw) {
      const entry = str(item, `services.${name}.environment`);
      const eq = entry.indexOf('=');
      env.set(eq < 0 ? entry : entry.slice(0, eq), eq < 0 ? '' : entry.slice(eq + 1));
    }
  } else {
    for (const [key, value] of Object.entries(optionalMapping(raw, `services.${name}.environment`))) {
      env.set(key, value === null ? '' : scalar(value, `services.${name}.environment.${key}`));
    }
  }
  return env;
}

/** Build args as a mapping or as a list of KEY=VALUE. */
function buildArgs(build: Mapping, what: string): Map<string, string> {
  const raw = build['args'];
  const args = new Map<string, string>();
  if (Array.isArray(raw)) {
    for (const item of raw) {
      const [key, ...rest] = str(item, what).split('=');
      args.set(key ?? '', rest.join('='));
    }
  } else {
    for (const [key, value] of Object.entries(optionalMapping(raw, what))) args.set(key, scalar(value, `${what}.${key}`));
  }
  return args;
}

/** Published ports as [host, container] pairs, short ("3000:3000", "127.0.0.1:3000:3000") or long form. */
function publishedPorts(name: string): Array<[string, string]> {
  return optionalList(service(name)['ports'], `services.${name}.ports`).map((port, i): [string, string] => {
    if (isMapping(port)) {
      return [scalar(port['published'], `ports[${i}].published`), scalar(port['target'], `ports[${i}].target`)];
    }
    const parts = scalar(port, `services.${name}.ports[${i}]`).replace(/\/(tcp|udp)$/, '').split(':');
    const container = parts[parts.length - 1] ?? '';
    const host = parts.length >= 2 ? (parts[parts.length - 2] ?? '') : '';
    return [host, container];
  });
}

function dependsOn(name: string): Map<string, string> {
  const raw = service(name)['depends_on'];
  const deps = new Map<string, string>();
  if (Array.isArray(raw)) {
    for (const item of raw) deps.set(str(item, `services.${name}.depends_on`), 'service_started');
  } else {
    for (const [target, spec] of Object.entries(optionalMapping(raw, `services.${name}.depends_on`))) {
      const condition = optionalMapping(spec, `services.${name}.depends_on.${target}`)['condition'];
      deps.set(target, condition === undefined ? 'service_started' : str(condition, `depends_on.${target}.condition`));
    }
  }
  return deps;
}

function command(name: string): string[] {
  const raw = service(name)['command'];
  if (raw === undefined) return [];
  if (typeof raw === 'string') return raw.split(/\s+/).filter((part) => part !== '');
  return list(raw, `services.${name}.command`).map((part, i) => scalar(part, `command[${i}]`));
}

function healthcheckText(name: string): string {
  const healthcheck = mapping(service(name)['healthcheck'], `services.${name}.healthcheck`);
  const test = healthcheck['test'];
  return typeof test === 'string' ? test : list(test, `services.${name}.healthcheck.test`).map((p) => scalar(p, 'test')).join(' ');
}

const apps = [...APP_PORTS.entries()];

describe('docker-compose.yml', () => {
  it('has PostgreSQL 15+ with a pg_isready healthcheck', () => {
    const image = str(service('postgres')['image'], 'postgres.image');
    const match = /^postgres:(\d+)/.exec(image);
    expect(match).not.toBeNull();
    expect(Number(match?.[1])).toBeGreaterThanOrEqual(15);
    expect(healthcheckText('postgres')).toContain('pg_isready');
  });

  it('has NATS 2.10+ with JetStream (-js) on a persistent store directory', () => {
    expect(str(service('nats')['image'], 'nats.image')).toMatch(/^nats:2\.(1\d|[2-9]\d)/);
    const args = command('nats');
    expect(args).toContain('-js');
    const sd = args.indexOf('-sd');
    expect(sd).toBeGreaterThanOrEqual(0);
    const dir = args[sd + 1] ?? '';
    const volumes = optionalList(service('nats')['volumes'], 'nats.volumes').map((v) => scalar(v, 'nats.volumes'));
    expect(volumes.some((v) => v.endsWith(`:${dir}`))).toBe(true);
  });

  it.each(apps)('%s is built from the repo Dockerfile with its name as APP', (app) => {
    const build = mapping(service(app)['build'], `services.${app}.build`);
    const context = resolve(repoRoot, str(build['context'] ?? '.', 'build.context'));
    expect(context).toBe(repoRoot);
    const dockerfile = build['dockerfile'] === undefined ? 'Dockerfile' : str(build['dockerfile'], 'build.dockerfile');
    expect(resolve(context, dockerfile)).toBe(join(repoRoot, 'Dockerfile'));
    expect(existsSync(join(repoRoot, 'Dockerfile'))).toBe(true);
    expect(buildArgs(build, `services.${app}.build.args`).get('APP')).toBe(app);
    expect(existsSync(join(repoRoot, 'apps', app))).toBe(true);
    expect(str(service(app)['image'], `services.${app}.image`)).toMatch(new RegExp(`^${imageRepository(app)}:[\\w.-]+$`));
  });

  it.each(apps)('%s publishes its port %d and sets PORT to it', (app, port) => {
    expect(publishedPorts(app)).toContainEqual([String(port), String(port)]);
    expect(environment(app).get('PORT')).toBe(String(port));
  });

  it.each(apps)('%s has a healthcheck on its own /health/ready', (app, port) => {
    const text = healthcheckText(app);
    expect(text).toContain('node');
    expect(text).toContain(`:${port}/health/ready`);
  });

  it.each(HUB_SERVICES.map((app) => [app]))('%s gets PostgreSQL, NATS and the encryption key', (app) => {
    const env = environment(app);
    const databaseUrl = new URL(env.get('DATABASE_URL') ?? '');
    expect(databaseUrl.protocol).toBe('postgres:');
    expect(services[databaseUrl.hostname]).toBeDefined();
    const natsUrl = new URL(env.get('NATS_URL') ?? '');
    expect(natsUrl.protocol).toBe('nats:');
    expect(services[natsUrl.hostname]).toBeDefined();
    expect(Buffer.from(env.get('HUB_ENCRYPTION_KEY') ?? '', 'base64')).toHaveLength(32);
  });

  it('gives the gateway its admin keys and public base URL', () => {
    const env = environment('gateway');
    expect(env.get('ADMIN_API_KEYS')).toBeTruthy();
    expect(env.get('PUBLIC_BASE_URL')).toBe('http://localhost:3000');
  });

  it('gives the sandbox no database, NATS or secrets', () => {
    const env = environment('sandbox');
    for (const name of ['DATABASE_URL', 'NATS_URL', 'HUB_ENCRYPTION_KEY', 'ADMIN_API_KEYS']) expect(env.has(name)).toBe(false);
  });

  it.each(apps)('%s is given only env vars that it reads (tools/deploy/env-vars.json)', (app) => {
    const allowed = allowedEnv(app, envNames);
    const unknown = [...environment(app).keys()].filter((name) => !allowed.has(name));
    expect(unknown).toEqual([]);
  });

  it('depends only on services that exist; hub services wait for healthy PostgreSQL and NATS', () => {
    for (const name of Object.keys(services)) {
      for (const [target, condition] of dependsOn(name)) {
        expect([name, target, services[target] !== undefined]).toEqual([name, target, true]);
        if (condition === 'service_healthy') {
          expect([target, service(target)['healthcheck'] !== undefined]).toEqual([target, true]);
        }
      }
    }
    for (const app of HUB_SERVICES) {
      const deps = dependsOn(app);
      expect(deps.get('postgres')).toBe('service_healthy');
      expect(deps.get('nats')).toBe('service_healthy');
    }
  });
});

describe('tools/deploy/env-vars.json', () => {
  it('lists the documented variables', () => {
    expect(envNames.common).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'NATS_URL', 'PORT', 'LOG_LEVEL', 'HUB_ENCRYPTION_KEY', 'NATS_REPLICAS']),
    );
    expect(envNames.gateway).toEqual(expect.arrayContaining(['ADMIN_API_KEYS', 'PUBLIC_BASE_URL']));
    expect(envNames.sandbox).toEqual(expect.arrayContaining(['PORT', 'LOG_LEVEL']));
    for (const names of [envNames.common, envNames.gateway, envNames.sandbox]) {
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
    }
  });
});

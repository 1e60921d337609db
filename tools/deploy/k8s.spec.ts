import { Consumers } from '@hub/contracts';
// Checks the manifests under k8s/: every YAML document parses; each Deployment has its probes,
// limits, Service and PodDisruptionBudget; KEDA ScaledObjects target real Deployments and never
// share one with an HPA; each kustomization lists exactly the files beside it.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { capacity, CPU_TARGET_CORES, type ServiceCapacity } from './capacity';
import {
  APP_PORTS,
  HUB_SERVICES,
  allowedEnv,
  imageRepository,
  list,
  loadEnvVarNames,
  mapping,
  optionalList,
  optionalMapping,
  repoRoot,
  scalar,
  str,
  strings,
  type Mapping,
} from './narrow';

const k8sRoot = join(repoRoot, 'k8s');
const envNames = loadEnvVarNames();
/** Read by Node itself rather than by the app. */
const NODE_ENV_VARS = new Set(['NODE_OPTIONS']);
const MAX_MEMORY_LIMIT = 320 * 1024 * 1024;
/** The NATS headless Service of the official chart: on a cluster, KEDA reaches a consumer's leader as <pod>.<this>. */
const NATS_MONITORING = 'nats-headless.nats.svc:8222';
/** Every CPU trigger targets this average per replica, as a quantity (a percentage would be of the 100m request). */
const CPU_TARGET = `${CPU_TARGET_CORES * 1000}m`;
const CAPACITY: ReadonlyMap<string, ServiceCapacity> = new Map(capacity().map((c) => [c.service, c]));

/**
 * The consumers each service scales on: its work consumers (jobs and Tiny notifications), taken from
 * libs/contracts so a renamed or added consumer cannot leave the manifests behind. Read models (connections,
 * order bindings) are light and not scaled on.
 */
const WORK_STREAMS = new Set(['ORDERS_WORK', 'TINY_NOTIFICATIONS']);
const JETSTREAM_CONSUMERS: ReadonlyMap<string, { stream: string; consumer: string }[]> = Object.values(Consumers)
  .filter((c) => WORK_STREAMS.has(c.stream.name))
  .reduce((byOwner, c) => byOwner.set(c.owner, [...(byOwner.get(c.owner) ?? []), { stream: c.stream.name, consumer: c.durable }]), new Map<string, { stream: string; consumer: string }[]>());

interface Resource {
  /** Path relative to k8s/. */
  file: string;
  /** Directory of the file relative to k8s/ ('' for k8s/ itself). */
  dir: string;
  kind: string;
  name: string;
  body: Mapping;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

const files = yamlFiles(k8sRoot);
const parseErrors: string[] = [];
const resources: Resource[] = [];
for (const path of files) {
  const file = relative(k8sRoot, path);
  const dir = relative(k8sRoot, dirname(path));
  for (const document of parseAllDocuments(readFileSync(path, 'utf8'))) {
    for (const error of document.errors) parseErrors.push(`${file}: ${error.message}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue; // empty document
    const body = mapping(value, file);
    const metadata = optionalMapping(body['metadata'], `${file} metadata`);
    resources.push({
      file,
      dir,
      kind: typeof body['kind'] === 'string' ? body['kind'] : '',
      name: typeof metadata['name'] === 'string' ? metadata['name'] : '',
      body,
    });
  }
}

const kustomizationDirs = files.filter((f) => basename(f) === 'kustomization.yaml').map((f) => relative(k8sRoot, dirname(f)));
const manifests = resources.filter((r) => r.kind !== 'Kustomization');
const inDir = (dir: string, kind: string): Resource[] => manifests.filter((r) => r.dir === dir && r.kind === kind);
const deployments = manifests.filter((r) => r.kind === 'Deployment');

function spec(resource: Resource): Mapping {
  return mapping(resource.body['spec'], `${resource.file} ${resource.kind}/${resource.name} spec`);
}

function podTemplate(deployment: Resource): { labels: Mapping; spec: Mapping } {
  const template = mapping(spec(deployment)['template'], `${deployment.name} template`);
  const metadata = mapping(template['metadata'], `${deployment.name} template.metadata`);
  return {
    labels: mapping(metadata['labels'], `${deployment.name} pod labels`),
    spec: mapping(template['spec'], `${deployment.name} pod spec`),
  };
}

function mainContainer(deployment: Resource): Mapping {
  const containers = list(podTemplate(deployment).spec['containers'], `${deployment.name} containers`);
  if (containers.length !== 1) throw new Error(`${deployment.name}: expected exactly one container, got ${containers.length}`);
  return mapping(containers[0], `${deployment.name} container`);
}

function containerPort(container: Mapping, what: string): { name: string; port: number } {
  const ports = list(container['ports'], `${what} ports`).map((p) => mapping(p, `${what} port`));
  const port = ports[0];
  if (ports.length !== 1 || port === undefined) throw new Error(`${what}: expected exactly one container port, got ${ports.length}`);
  return { name: str(port['name'], `${what} port name`), port: Number(scalar(port['containerPort'], `${what} containerPort`)) };
}

/** A probe's or Service's port (number or name) resolved against the container port. */
function resolvePort(port: unknown, container: { name: string; port: number }, what: string): number {
  const value = scalar(port, what);
  return /^\d+$/.test(value) ? Number(value) : value === container.name ? container.port : Number.NaN;
}

function httpProbe(container: Mapping, probe: string, what: string): { path: string; port: unknown } {
  const httpGet = mapping(mapping(container[probe], `${what} ${probe}`)['httpGet'], `${what} ${probe}.httpGet`);
  return { path: str(httpGet['path'], `${what} ${probe} path`), port: httpGet['port'] };
}

function bytes(quantity: unknown, what: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(scalar(quantity, what));
  if (!match) throw new Error(`${what}: unreadable quantity ${JSON.stringify(quantity)}`);
  const units: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Number(match[1]) * (match[2] === undefined ? 1 : (units[match[2]] ?? Number.NaN));
}

function selects(selector: Mapping, labels: Mapping): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

function scaleTargetName(resource: Resource): string {
  const target = mapping(spec(resource)['scaleTargetRef'], `${resource.name} scaleTargetRef`);
  if (target['kind'] !== undefined) expect(target['kind']).toBe('Deployment');
  return str(target['name'], `${resource.name} scaleTargetRef.name`);
}

/** The env var names a container gets: `env` plus the keys of `envFrom` ConfigMaps of its kustomization. */
function envNamesOf(container: Mapping, dir: string, what: string): string[] {
  const names = optionalList(container['env'], `${what} env`).map((e) => str(mapping(e, `${what} env`)['name'], `${what} env name`));
  for (const source of optionalList(container['envFrom'], `${what} envFrom`)) {
    const ref = mapping(mapping(source, `${what} envFrom`)['configMapRef'], `${what} envFrom (only configMapRef is used)`);
    const configMap = inDir(dir, 'ConfigMap').find((c) => c.name === ref['name']);
    expect([what, ref['name'], configMap !== undefined]).toEqual([what, ref['name'], true]);
    names.push(...Object.keys(optionalMapping(configMap?.body['data'], `${what} ConfigMap data`)));
  }
  return names;
}

describe('k8s/', () => {
  it('parses: every YAML document is valid and has a kind and a name', () => {
    expect(parseErrors).toEqual([]);
    for (const r of manifests) expect([r.file, r.kind !== '', r.name !== '']).toEqual([r.file, true, true]);
  });

  it('deploys the five hub services in the base, and the sandbox only under dev/', () => {
    expect(inDir('', 'Deployment').map((d) => d.name).sort()).toEqual([...HUB_SERVICES].sort());
    expect(inDir('dev', 'Deployment').map((d) => d.name)).toEqual(['sandbox']);
    expect(manifests.filter((r) => r.name === 'sandbox').every((r) => r.dir === 'dev')).toBe(true);
  });

  it('has the namespace tiny-ideris-hub', () => {
    expect(inDir('', 'Namespace').map((n) => n.name)).toEqual(['tiny-ideris-hub']);
  });

  describe.each(deployments.map((d) => [d.name, d] as const))('Deployment %s', (name, deployment) => {
    const container = mainContainer(deployment);
    const port = containerPort(container, name);
    const pod = podTemplate(deployment);

    it('listens on its port and sets PORT to it', () => {
      expect(port.port).toBe(APP_PORTS.get(name));
      const env = optionalList(container['env'], `${name} env`).map((e) => mapping(e, `${name} env`));
      expect(env.find((e) => e['name'] === 'PORT')?.['value']).toBe(String(port.port));
    });

    it('runs the image of its app', () => {
      expect(str(container['image'], `${name} image`)).toMatch(new RegExp(`^${imageRepository(name)}:[\\w.-]+$`));
    });

    it('probes /health/live and /health/ready on its port', () => {
      const liveness = httpProbe(container, 'livenessProbe', name);
      const readiness = httpProbe(container, 'readinessProbe', name);
      expect(liveness.path).toBe('/health/live');
      expect(readiness.path).toBe('/health/ready');
      expect(resolvePort(liveness.port, port, `${name} liveness port`)).toBe(port.port);
      expect(resolvePort(readiness.port, port, `${name} readiness port`)).toBe(port.port);
      if (container['startupProbe'] !== undefined) {
        const startup = httpProbe(container, 'startupProbe', name);
        expect(startup.path).toBe('/health/live');
        expect(resolvePort(startup.port, port, `${name} startup port`)).toBe(port.port);
      }
    });

    it('requests 100m/160Mi and is limited to 1 CPU and at most 320Mi', () => {
      const resources = mapping(container['resources'], `${name} resources`);
      const requests = mapping(resources['requests'], `${name} requests`);
      const limits = mapping(resources['limits'], `${name} limits`);
      expect(scalar(requests['cpu'], 'cpu request')).toBe('100m');
      expect(bytes(requests['memory'], 'memory request')).toBe(160 * 2 ** 20);
      expect(scalar(limits['cpu'], 'cpu limit')).toBe('1');
      expect(bytes(limits['memory'], 'memory limit')).toBeLessThanOrEqual(MAX_MEMORY_LIMIT);
    });

    it('shuts down gracefully: 30 s grace period and a preStop sleep', () => {
      expect(pod.spec['terminationGracePeriodSeconds']).toBe(30);
      const preStop = mapping(mapping(container['lifecycle'], `${name} lifecycle`)['preStop'], `${name} preStop`);
      const command = strings(mapping(preStop['exec'], `${name} preStop.exec`)['command'], `${name} preStop command`);
      expect(command[0]).toBe('sleep');
      expect(Number(command[1])).toBeLessThan(30);
    });

    it('runs as non-root with a read-only root filesystem', () => {
      const podSecurity = mapping(pod.spec['securityContext'], `${name} pod securityContext`);
      const containerSecurity = mapping(container['securityContext'], `${name} securityContext`);
      expect(podSecurity['runAsNonRoot']).toBe(true);
      expect(Number(podSecurity['runAsUser'])).toBeGreaterThan(0);
      expect(containerSecurity['readOnlyRootFilesystem']).toBe(true);
      expect(containerSecurity['allowPrivilegeEscalation']).toBe(false);
    });

    it('is given only env vars that it reads (tools/deploy/env-vars.json)', () => {
      const allowed = allowedEnv(name, envNames);
      const names = envNamesOf(container, deployment.dir, name);
      expect(names.filter((n) => !allowed.has(n) && !NODE_ENV_VARS.has(n))).toEqual([]);
      const required = name === 'sandbox' ? ['PORT'] : ['PORT', 'DATABASE_URL', 'NATS_URL', 'HUB_ENCRYPTION_KEY'];
      if (name === 'gateway') required.push('ADMIN_API_KEYS', 'PUBLIC_BASE_URL');
      expect(names).toEqual(expect.arrayContaining(required));
    });

    it('has a Service on its port', () => {
      const matching = inDir(deployment.dir, 'Service').filter((s) => selects(mapping(spec(s)['selector'], `${s.name} selector`), pod.labels));
      expect(matching.map((s) => s.name)).toEqual([name]);
      const servicePorts = list(spec(matching[0] ?? deployment)['ports'], `${name} Service ports`).map((p) => mapping(p, 'port'));
      for (const servicePort of servicePorts) {
        expect(resolvePort(servicePort['targetPort'] ?? servicePort['port'], port, `${name} targetPort`)).toBe(port.port);
        expect(Number(servicePort['port'])).toBe(port.port);
      }
    });

    it('has a PodDisruptionBudget', () => {
      const matching = inDir(deployment.dir, 'PodDisruptionBudget').filter((p) =>
        selects(mapping(mapping(spec(p)['selector'], `${p.name} selector`)['matchLabels'], `${p.name} matchLabels`), pod.labels),
      );
      expect(matching).toHaveLength(1);
      // Production services keep one pod through voluntary disruptions (they run ≥ 2 replicas).
      if (deployment.dir === '') expect(spec(matching[0] ?? deployment)['minAvailable']).toBe(1);
    });
  });

  it('selectors of Deployments match their pod labels', () => {
    for (const d of deployments) {
      const matchLabels = mapping(mapping(spec(d)['selector'], `${d.name} selector`)['matchLabels'], `${d.name} matchLabels`);
      expect([d.name, selects(matchLabels, podTemplate(d).labels)]).toEqual([d.name, true]);
    }
  });

  it('scales orders, catalog, fiscal-shipping and status-sync with KEDA on each work consumer\'s lag and on CPU', () => {
    const scaledObjects = manifests.filter((r) => r.kind === 'ScaledObject');
    expect(scaledObjects.map(scaleTargetName).sort()).toEqual([...JETSTREAM_CONSUMERS.keys()].sort());
    for (const scaledObject of scaledObjects) {
      const target = scaleTargetName(scaledObject);
      const sized = CAPACITY.get(target);
      expect(inDir(scaledObject.dir, 'Deployment').map((d) => d.name)).toContain(target);
      const triggers = list(spec(scaledObject)['triggers'], `${target} triggers`).map((t) => mapping(t, `${target} trigger`));
      const nats = triggers.filter((t) => t['type'] === 'nats-jetstream').map((t) => mapping(t['metadata'], `${target} nats-jetstream metadata`));
      const expected = JETSTREAM_CONSUMERS.get(target) ?? [];
      expect(nats.map((m) => ({ stream: m['stream'], consumer: m['consumer'] }))).toEqual(expected);
      for (const metadata of nats) {
        expect(metadata).toEqual({ natsServerMonitoringEndpoint: NATS_MONITORING, account: '$G', stream: metadata['stream'], consumer: metadata['consumer'], lagThreshold: String(sized?.lagThreshold), useHttps: 'false' });
      }
      // The CPU trigger lives in the same ScaledObject: KEDA owns the only HPA.
      expect(triggers.filter((t) => t['type'] === 'cpu')).toEqual([{ type: 'cpu', metricType: 'AverageValue', metadata: { value: CPU_TARGET } }]);
      expect(triggers).toHaveLength(nats.length + 1);
      // Sized by the capacity model (docs/deploy.md#capacity).
      expect([target, spec(scaledObject)['minReplicaCount'], spec(scaledObject)['maxReplicaCount']]).toEqual([target, sized?.minReplicas, sized?.maxReplicas]);
    }
  });

  it('never puts an HPA on a Deployment that KEDA scales; the gateway scales on CPU', () => {
    const keda = new Set(manifests.filter((r) => r.kind === 'ScaledObject').map(scaleTargetName));
    const hpas = manifests.filter((r) => r.kind === 'HorizontalPodAutoscaler');
    expect(hpas.map(scaleTargetName)).toEqual(['gateway']);
    for (const hpa of hpas) {
      const target = scaleTargetName(hpa);
      expect(keda.has(target)).toBe(false);
      expect(inDir(hpa.dir, 'Deployment').map((d) => d.name)).toContain(target);
      expect(spec(hpa)['metrics']).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: CPU_TARGET } } }]);
      const sized = CAPACITY.get(target);
      expect([spec(hpa)['minReplicas'], spec(hpa)['maxReplicas']]).toEqual([sized?.minReplicas, sized?.maxReplicas]);
    }
    // Replica counts belong to the autoscalers.
    for (const d of inDir('', 'Deployment')) expect([d.name, spec(d)['replicas']]).toEqual([d.name, undefined]);
  });

  it('exposes only the gateway through the Ingress', () => {
    const ingresses = manifests.filter((r) => r.kind === 'Ingress');
    expect(ingresses.length).toBeGreaterThan(0);
    for (const ingress of ingresses) {
      const rules = list(spec(ingress)['rules'], 'ingress rules').map((r) => mapping(r, 'rule'));
      for (const rule of rules) {
        const paths = list(mapping(rule['http'], 'rule.http')['paths'], 'paths').map((p) => mapping(p, 'path'));
        for (const path of paths) {
          const backend = mapping(mapping(path['backend'], 'backend')['service'], 'backend.service');
          expect(backend['name']).toBe('gateway');
          const backendPort = mapping(backend['port'], 'backend.service.port');
          expect(backendPort['name'] ?? backendPort['number']).toEqual(backendPort['name'] === undefined ? 3000 : 'http');
        }
      }
    }
  });

  it('has a Secret template (not applied by kustomize) with every key the Deployments reference', () => {
    const secrets = manifests.filter((r) => r.kind === 'Secret');
    expect(secrets.map((s) => s.file)).toEqual(['secret.example.yaml']);
    const secret = secrets[0];
    const keys = Object.keys(optionalMapping(secret?.body['stringData'], 'stringData'));
    expect(keys.sort()).toEqual(['ADMIN_API_KEYS', 'DATABASE_URL', 'HUB_ENCRYPTION_KEY']);
    for (const d of deployments) {
      for (const e of optionalList(mainContainer(d)['env'], `${d.name} env`)) {
        const valueFrom = mapping(e, 'env')['valueFrom'];
        if (valueFrom === undefined) continue;
        const secretRef = mapping(valueFrom, 'valueFrom')['secretKeyRef'];
        if (secretRef !== undefined) {
          const ref = mapping(secretRef, 'secretKeyRef');
          expect([d.name, ref['name'], keys.includes(str(ref['key'], 'key'))]).toEqual([d.name, secret?.name, true]);
        }
        const configRef = mapping(valueFrom, 'valueFrom')['configMapKeyRef'];
        if (configRef !== undefined) {
          const ref = mapping(configRef, 'configMapKeyRef');
          const configMap = inDir(d.dir, 'ConfigMap').find((c) => c.name === ref['name']);
          expect([d.name, Object.keys(optionalMapping(configMap?.body['data'], 'data'))]).toEqual([
            d.name,
            expect.arrayContaining([str(ref['key'], 'key')]),
          ]);
        }
      }
    }
  });

  it.each(kustomizationDirs.map((dir) => [dir === '' ? 'k8s/' : `k8s/${dir}/`, dir]))(
    '%s kustomization lists every file beside it (but the *.example.yaml templates)',
    (_label, dir) => {
      const path = join(k8sRoot, dir, 'kustomization.yaml');
      const kustomization = mapping(resources.find((r) => r.file === relative(k8sRoot, path))?.body, 'kustomization');
      const listed = strings(kustomization['resources'], 'resources');
      const beside = files
        .filter((f) => dirname(f) === join(k8sRoot, dir) && basename(f) !== 'kustomization.yaml' && !f.endsWith('.example.yaml'))
        .map((f) => basename(f));
      expect([...listed].sort()).toEqual(beside.sort());
      for (const resource of listed) expect(existsSync(join(k8sRoot, dir, resource))).toBe(true);
      expect(kustomization['namespace']).toBe('tiny-ideris-hub');
      // Every image of the kustomization's Deployments can be retargeted with `images:`.
      const images = optionalList(kustomization['images'], 'images').map((i) => str(mapping(i, 'image')['name'], 'image name'));
      for (const d of inDir(dir, 'Deployment')) expect(images).toContain(imageRepository(d.name));
    },
  );
});

// Every manifest under k8s/ against the Kubernetes and KEDA schemas (kubernetes-models,
// @kubernetes-models/keda), besides the project rules of k8s.spec.ts. The models are ESM-only and jest runs
// CommonJS here, so the validation is tools/deploy/validate-k8s.mjs run by node; this spec asserts its
// verdict for each document. Each file is validated as written (no kubectl needed) and, where `kubectl`
// exists, so is the output of `kubectl kustomize` of each kustomization, which also checks the
// kustomization files themselves (kustomize refuses unknown fields in them).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isMapping, optionalMapping, repoRoot, strings } from './narrow';

const k8sRoot = join(repoRoot, 'k8s');
const validator = join(repoRoot, 'tools', 'deploy', 'validate-k8s.mjs');

interface Verdict {
  source: string;
  document: number;
  apiVersion?: string;
  kind?: string;
  name?: string;
  ok: boolean;
  errors: string[];
}

/** Runs the validator; its exit status is 0 (all valid) or 1 (some invalid), anything else is a failure of its own. */
function validate(sources: string[], input?: string): { status: number; verdicts: Verdict[] } {
  const run = spawnSync(process.execPath, [validator, '--json', ...sources], { cwd: repoRoot, input, encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw run.error;
  if (run.status !== 0 && run.status !== 1) throw new Error(`validate-k8s.mjs exited ${run.status}: ${run.stderr}`);
  return { status: run.status, verdicts: JSON.parse(run.stdout) as Verdict[] };
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

/** kind/name of each non-empty document, as this spec reads them itself (to see that none was left out). */
function documentsOf(text: string): string[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter((v) => v !== null && v !== undefined)
    .map((v) => (isMapping(v) ? `${String(v['kind'])}/${String(optionalMapping(v['metadata'], 'metadata')['name'])}` : '(not a mapping)'));
}

const failures = (verdicts: Verdict[]) => verdicts.filter((v) => !v.ok).map((v) => `${v.source}#${v.document} ${v.kind}/${v.name}: ${v.errors.join('; ')}`);

const files = yamlFiles(k8sRoot).map((f) => relative(repoRoot, f));
const kustomizations = files.filter((f) => basename(f) === 'kustomization.yaml');
const manifests = files.filter((f) => !kustomizations.includes(f));

describe('k8s/ against the Kubernetes and KEDA schemas', () => {
  const { status, verdicts } = validate(manifests);

  it('every document of every manifest file is valid for the model of its apiVersion/kind', () => {
    expect(failures(verdicts)).toEqual([]);
    expect(status).toBe(0);
  });

  it('has a verdict for every document, none skipped', () => {
    for (const file of manifests) {
      const judged = verdicts.filter((v) => v.source === file).map((v) => `${v.kind}/${v.name}`);
      expect([file, judged]).toEqual([file, documentsOf(readFileSync(join(repoRoot, file), 'utf8'))]);
    }
    // The KEDA objects went through KEDA's schema, not around it.
    expect(verdicts.filter((v) => v.apiVersion === 'keda.sh/v1alpha1').map((v) => v.kind)).toEqual(expect.arrayContaining(['ScaledObject']));
  });

  it('leaves out only the kustomization files, which have no Kubernetes model (kustomize checks them)', () => {
    expect(files.filter((f) => !manifests.includes(f)).sort()).toEqual(['k8s/dev/kustomization.yaml', 'k8s/kustomization.yaml']);
    // Fed to the validator anyway, a Kustomization is refused like any kind without a model.
    const kustomization = validate(['k8s/kustomization.yaml']);
    expect(kustomization.status).toBe(1);
    expect(kustomization.verdicts.map((v) => v.errors)).toEqual([[expect.stringContaining('unknown apiVersion kustomize.config.k8s.io/v1beta1')]]);
  });
});

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

// Registered only where kubectl is installed (not skipped: absent); the per-file validation above runs everywhere.
if (kubectl) describe('kubectl kustomize', () => {
  describe.each(kustomizations.map((k) => [dirname(k), k] as const))('%s', (dir, kustomizationFile) => {
    const render = spawnSync('kubectl', ['kustomize', dir], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    const rendered = render.stdout;

    it('renders', () => {
      expect([render.status, render.stderr]).toEqual([0, '']);
    });

    it('renders only valid documents, the resources of the files it lists, in the namespace tiny-ideris-hub', () => {
      const { status, verdicts } = validate(['-'], rendered);
      expect(failures(verdicts)).toEqual([]);
      expect(status).toBe(0);
      const kustomization = parseAllDocuments(readFileSync(join(repoRoot, kustomizationFile), 'utf8'))[0]?.toJS() as Record<string, unknown>;
      const listed = strings(kustomization['resources'], 'resources').flatMap((r) => documentsOf(readFileSync(join(repoRoot, dir, r), 'utf8')));
      expect(verdicts.map((v) => `${v.kind}/${v.name}`).sort()).toEqual(listed.sort());
      for (const document of parseAllDocuments(rendered).map((d) => d.toJS() as { kind: string; metadata: { namespace?: string } })) {
        if (document.kind !== 'Namespace') expect([document.kind, document.metadata.namespace]).toEqual([document.kind, 'tiny-ideris-hub']);
      }
    });
  });
});

describe('validate-k8s.mjs catches broken manifests', () => {
  const deployment = (port: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: broken}
spec:
  selector: {matchLabels: {app: broken}}
  template:
    metadata: {labels: {app: broken}}
    spec:
      containers:
        - name: app
          image: app:1
          ports: [{containerPort: ${port}}]
`;
  const scaledObject = (spec: string) => `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: broken}
spec:
${spec}`;
  const trigger = (lagThreshold: string) => `  scaleTargetRef: {name: orders}
  triggers:
    - type: nats-jetstream
      metadata: {natsServerMonitoringEndpoint: "nats-headless.nats.svc:8222", account: "$G", stream: S, consumer: c, lagThreshold: ${lagThreshold}}
`;
  /** A real manifest with one edit, which must change it. */
  const real = (file: string, from: string | RegExp, to: string) => {
    const text = readFileSync(join(k8sRoot, file), 'utf8');
    const broken = text.replace(from, to);
    if (broken === text) throw new Error(`${file}: the edit ${String(from)} found nothing to change`);
    return broken;
  };
  // [case, YAML, the one error expected (undefined: every document valid)]
  const fixtures: [string, string, string | undefined][] = [
    ['a valid Deployment (the control)', deployment('3000'), undefined],
    ['a valid ScaledObject (the control)', scaledObject(trigger('"100"')), undefined],
    ['a string containerPort', deployment('"3000"'), '/spec/template/spec/containers/0/ports/0/containerPort must be integer'],
    ['a ScaledObject without scaleTargetRef', scaledObject('  triggers: [{type: cpu, metricType: Utilization, metadata: {value: "70"}}]\n'), '/spec must have required property scaleTargetRef'],
    ['a ScaledObject trigger without type', scaledObject('  scaleTargetRef: {name: orders}\n  triggers: [{metadata: {value: "70"}}]\n'), '/spec/triggers/0 must have required property type'],
    ['a number in a KEDA trigger metadata (a string map)', scaledObject(trigger('100')), '/spec/triggers/0/metadata/lagThreshold must be string'],
    ['an HPA without maxReplicas', 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: broken}\nspec: {scaleTargetRef: {kind: Deployment, name: gateway}}\n', '/spec must have required property maxReplicas'],
    ['a misspelt kind', 'apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: broken}\n', 'unknown kind "Deploymnet" in apps/v1'],
    ['a kind that is not a resource', 'apiVersion: v1\nkind: ObjectMeta\nmetadata: {name: broken}\n', 'unknown kind "ObjectMeta" in v1'],
    ['an unknown API group', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: broken}\n', 'unknown apiVersion example.com/v1'],
    ['a KEDA kind in a version KEDA does not have', scaledObject(trigger('"100"')).replace('keda.sh/v1alpha1', 'keda.sh/v1'), 'unknown apiVersion keda.sh/v1'],
    ['no apiVersion', 'kind: Service\nmetadata: {name: broken}\n', 'apiVersion and kind must be strings'],
    ['a document that is not a mapping', '- just\n- a list\n', 'not a mapping'],
    ['a YAML syntax error', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [broken}\n', 'YAML:'],
    // The real manifests, each broken in one place: only that document fails.
    ['k8s/orders.yaml with a string containerPort', real('orders.yaml', 'containerPort: 3001', 'containerPort: "3001"'), '/spec/template/spec/containers/0/ports/0/containerPort must be integer'],
    ['k8s/catalog.yaml without its ScaledObject\'s scaleTargetRef', real('catalog.yaml', /\n {2}scaleTargetRef:\n(?: {4}.*\n)+/, '\n'), '/spec must have required property scaleTargetRef'],
  ];
  const dir = mkdtempSync(join(tmpdir(), 'k8s-schemas-'));
  const paths = fixtures.map(([, yaml], i) => {
    const path = join(dir, `fixture-${i}.yaml`);
    writeFileSync(path, yaml);
    return path;
  });
  const { status, verdicts } = validate(paths);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 1 when any document is invalid', () => {
    expect(status).toBe(1);
  });

  it.each(fixtures.map(([name, , expected], i) => [name, paths[i] ?? '', expected] as const))('%s', (_name, path, expected) => {
    const judged = verdicts.filter((v) => v.source === path);
    expect(judged.length).toBeGreaterThan(0);
    const failed = judged.filter((v) => !v.ok);
    if (expected === undefined) expect(failed).toEqual([]);
    else expect(failed.map((v) => v.errors)).toEqual([expect.arrayContaining([expect.stringContaining(expected)])]);
  });
});

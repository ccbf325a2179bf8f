import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { PRODUCTION_NODE_FLAGS } from '../../scripts/lib/app-process.js';
import { loadConfig } from '../../src/config/app-config.js';
import { ConfigValidationError } from '../../src/config/config.error.js';
import { appEnvSchema } from '../../src/config/server.config.js';

/**
 * No cluster runs where this project is built, so deploy/kubernetes is checked offline: every
 * manifest against the Kubernetes API schemas (the validators kubernetes-models generates from the
 * Kubernetes OpenAPI document), then the values that must agree with the app's own settings.
 */
const DIR = 'deploy/kubernetes';

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [k: string]: unknown };
type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
type Probe = { httpGet?: { path: string; port: number | string } };
type Container = {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[]; add?: string[] }; seccompProfile?: { type: string } };
  volumeMounts?: { name: string; mountPath: string }[];
};
type PodSpec = {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  automountServiceAccountToken?: boolean;
  securityContext?: Record<string, unknown> & { seccompProfile?: { type: string } };
  volumes?: { name: string; secret?: { secretName: string; items?: { key: string; path: string }[] } }[];
};
type Workload = Manifest & { spec: { template: { metadata?: { labels?: Record<string, string> }; spec: PodSpec } } };

const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const manifestsOf = (text: string): Manifest[] => parseAllDocuments(text).map((d) => d.toJS() as Manifest).filter(Boolean);
const byFile = new Map(files.map((f) => [f, manifestsOf(readFileSync(join(DIR, f), 'utf8'))]));
const all = [...byFile.entries()].flatMap(([file, docs]) => docs.map((doc) => ({ file, doc })));
const objects = all.filter(({ doc }) => doc.kind !== 'Kustomization');
const one = <T extends Manifest>(kind: string): T => {
  const found = objects.filter(({ doc }) => doc.kind === kind);
  expect(found).toHaveLength(1);
  return found[0]?.doc as T;
};

type Model = { validate(): void };
/** Throws with the schema's complaints when `doc` is not a valid object of its apiVersion/kind. */
async function validateAgainstSchema(doc: Manifest): Promise<void> {
  const mod = (await import(`kubernetes-models/${doc.apiVersion}/${doc.kind}`)) as Record<string, new (data: unknown) => Model>;
  const Kind = mod[doc.kind];
  if (!Kind) throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}`);
  new Kind(doc).validate();
}
async function schemaErrors(doc: Manifest): Promise<string | undefined> {
  try {
    await validateAgainstSchema(doc);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * The schemas above accept fields the API does not know (a misspelt `readinesProbe` would be
 * dropped by the API server without a word). The same package's TypeScript types do not: each
 * manifest is type-checked as an object literal of its kind, where an unknown field is an error.
 * One program for all of them (about 1.5 s); returns the problems per manifest.
 */
function typeProblems(docs: Manifest[]): string[][] {
  const file = resolve('test/static/__kubernetes_manifests__.ts');
  const lines = docs.flatMap((doc, i) => [
    `import type { I${doc.kind} as T${i} } from 'kubernetes-models/${doc.apiVersion}/${doc.kind}';`,
    `export const m${i}: T${i} = ${JSON.stringify(doc)};`,
  ]);
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists } = host;
  host.getSourceFile = (name, language, ...rest) =>
    name === file ? ts.createSourceFile(name, lines.join('\n'), language) : getSourceFile.call(host, name, language, ...rest);
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  const problems = docs.map((): string[] => []);
  for (const d of ts.getPreEmitDiagnostics(ts.createProgram([file], options, host))) {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
    problems[Math.floor(line / 2)]?.push(ts.flattenDiagnosticMessageText(d.messageText, ' '));
  }
  return problems;
}

const deployment = one<Workload>('Deployment');
const job = one<Workload>('Job');
const pod = deployment.spec.template.spec;
const api = pod.containers[0] as Container;
const literalEnv = Object.fromEntries((api.env ?? []).flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value]])));
/** The app's own reading of the Deployment's env: its defaults fill in what the manifest leaves out. */
const settings = appEnvSchema.parse(literalEnv);

/** Kubernetes quantities (`384Mi`, `1G`, `500M`) in bytes. */
function bytes(quantity: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|k|M|G)?$/.exec(quantity ?? '');
  if (!m) throw new Error(`not a memory quantity: ${quantity}`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, K: 1e3, k: 1e3, M: 1e6, G: 1e9 }[m[2] ?? ''] ?? 1;
  return Number(m[1]) * unit;
}
const MB = 1e6;
const flag = (name: string) => Number(PRODUCTION_NODE_FLAGS.find((f) => f.startsWith(`--${name}=`))?.split('=')[1]);

function portNumber(container: Container, port: number | string | undefined): number | undefined {
  return typeof port === 'number' ? port : container.ports?.find((p) => p.name === port)?.containerPort;
}
function preStopSeconds(container: Container): number {
  const preStop = container.lifecycle?.preStop;
  if (preStop?.sleep) return preStop.sleep.seconds;
  const [cmd, seconds] = preStop?.exec?.command ?? [];
  return cmd === 'sleep' ? Number(seconds) : NaN;
}

/** What a container's and its pod's securityContext lack; empty when hardened. */
function hardeningProblems(spec: PodSpec): string[] {
  const problems: string[] = [];
  if (spec.securityContext?.runAsNonRoot !== true) problems.push('pod: runAsNonRoot');
  if (spec.securityContext?.seccompProfile?.type !== 'RuntimeDefault') problems.push('pod: seccomp RuntimeDefault');
  if (spec.automountServiceAccountToken !== false) problems.push('pod: automountServiceAccountToken false');
  for (const c of spec.containers) {
    const s = c.securityContext ?? {};
    if (s.allowPrivilegeEscalation !== false) problems.push(`${c.name}: allowPrivilegeEscalation false`);
    if (s.readOnlyRootFilesystem !== true) problems.push(`${c.name}: readOnlyRootFilesystem`);
    if (s.runAsNonRoot !== true) problems.push(`${c.name}: runAsNonRoot`);
    if (s.privileged === true) problems.push(`${c.name}: privileged`);
    if (s.runAsUser === 0) problems.push(`${c.name}: runAsUser 0`);
    if (JSON.stringify(s.capabilities?.drop) !== '["ALL"]' || (s.capabilities?.add ?? []).length > 0) problems.push(`${c.name}: drop ALL capabilities`);
    if (s.seccompProfile?.type !== 'RuntimeDefault') problems.push(`${c.name}: seccomp RuntimeDefault`);
  }
  return problems;
}

/** Variables that hold credentials: they must come from a Secret, never a literal. */
const SECRET_VAR = /SECRET|PASSWORD|TOKEN|_KEYS?$|^(DATABASE|REDIS|SMTP)_URL$/;
function literalSecrets(spec: PodSpec): string[] {
  return spec.containers.flatMap((c) => (c.env ?? []).filter((e) => SECRET_VAR.test(e.name) && !e.valueFrom?.secretKeyRef).map((e) => `${c.name}: ${e.name}`));
}

describe('deploy/kubernetes: the Kubernetes API schemas', () => {
  it('finds the manifests', () => {
    expect(objects.map(({ doc }) => doc.kind).sort()).toEqual(
      ['Deployment', 'HorizontalPodAutoscaler', 'Job', 'NetworkPolicy', 'PodDisruptionBudget', 'Secret', 'Service', 'ServiceAccount'].sort(),
    );
  });

  it.each(objects.map(({ file, doc }) => [`${file}: ${doc.kind} ${doc.metadata?.name}`, doc] as const))('%s is valid', async (_name, doc) => {
    await expect(validateAgainstSchema(doc)).resolves.toBeUndefined();
  });

  it('rejects a broken manifest (the check can fail)', async () => {
    const broken = structuredClone(deployment);
    const container = broken.spec.template.spec.containers[0] as unknown as { ports: { containerPort: unknown }[] };
    container.ports[0] = { containerPort: 'three thousand' };
    expect(await schemaErrors(broken)).toMatch(/containerPort must be integer/);
    const nameless = structuredClone(deployment) as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    delete nameless.spec.template.spec.containers[0]?.name;
    expect(await schemaErrors(nameless as unknown as Manifest)).toMatch(/name/);
  });

  it('has no field the API does not know (a misspelt field fails)', () => {
    const misspelt = structuredClone(deployment) as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    const container = misspelt.spec.template.spec.containers[0] ?? {};
    container.readinesProbe = container.readinessProbe;
    delete container.readinessProbe;
    const docs = objects.map(({ doc }) => doc);
    const problems = typeProblems([...docs, misspelt as unknown as Manifest]);
    expect(Object.fromEntries(objects.map(({ file, doc }, i) => [`${file}: ${doc.kind}`, problems[i]]))).toEqual(
      Object.fromEntries(objects.map(({ file, doc }) => [`${file}: ${doc.kind}`, []])),
    );
    expect(problems.at(-1)?.join('\n')).toMatch(/readinesProbe/);
  });

  it('the Kustomization lists every object but the example Secret and the one-off migration Job', () => {
    const kustomization = byFile.get('kustomization.yaml')?.[0] as unknown as { resources: string[] };
    expect(kustomization.resources.sort()).toEqual(files.filter((f) => !['kustomization.yaml', 'migrate-job.yaml', 'secret.example.yaml'].includes(f)).sort());
  });
});

describe('deploy/kubernetes: agrees with the app', () => {
  it('runs in production on 0.0.0.0 behind one TLS proxy hop, with Redis for several replicas', () => {
    expect(settings).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', TRUST_PROXY: 1 });
    expect(api.env?.find((e) => e.name === 'REDIS_URL')?.valueFrom?.secretKeyRef).toBeDefined();
  });

  it('probes /health/live and /health/ready on the app port (exempt from the HTTPS rule)', () => {
    expect(api.ports?.map((p) => p.containerPort)).toEqual([settings.PORT]);
    expect(api.livenessProbe?.httpGet?.path).toBe('/health/live');
    expect(api.readinessProbe?.httpGet?.path).toBe('/health/ready');
    for (const probe of [api.livenessProbe, api.readinessProbe, api.startupProbe]) {
      if (probe) expect(portNumber(api, probe.httpGet?.port)).toBe(settings.PORT);
    }
    expect(readFileSync('src/common/http/transport.ts', 'utf8')).toContain("req.path.startsWith('/health/')");
    const service = one<Manifest & { spec: { ports: { targetPort: string | number }[] } }>('Service');
    expect(service.spec.ports.map((p) => portNumber(api, p.targetPort))).toEqual([settings.PORT]);
  });

  it('gives the pod longer to stop than preStop + SHUTDOWN_DRAIN_MS + SHUTDOWN_GRACE_MS', () => {
    const needed = preStopSeconds(api) + (settings.SHUTDOWN_DRAIN_MS + settings.SHUTDOWN_GRACE_MS) / 1000;
    expect(preStopSeconds(api)).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(needed);
    const broken = { ...settings, SHUTDOWN_GRACE_MS: 30_000 };
    expect(pod.terminationGracePeriodSeconds).not.toBeGreaterThan(preStopSeconds(api) + (broken.SHUTDOWN_DRAIN_MS + broken.SHUTDOWN_GRACE_MS) / 1000);
  });

  it("sizes memory for the image's heap flags (docs/BENCHMARKS.md: about 220 MB RSS)", () => {
    const heapMB = flag('max-old-space-size') + 3 * flag('max-semi-space-size');
    expect(heapMB).toBeGreaterThan(0);
    const measuredRssMB = 220;
    expect(bytes(api.resources?.requests?.memory) / MB).toBeGreaterThanOrEqual(measuredRssMB);
    // Outside the V8 heap: code, argon2's 19 MiB buffers, sockets, the PostgreSQL driver.
    expect(bytes(api.resources?.limits?.memory) / MB).toBeGreaterThanOrEqual(Math.max(heapMB + 200, 1.5 * measuredRssMB));
    expect(api.resources?.requests?.cpu).toBeDefined();
  });

  it("keeps the image's command, and with it the heap flags", () => {
    expect(api.command).toBeUndefined();
    expect(api.args).toBeUndefined();
    expect(readFileSync('Dockerfile', 'utf8')).toContain(PRODUCTION_NODE_FLAGS.join('", "'));
  });

  it('hardens the API and the migration pods', () => {
    expect(hardeningProblems(pod)).toEqual([]);
    expect(hardeningProblems(job.spec.template.spec)).toEqual([]);
    const weakened = structuredClone(pod);
    (weakened.containers[0] as Container).securityContext = { ...api.securityContext, allowPrivilegeEscalation: true };
    expect(hardeningProblems(weakened)).toEqual(['api: allowPrivilegeEscalation false']);
  });

  it('takes every credential from the Secret; the signing key is a mounted file', () => {
    expect(literalSecrets(pod)).toEqual([]);
    expect(literalSecrets(job.spec.template.spec)).toEqual([]);
    const fromSecret = (api.env ?? []).filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.name);
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'MFA_ENCRYPTION_KEYS', 'SMTP_URL', 'METRICS_TOKEN']) expect(fromSecret).toContain(name);
    const keyFile = literalEnv.JWT_PRIVATE_KEY_FILE ?? '';
    const mount = api.volumeMounts?.find((m) => keyFile.startsWith(`${m.mountPath}/`));
    const volume = pod.volumes?.find((v) => v.name === mount?.name);
    expect(volume?.secret?.items?.map((i) => `${mount?.mountPath}/${i.path}`)).toContain(keyFile);
    expect(literalSecrets({ containers: [{ ...api, env: [{ name: 'METRICS_TOKEN', value: 'x'.repeat(40) }] }] })).toEqual(['api: METRICS_TOKEN']);
  });

  it('migrates with prisma migrate deploy, as docker-compose.yml does (never db push)', () => {
    const container = job.spec.template.spec.containers[0] as Container;
    expect(container.command).toEqual(['node', 'node_modules/prisma/build/index.js', 'migrate', 'deploy']);
    expect(readFileSync('docker-compose.yml', 'utf8')).toContain(JSON.stringify(container.command).replace(/","/g, '", "'));
  });

  it('lets in port 3000 only, and out DNS, PostgreSQL, Redis and SMTP only', () => {
    type Port = { port: number | string; protocol: string };
    type Rule = { ports?: Port[] };
    const anyPort: Port[] = [{ port: 'any', protocol: 'any' }];
    const policy = one<Manifest & { spec: { policyTypes: string[]; ingress: Rule[]; egress: Rule[] } }>('NetworkPolicy');
    expect(policy.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    expect(policy.spec.ingress.flatMap((r) => r.ports ?? anyPort).map((p) => p.port)).toEqual([settings.PORT]);
    const out = policy.spec.egress.flatMap((r) => r.ports ?? anyPort).map((p) => `${p.protocol}/${p.port}`);
    expect(out.sort()).toEqual(['TCP/465', 'TCP/53', 'TCP/5432', 'TCP/587', 'TCP/6379', 'UDP/53'].sort());
  });

  it('keeps two replicas through disruptions', () => {
    const hpa = one<Manifest & { spec: { minReplicas: number; scaleTargetRef: { name: string } } }>('HorizontalPodAutoscaler');
    const pdb = one<Manifest & { spec: { minAvailable: number } }>('PodDisruptionBudget');
    expect(hpa.spec.scaleTargetRef.name).toBe(deployment.metadata.name);
    expect(hpa.spec.minReplicas).toBeGreaterThan(pdb.spec.minAvailable);
  });
});

describe('deploy/kubernetes: the environment the app gets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-spec-'));
  const keyFile = join(dir, 'jwt-private.pem');
  writeFileSync(keyFile, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const secret = one<Manifest & { stringData: Record<string, string> }>('Secret');
  const fromSecret = (values: Record<string, string>) =>
    Object.fromEntries((api.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [[e.name, values[e.valueFrom.secretKeyRef.key] ?? '']] : [])));
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
      return [];
    } catch (err) {
      if (err instanceof ConfigValidationError) return err.problems;
      throw err;
    }
  };

  const real: Record<string, string> = {
    DATABASE_URL: 'postgresql://app_user:Xk2-long-random@db.internal:5432/app',
    REDIS_URL: 'rediss://:Yq9-long-random@redis.internal:6379',
    MFA_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 9).toString('base64')}`,
    SMTP_URL: 'smtps://mailer:Zr4-long-random@smtp.example.com:465',
    METRICS_TOKEN: 'm'.repeat(48),
  };

  it('starts the app in production with real secrets', () => {
    expect(problemsOf({ ...literalEnv, ...fromSecret(real), JWT_PRIVATE_KEY_FILE: keyFile })).toEqual([]);
  });

  it.each(Object.keys(secret.stringData))("refuses the example Secret's placeholder for %s", (key) => {
    const placeholder = secret.stringData[key] ?? '';
    const keyFromSecret = join(dir, `placeholder-${key}`);
    writeFileSync(keyFromSecret, placeholder);
    const isKeyFile = !(key in real);
    const env = {
      ...literalEnv,
      ...fromSecret(isKeyFile ? real : { ...real, [key]: placeholder }),
      JWT_PRIVATE_KEY_FILE: isKeyFile ? keyFromSecret : keyFile,
    };
    const variable = isKeyFile ? 'JWT_PRIVATE_KEY_FILE' : (api.env?.find((e) => e.valueFrom?.secretKeyRef?.key === key)?.name ?? key);
    expect(problemsOf(env).join('\n')).toContain(variable);
  });
});

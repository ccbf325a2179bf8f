import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

/**
 * No Docker engine runs where this project is built, so the container files are checked as
 * text for the properties that matter: these tests fail when one of them is lost.
 */
const dockerfile = readFileSync('Dockerfile', 'utf8');
const stages = dockerfile.split(/^FROM /m).slice(1).map((s) => `FROM ${s}`);
const finalStage = stages.at(-1) ?? '';

type Service = Record<string, unknown> & { environment?: Record<string, unknown>; ports?: string[] };
const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Service>; secrets?: Record<string, unknown> };

describe('Dockerfile', () => {
  it('builds in one stage and runs in another, from a pinned base', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^FROM node:\d+\.\d+[\w.-]*( AS \w+)?\s/);
  });

  it('runs as a non-root user, with production dependencies only', () => {
    expect(finalStage).toMatch(/^USER (?!root\b)\S+/m);
    expect(finalStage).not.toMatch(/npm (ci|install)\b/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
  });

  it('bakes in no secret and copies no local secret material', () => {
    expect(dockerfile).not.toMatch(/^(ENV|ARG)\s+\S*(SECRET|PASSWORD|TOKEN|PRIVATE|_KEY)\S*/im);
    expect(dockerfile).not.toMatch(/COPY\s+.*(\.env|\.data|\.pem)/);
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n');
    for (const entry of ['.env', '.data', 'node_modules', '*.pem']) expect(ignored).toContain(entry);
  });
});

describe('the Node.js runtime', () => {
  it('is Node 24 LTS everywhere: every Dockerfile stage pinned to a minor, .nvmrc, engines.node, @types/node', () => {
    for (const stage of stages) expect(stage).toMatch(/^FROM node:24\.\d+-bookworm-slim( AS \w+)?\s/);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string }; devDependencies: Record<string, string> };
    expect(readFileSync('.nvmrc', 'utf8').trim()).toBe('24');
    expect(pkg.engines.node).toBe('>=24.9');
    expect(pkg.devDependencies['@types/node']).toMatch(/^\^24\./);
  });
});

describe('the production V8 flags (a bounded heap, docs/BENCHMARKS.md)', () => {
  it('are the same in the Dockerfile, npm run start:prod and the process the benchmark and resilience runs start', async () => {
    const { PRODUCTION_NODE_ENV, PRODUCTION_NODE_FLAGS } = await import('../../scripts/lib/app-process.js');
    const startProd = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts['start:prod'];
    const envPrefix = Object.entries(PRODUCTION_NODE_ENV).map(([k, v]) => `${k}=${v} `).join('');
    expect(startProd).toBe(`${envPrefix}node ${PRODUCTION_NODE_FLAGS.join(' ')} dist/src/main.js`);
    for (const [k, v] of Object.entries(PRODUCTION_NODE_ENV)) expect(finalStage).toContain(`ENV ${k}=${v}`);
    expect(finalStage).toContain(`CMD ${JSON.stringify(['node', ...PRODUCTION_NODE_FLAGS, 'dist/src/main.js'])}`.replace(/","/g, '", "'));
  });
});

describe('docker-compose.yml', () => {
  const api = compose.services.api ?? {};

  it('runs the API only under the prod profile, from the Dockerfile', () => {
    expect(api.profiles).toEqual(['prod']);
    expect(api.build).toBe('.');
  });

  it('hardens the API container', () => {
    expect(api.read_only).toBe(true);
    expect(api.cap_drop).toEqual(['ALL']);
    expect(api.security_opt).toContain('no-new-privileges:true');
    expect(api.environment?.NODE_ENV).toBe('production');
  });

  it('needs nothing but POSTGRES_PASSWORD on the default path: no other required variable (Compose checks every service)', () => {
    const required = [...readFileSync('docker-compose.yml', 'utf8').matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]);
    expect([...new Set(required)]).toEqual(['POSTGRES_PASSWORD']);
  });

  it('takes secrets from the environment or mounted secrets, never literals, and binds to loopback', () => {
    for (const [name, value] of Object.entries(api.environment ?? {})) {
      if (/SECRET|PASSWORD|TOKEN|KEYS|SMTP_URL|DATABASE_URL/.test(name)) expect(String(value)).toMatch(/\$\{/);
    }
    expect(api.environment?.JWT_PRIVATE_KEY_FILE).toMatch(/^\/run\/secrets\//);
    expect(compose.secrets).toHaveProperty('jwt_private_key');
    for (const service of Object.values(compose.services)) for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
  });
});

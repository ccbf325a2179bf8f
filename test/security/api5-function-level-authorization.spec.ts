import { randomUUID } from 'node:crypto';
import { Controller, Get, type INestApplication, type Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { dropDatabase, ensureDatabase, migrateDeploy } from '../../scripts/lib/database-admin.js';
import { AppModule } from '../../src/app.module.js';
import { APP_OPTIONS, configureApp } from '../../src/app.setup.js';
import { AppConfig, loadConfig } from '../../src/config/app-config.js';
import { buildOpenApiDocument } from '../../src/docs/openapi.js';
import { Role } from '../../src/generated/prisma/enums.js';
import { hasPermission, PERMISSIONS, type Permission } from '../../src/common/auth/permissions.js';
import { RouteInventory } from '../../src/modules/authorization/route-inventory.js';
import { createTestApp } from '../setup/create-test-app.js';
import { API, bearer, createPost, createUser, type TestUser } from '../setup/factories.js';
import { expectError, http, keysOf, prismaOf, PUBLIC_USER_KEYS } from './support/authz.js';

/**
 * OWASP API5:2023 Broken Function Level Authorization: deny by default (AC-01), every route
 * declared (route inventory), and the role x endpoint matrix equal to the policy table (AC-04).
 */

/**
 * The operations anyone may call. A route that becomes public must be added here on purpose
 * (docs/API.md §2 plans forgot-password, reset-password, mfa/verify and the Google endpoints).
 */
const PUBLIC_OPERATIONS = [
  'GET /.well-known/jwks.json',
  'GET /api/v1/auth/google',
  'GET /api/v1/auth/google/callback',
  'GET /health/live',
  'GET /health/ready',
  'POST /api/v1/auth/forgot-password',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/mfa/verify',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/register',
  'POST /api/v1/auth/verify-email',
  'POST /api/v1/auth/verify-email/resend',
  'POST /api/v1/auth/reset-password',
];

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type HttpMethod = (typeof HTTP_METHODS)[number];
type Operation = { method: HttpMethod; path: string; secured: boolean };

function operationsOf(doc: OpenAPIObject): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    HTTP_METHODS.flatMap((method) => {
      const op = item[method];
      if (!op) return [];
      const security = op.security ?? doc.security ?? [];
      return [{ method, path, secured: security.some((requirement) => Object.keys(requirement).length > 0) }];
    }),
  );
}

const label = (op: Pick<Operation, 'method' | 'path'>) => `${op.method.toUpperCase()} ${op.path}`;

/** Calls an operation with no credentials: random UUIDs for path parameters, `{}` as a body. */
function callAnonymously(app: INestApplication, op: Operation) {
  const req = http(app)[op.method](op.path.replace(/\{[^}]+\}/g, () => randomUUID()));
  return ['post', 'put', 'patch'].includes(op.method) ? req.send({}) : req;
}

/** An extra controller that forgets to declare @Public() or @Authenticated(). */
@Controller({ path: 'undeclared', version: '1' })
class UndeclaredController {
  @Get()
  forgotten(): { ok: boolean } {
    return { ok: true };
  }
}

/** The real app pipeline (configureApp) on AppModule, plus extra controllers or another config. */
async function bootApp(options: { controllers?: Type[]; config?: AppConfig }) {
  const builder = Test.createTestingModule({ imports: [AppModule], controllers: options.controllers ?? [] });
  if (options.config) builder.overrideProvider(AppConfig).useValue(options.config);
  const moduleRef = await builder.compile();
  return configureApp(moduleRef.createNestApplication<NestExpressApplication>(APP_OPTIONS), { shutdownHooks: false });
}

// ---- AC-04 matrix --------------------------------------------------------------------------

type MatrixCase = {
  permission: Permission;
  method: HttpMethod;
  what: string;
  /** Creates what the request acts on (another user's, unless the permission is :own) and returns its path. */
  arrange: (actor: TestUser) => Promise<string>;
  body?: object;
  allowed: (res: Response) => void;
  /** Default when the role lacks the permission: 403 Access denied. */
  denied?: (res: Response) => void;
};

const status = (code: number) => (res: Response) => expect(res.status).toBe(code);

describe('API5 function level authorization', () => {
  let app: INestApplication;
  let owner: TestUser;
  const actors = {} as Record<Role, TestUser>;

  beforeAll(async () => {
    app = await createTestApp();
    owner = await createUser(app);
    for (const role of Object.values(Role)) actors[role] = await createUser(app, role);
  });
  afterAll(async () => {
    await app.close();
  });

  describe('AC-01 deny by default', () => {
    it('AC-01 every secured operation in the OpenAPI document answers 401 without credentials', async () => {
      const secured = operationsOf(buildOpenApiDocument(app)).filter((op) => op.secured);
      expect(secured.length).toBeGreaterThan(10);
      for (const op of secured) {
        const res = await callAnonymously(app, op);
        expect({ op: label(op), status: res.status, body: res.body as unknown }).toEqual({
          op: label(op),
          status: 401,
          body: { error: 'Authentication required', requestId: expect.any(String) },
        });
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
    });

    it('AC-01 the public operations are exactly the expected list', () => {
      const pub = operationsOf(buildOpenApiDocument(app)).filter((op) => !op.secured).map(label);
      expect(pub.sort()).toEqual([...PUBLIC_OPERATIONS].sort());
    });
  });

  describe('route inventory', () => {
    it('AC-01 route inventory: every route declares @Public() or @Authenticated(), matching its OpenAPI security', () => {
      const routes = app.get(RouteInventory).routes();
      const undeclared = routes.filter((r) => r.auth?.kind !== 'public' && r.auth?.kind !== 'authenticated');
      expect(undeclared).toEqual([]);
      const ops = operationsOf(buildOpenApiDocument(app));
      // GET /metrics is for the Prometheus scraper, behind its own token, and deliberately left
      // out of the public API document; every other route must appear there.
      const documented = routes.filter((r) => r.controller !== 'MetricsController');
      const count = (kind: string) => documented.filter((r) => r.auth?.kind === kind).length;
      expect({ public: count('public'), authenticated: count('authenticated') }).toEqual({
        public: ops.filter((op) => !op.secured).length,
        authenticated: ops.filter((op) => op.secured).length,
      });
    });

    it('AC-01 route inventory: an app with an undeclared route refuses to boot, naming the route', async () => {
      const bad = await bootApp({ controllers: [UndeclaredController] });
      try {
        await expect(bad.init()).rejects.toThrow('UndeclaredController.forgotten');
      } finally {
        await bad.close();
      }
    });
  });

  describe('AC-04 role x endpoint matrix, generated from ROLE_PERMISSIONS', () => {
    /** The path of a fresh post by `author`, or of a fresh USER's admin sub-resource. */
    const postOf = async (author: TestUser, isPublished: boolean) =>
      `/posts/${(await createPost(app, author, { title: 'Matrix post', isPublished })).id}`;
    const freshUser = async (sub: string) => `/admin/users/${(await createUser(app)).id}/${sub}`;
    /** A fresh comment by `author` on a published post of the owner's. */
    const commentOf = async (author: TestUser) => {
      const post = await createPost(app, owner, { title: 'Matrix post', isPublished: true });
      const res = await http(app).post(`${API}/posts/${post.id}/comments`).set(bearer(author.accessToken)).send({ content: 'Matrix comment' });
      expect(res.status).toBe(201);
      return `/comments/${res.body.id}`;
    };

    const CASES: MatrixCase[] = [
      {
        permission: 'users:read:any', method: 'get', what: '/admin/users',
        arrange: async () => '/admin/users', allowed: status(200),
      },
      {
        permission: 'audit:read', method: 'get', what: '/admin/audit-events',
        arrange: async () => '/admin/audit-events', allowed: status(200),
      },
      {
        permission: 'users:manage', method: 'patch', what: '/admin/users/:id/plan',
        arrange: () => freshUser('plan'), body: { plan: 'PREMIUM' }, allowed: status(200),
      },
      {
        permission: 'users:manage', method: 'patch', what: '/admin/users/:id/role',
        arrange: () => freshUser('role'), body: { role: Role.user }, allowed: status(200),
      },
      {
        permission: 'users:manage', method: 'delete', what: '/admin/users/:id/sessions',
        arrange: () => freshUser('sessions'), allowed: status(204),
      },
      {
        permission: 'users:read:any', method: 'get', what: "/users/:id (another user's email)",
        arrange: async () => `/users/${owner.id}`,
        allowed: (res) => {
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ id: owner.id, email: owner.email, role: Role.user });
        },
        denied: (res) => {
          expect(res.status).toBe(200);
          expect(keysOf(res.body)).toEqual(PUBLIC_USER_KEYS);
        },
      },
      {
        permission: 'posts:create', method: 'post', what: '/posts',
        arrange: async () => '/posts', body: { title: 'New post', content: 'x' }, allowed: status(201),
      },
      {
        permission: 'posts:read:published', method: 'get', what: "another user's published post",
        arrange: () => postOf(owner, true), allowed: status(200),
      },
      {
        permission: 'posts:read:any', method: 'get', what: "another user's draft",
        arrange: () => postOf(owner, false), allowed: status(200),
      },
      {
        permission: 'posts:update:any', method: 'patch', what: "another user's published post",
        arrange: () => postOf(owner, true), body: { title: 'Moderated' }, allowed: status(200),
      },
      {
        permission: 'posts:delete:any', method: 'delete', what: "another user's published post",
        arrange: () => postOf(owner, true), allowed: status(204),
      },
      {
        permission: 'posts:read:own', method: 'get', what: 'own draft',
        arrange: (actor) => postOf(actor, false), allowed: status(200),
      },
      {
        permission: 'posts:update:own', method: 'patch', what: 'own draft',
        arrange: (actor) => postOf(actor, false), body: { title: 'Edited' }, allowed: status(200),
      },
      {
        permission: 'posts:delete:own', method: 'delete', what: 'own draft',
        arrange: (actor) => postOf(actor, false), allowed: status(204),
      },
      {
        permission: 'comments:create', method: 'post', what: "a comment on another user's published post",
        arrange: async () => `${await postOf(owner, true)}/comments`, body: { content: 'Hello' }, allowed: status(201),
      },
      {
        permission: 'comments:update:own', method: 'patch', what: 'own comment',
        arrange: (actor) => commentOf(actor), body: { content: 'Edited' }, allowed: status(200),
      },
      {
        permission: 'comments:delete:own', method: 'delete', what: 'own comment',
        arrange: (actor) => commentOf(actor), allowed: status(204),
      },
      {
        permission: 'comments:update:any', method: 'patch', what: "another user's comment",
        arrange: () => commentOf(owner), body: { content: 'Moderated' }, allowed: status(200),
      },
      {
        permission: 'comments:delete:any', method: 'delete', what: "another user's comment on another user's post",
        arrange: () => commentOf(owner), allowed: status(204),
      },
    ];

    const MATRIX = Object.values(Role).flatMap((role) =>
      CASES.map((c) => {
        const granted = hasPermission(role, c.permission);
        const name = `${role} ${c.method.toUpperCase()} ${c.what} (${c.permission}): ${granted ? 'allowed' : 'denied'}`;
        return { ...c, role, granted, name };
      }),
    );

    it.each(MATRIX)('AC-04 $name', async ({ role, method, arrange, body, granted, allowed, denied }) => {
      const actor = actors[role];
      const req = http(app)[method](`${API}${await arrange(actor)}`).set(bearer(actor.accessToken));
      const res = await (body ? req.send(body) : req);
      if (granted) allowed(res);
      else (denied ?? ((r: Response) => expectError(r, 403, 'Access denied')))(res);
    });

    it('AC-04 every permission a route declares is exercised by the matrix', () => {
      // audit:read (GET /admin/audit-events, docs/API.md §3) has no route yet: once one declares it,
      // this fails until a matrix case covers it.
      const covered = new Set(CASES.map((c) => c.permission));
      const declared = app
        .get(RouteInventory)
        .routes()
        .flatMap((r) => (r.auth?.kind === 'authenticated' ? r.auth.permissions : []));
      expect(declared.filter((p) => !covered.has(p as Permission))).toEqual([]);
      expect(PERMISSIONS.filter((p) => !covered.has(p))).toEqual([]);
    });
  });

  describe('AC-04 method override', () => {
    it.each(['X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override'])(
      'AC-04 %s: DELETE on a POST or GET is refused (400, never honoured), the post survives',
      async (header) => {
        const { id } = await createPost(app, owner, { title: 'Override target' });
        const headers = { ...bearer(owner.accessToken), [header]: 'DELETE' };
        const viaPost = await http(app).post(`${API}/posts/${id}?_method=DELETE`).set(headers).send({});
        expectError(viaPost, 400);
        const viaGet = await http(app).get(`${API}/posts/${id}?_method=DELETE`).set(headers);
        expectError(viaGet, 400);
        expect(await prismaOf(app).post.count({ where: { id } })).toBe(1);
        // Without the header, the query parameter alone changes nothing either.
        const plainGet = await http(app).get(`${API}/posts/${id}?_method=DELETE`).set(bearer(owner.accessToken));
        expect(plainGet.status).toBe(200);
        expect(plainGet.body.id).toBe(id);
      },
    );
  });

  /**
   * "The last admin cannot be demoted" needs a database where this test knows every admin. The
   * other suites run in parallel on the shared database and create admins at any moment, so there
   * the last admin is a moving target, and demoting their admins to get one would break them.
   * These tests therefore run the real app on a database of their own (same server, migrated the
   * same way, dropped afterwards). They run in order and share its state.
   */
  describe('AC-04 the last admin (on an isolated database)', () => {
    let iso: INestApplication;
    let database: string;
    let serverUrl: string;
    let first: TestUser;
    const adminCount = () => prismaOf(iso).user.count({ where: { role: Role.admin } });
    const changeRole = (actor: TestUser, target: TestUser, role: Role) =>
      http(iso).patch(`${API}/admin/users/${target.id}/role`).set(bearer(actor.accessToken)).send({ role });

    beforeAll(async () => {
      serverUrl = app.get(AppConfig).database.url;
      database = `${new URL(serverUrl).pathname.slice(1)}_admins`;
      const url = await ensureDatabase(serverUrl, database);
      migrateDeploy(url);
      iso = await bootApp({ config: loadConfig({ ...process.env, DATABASE_URL: url }) });
      await iso.init();
    }, 60_000);
    afterAll(async () => {
      await iso?.close();
      await dropDatabase(serverUrl, database);
    });

    it('AC-04 demoting one of two admins works; the last admin cannot be demoted (409)', async () => {
      first = await createUser(iso, Role.admin);
      const second = await createUser(iso, Role.admin);
      expect(await adminCount()).toBe(2);

      const demoted = await changeRole(first, second, Role.user);
      expect(demoted.status).toBe(200);
      expect(demoted.body.role).toBe(Role.user);

      const refused = await changeRole(first, first, Role.moderator);
      expectError(refused, 409, 'The last admin cannot be demoted');
      expect(await prismaOf(iso).user.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({ role: Role.admin });
      expect(await adminCount()).toBe(1);
    });

    it('AC-04 three admins demoting themselves at once: two succeed, one stays admin', async () => {
      const admins = [first, await createUser(iso, Role.admin), await createUser(iso, Role.admin)];
      expect(await adminCount()).toBe(3);
      const results = await Promise.all(admins.map((a) => changeRole(a, a, Role.user)));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 409]);
      expect(await adminCount()).toBe(1);
    });
  });
});

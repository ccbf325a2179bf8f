import { Controller, Get, Param, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { AppModule } from '../../src/app.module.js';
import { APP_OPTIONS, configureApp } from '../../src/app.setup.js';
import { Public } from '../../src/common/auth/public.decorator.js';
import { PrismaService } from '../../src/database/prisma.service.js';
import { API, bearer, createUser } from '../setup/factories.js';

/** Things that must never reach a client: stack frames, SQL, Prisma codes, paths, library names. */
const LEAKS = [/at \w+ \(/, /\.ts:\d+/, /node_modules/, /\/work\//, /SELECT|INSERT|UPDATE .* SET/i, /P2\d{3}/, /prisma/i, /postgres/i, /express/i, /nestjs/i];

function expectStandardError(res: request.Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toEqual({ error, requestId: res.headers['x-request-id'] });
  for (const leak of LEAKS) expect(res.text).not.toMatch(leak);
}

@Controller({ path: 'test-faults', version: '1' })
class FaultController {
  constructor(private readonly prisma: PrismaService) {}

  @Get('throw')
  @Public()
  throwPlain(): never {
    throw new Error('SELECT password_hash FROM users at /work/main/src/secret.ts:12');
  }

  /** A write that a unique constraint refuses (registration itself never answers 409: §11). */
  @Get('duplicate/:email')
  @Public()
  async duplicate(@Param('email') email: string): Promise<unknown> {
    return this.prisma.user.create({ data: { email, name: 'Dup', passwordHash: null }, select: { id: true } });
  }

  @Get('bad-sql')
  @Public()
  async badSql(): Promise<unknown> {
    return this.prisma.$queryRawUnsafe('SELECT * FROM table_that_does_not_exist');
  }
}

describe('API8 security misconfiguration: error responses', () => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule], controllers: [FaultController] }).compile();
    app = configureApp(moduleRef.createNestApplication<NestExpressApplication>(APP_OPTIONS), { shutdownHooks: false });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
  });

  it('ERR-01 malformed JSON gets the standard 400 body', async () => {
    const res = await http().post(`${API}/auth/login`).set('Content-Type', 'application/json').send('{"email": "a@b.c", ');
    expectStandardError(res, 400, 'Malformed JSON body');
  });

  it('ERR-01 a duplicate unique field gets 409 with no database detail', async () => {
    const user = await createUser(app);
    const res = await http().get(`${API}/test-faults/duplicate/${encodeURIComponent(user.email)}`);
    expectStandardError(res, 409, 'Resource already exists');
  });

  it('ERR-01 a forced 500 (thrown error, failing SQL) gets a generic body', async () => {
    expectStandardError(await http().get(`${API}/test-faults/throw`), 500, 'Internal server error');
    expectStandardError(await http().get(`${API}/test-faults/bad-sql`), 500, 'Internal server error');
  });

  it('ERR-01 framework errors are normalized: unknown route, wrong method, bad id', async () => {
    const user = await createUser(app);
    expectStandardError(await http().get(`${API}/does-not-exist`), 404, 'Not found');
    expectStandardError(await http().put(`${API}/posts`).set(bearer(user.accessToken)), 404, 'Not found');
    const badId = await http().get(`${API}/posts/abc`).set(bearer(user.accessToken));
    expect(badId.status).toBe(400);
    expect(badId.body.details).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
  });

  it('ERR-01 responses carry no X-Powered-By and no version banner', async () => {
    const res = await http().get(`${API}/test-faults/throw`);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers.server).toBeUndefined();
  });
});

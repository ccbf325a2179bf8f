import { describe, expect, it } from '@jest/globals';
import { createPublicKey } from 'node:crypto';
import request from 'supertest';
import { useTestApp } from '../setup/create-test-app.js';

describe('health, JWKS and request ids (e2e)', () => {
  const getApp = useTestApp();
  const http = () => request(getApp().getHttpServer());

  it('GET /health/live and /health/ready answer 200 without credentials', async () => {
    expect((await http().get('/health/live')).body).toEqual({ status: 'ok' });
    const ready = await http().get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.database.status).toBe('up');
  });

  it('GET /.well-known/jwks.json serves usable RSA public keys only', async () => {
    const res = await http().get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.body.keys.length).toBeGreaterThanOrEqual(1);
    for (const jwk of res.body.keys) {
      expect(jwk).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: expect.any(String) });
      expect(jwk.d).toBeUndefined();
      expect(createPublicKey({ key: jwk, format: 'jwk' }).asymmetricKeyType).toBe('rsa');
    }
  });

  it('echoes a UUID X-Request-Id and replaces anything else', async () => {
    const id = '3f2b9c1e-8a7d-4e6f-9b0a-1c2d3e4f5a6b';
    expect((await http().get('/health/live').set('X-Request-Id', id)).headers['x-request-id']).toBe(id);
    const forged = await http().get('/health/live').set('X-Request-Id', 'evil\\r\\nInjected: 1');
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown paths with the standard 404 body', async () => {
    for (const path of ['/nope', '/api/v1/nope', '/.env', '/.git/HEAD']) {
      const res = await http().get(path);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'Not found', requestId: expect.any(String) });
    }
  });
});

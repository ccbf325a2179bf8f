import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { useTestApp } from '../setup/create-test-app.js';
import { API } from '../setup/factories.js';

describe('deprecated versions and routes (e2e)', () => {
  const getApp = useTestApp({ API_DEPRECATIONS: '/api/v1/posts|2026-12-01|2027-06-01T00:00:00Z|/api/v2/posts' });
  const http = () => request(getApp().getHttpServer());

  it('marks a deprecated route with Deprecation, Sunset and a successor Link', async () => {
    const res = await http().get(`${API}/posts`);
    expect(res.status).toBe(401);
    expect(res.headers.deprecation).toBe(`@${Date.parse('2026-12-01') / 1000}`);
    expect(res.headers.sunset).toBe('Tue, 01 Jun 2027 00:00:00 GMT');
    expect(res.headers.link).toBe('</api/v2/posts>; rel="successor-version"');
  });

  it('leaves the other routes alone', async () => {
    const res = await http().get(`${API}/users/me`);
    expect(res.headers.deprecation).toBeUndefined();
    expect(res.headers.sunset).toBeUndefined();
  });
});

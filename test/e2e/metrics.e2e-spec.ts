import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { parse } from 'yaml';
import { SUSPICIOUS_INPUT_REASONS } from '../../src/common/http/suspicious-input.js';
import { ACCESS_ANOMALY_KINDS } from '../../src/modules/metrics/metrics.service.js';
import { useTestApp } from '../setup/create-test-app.js';
import { API } from '../setup/factories.js';

const TOKEN = 'metrics-token-for-the-e2e-suite-0123456789';

/** PromQL words that are functions or keywords, not metric names. */
const PROMQL_WORDS = new Set(['sum', 'rate', 'increase', 'histogram_quantile', 'by', 'le', 'status', 'state']);

function metricNames(expr: string): string[] {
  const withoutLabels = expr.replace(/\{[^}]*\}/g, '').replace(/\[[^\]]*\]/g, '');
  return [...new Set(withoutLabels.match(/[a-z_][a-z0-9_]*/g) ?? [])].filter((w) => !PROMQL_WORDS.has(w));
}

describe('metrics (e2e)', () => {
  const getApp = useTestApp({ METRICS_TOKEN: TOKEN });
  const http = () => request(getApp().getHttpServer());
  const scrape = () => http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`);

  it('answers only the scraper token, and is a 404 otherwise', async () => {
    expect((await http().get('/metrics')).status).toBe(404);
    expect((await http().get('/metrics').set('Authorization', 'Bearer wrong')).status).toBe(404);
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('counts requests by route template and status, and auth failures by reason', async () => {
    await http().get(`${API}/posts/9d2c1f7e-5a3b-4c8d-9e0f-1a2b3c4d5e6f`);
    await http().post(`${API}/auth/login`).send({ email: 'nobody@example.com', password: 'not the password' });
    const text = (await scrape()).text;
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/posts\/:id",status="401"\} \d+/);
    expect(text).toMatch(/http_request_duration_seconds_bucket\{.*route="\/api\/v1\/auth\/login".*\}/);
    expect(text).toMatch(/auth_failures_total\{reason="Invalid credentials"\} \d+/);
    expect(text).toMatch(/security_events_total\{type="LOGIN_FAILED",outcome="failure"\} \d+/);
    expect(text).toMatch(/db_pool_connections\{state="total"\} \d+/);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('every detection series exists at 0 from the start, so the first event is an increase the alerts see', async () => {
    const text = (await scrape()).text;
    for (const reason of SUSPICIOUS_INPUT_REASONS) {
      expect(text).toMatch(new RegExp(`suspicious_requests_total\\{reason="${reason}"\\} \\d+`));
      expect(text).toMatch(new RegExp(`suspicious_events_suppressed_total\\{reason="${reason}"\\} \\d+`));
    }
    for (const kind of ACCESS_ANOMALY_KINDS) expect(text).toMatch(new RegExp(`access_anomalies_total\\{kind="${kind}"\\} \\d+`));
  });

  it('every metric the alert rules use exists in /metrics', async () => {
    const rules = parse(readFileSync('ops/prometheus/alerts.yml', 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const exprs = rules.groups.flatMap((g) => g.rules.map((r) => r.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(5);
    const text = (await scrape()).text;
    const missing = exprs.flatMap(metricNames).filter((name) => !new RegExp(`^(# (HELP|TYPE) )?${name}[ {]`, 'm').test(text));
    expect(missing).toEqual([]);
  });

  it('the security alerts are there as specified: HighAuthFailures, SuspiciousInputSpike, AccessPatternAnomaly', () => {
    const rules = parse(readFileSync('ops/prometheus/alerts.yml', 'utf8')) as { groups: { rules: { alert: string; expr: string; for?: string; labels: { severity: string } }[] }[] };
    const byName = new Map(rules.groups.flatMap((g) => g.rules).map((r) => [r.alert, r]));
    expect(byName.get('HighAuthFailures')).toMatchObject({ expr: 'rate(auth_failures_total[5m]) > 10', for: '2m', labels: { severity: 'critical' } });
    expect(byName.get('SuspiciousInputSpike')?.expr).toContain('suspicious_requests_total');
    expect(byName.get('AccessPatternAnomaly')).toMatchObject({ expr: 'increase(access_anomalies_total[5m]) > 0', labels: { severity: 'warning' } });
  });
});

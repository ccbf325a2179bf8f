import http from 'node:http';
import type { AddressInfo } from 'node:net';

type Upstream = { url: string; healthy: boolean; removed: boolean };

const PROBE_EVERY_MS = 100;
/** A busy instance may answer its probe slowly; a draining one answers 503 at once. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * The smallest load balancer that behaves like a real one for a rolling restart: round robin over
 * the upstreams whose readiness probe (`/health/ready`, each upstream on its own loop, 100 ms
 * after the previous answer, so a slow one never delays the others) last answered 200, a fresh
 * upstream connection per request, no retries (a request sent to an instance is that instance's
 * to answer). It answers 502 itself when an upstream fails, so a test sees every failure.
 */
export class Balancer {
  private readonly upstreams: Upstream[] = [];
  private next = 0;
  private readonly server: http.Server;
  url = '';

  constructor() {
    this.server = http.createServer((req, res) => this.forward(req, res));
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  add(url: string): void {
    const upstream: Upstream = { url, healthy: false, removed: false };
    this.upstreams.push(upstream);
    void this.probe(upstream);
  }

  remove(url: string): void {
    const i = this.upstreams.findIndex((u) => u.url === url);
    if (i >= 0) this.upstreams.splice(i, 1)[0]!.removed = true;
  }

  healthyCount(): number {
    return this.upstreams.filter((u) => u.healthy).length;
  }

  async close(): Promise<void> {
    for (const u of this.upstreams.splice(0)) u.removed = true;
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  /** One upstream's probe loop, until it is removed: one probe at a time, so answers never arrive out of order. */
  private async probe(u: Upstream): Promise<void> {
    while (!u.removed) {
      u.healthy = await fetch(`${u.url}/health/ready`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }).then(
        (r) => r.status === 200,
        () => false,
      );
      await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
    }
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const healthy = this.upstreams.filter((u) => u.healthy);
    if (healthy.length === 0) {
      res.writeHead(502).end('no healthy upstream');
      return;
    }
    const upstream = healthy[this.next++ % healthy.length]!;
    const headers = { ...req.headers, connection: 'close' };
    const out = http.request(`${upstream.url}${req.url}`, { method: req.method, headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end('upstream failed');
      else res.destroy();
    });
    req.pipe(out);
  }
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';

type Upstream = { url: string; healthy: boolean };

/**
 * The smallest load balancer that behaves like a real one for a rolling restart: round robin over
 * the upstreams whose readiness probe (`/health/ready`, every 100 ms) last answered 200, a fresh
 * upstream connection per request, no retries (a request sent to an instance is that instance's
 * to answer). It answers 502 itself when an upstream fails, so a test sees every failure.
 */
export class Balancer {
  private readonly upstreams: Upstream[] = [];
  private next = 0;
  private readonly server: http.Server;
  private timer: NodeJS.Timeout | undefined;
  url = '';

  constructor() {
    this.server = http.createServer((req, res) => this.forward(req, res));
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.timer = setInterval(() => void this.probe(), 100);
    return this.url;
  }

  add(url: string): void {
    this.upstreams.push({ url, healthy: false });
  }

  remove(url: string): void {
    const i = this.upstreams.findIndex((u) => u.url === url);
    if (i >= 0) this.upstreams.splice(i, 1);
  }

  healthyCount(): number {
    return this.upstreams.filter((u) => u.healthy).length;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private async probe(): Promise<void> {
    await Promise.all(
      this.upstreams.map(async (u) => {
        u.healthy = await fetch(`${u.url}/health/ready`, { signal: AbortSignal.timeout(500) }).then(
          (r) => r.status === 200,
          () => false,
        );
      }),
    );
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

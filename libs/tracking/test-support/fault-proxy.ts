// An HTTP proxy on 127.0.0.1 in front of the test MLflow server that injects
// faults on demand (status codes with headers, hangs, a forwarded request whose
// answer is replaced by an error) and records every request it sees.
import * as http from 'http';
import * as https from 'https';
import type { AddressInfo } from 'net';

export interface Fault {
  /** Which requests: a substring of the path (e.g. 'runs/log-batch'); any when omitted. */
  match?: string;
  /** How many matching requests get this fault. */
  times: number;
  /** Answer with this status (and headers/body) without forwarding. */
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Hold the request this long before doing anything (a slow or hung server). */
  delayMs?: number;
  /** Forward the request to the server, then answer `status` instead of the server's answer (a lost response). */
  forwardThenFail?: boolean;
}

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** What the client got back. */
  status: number;
  at: number;
}

export class FaultProxy {
  readonly seen: SeenRequest[] = [];
  private faults: Fault[] = [];
  private server!: http.Server | https.Server;
  private readonly agent = new http.Agent({ keepAlive: true });
  url = '';

  constructor(
    private readonly target: string,
    /** Serve HTTPS with this key and certificate. */
    private readonly tls?: { key: string; cert: string },
  ) {}

  async start(): Promise<this> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res);
    this.server = this.tls ? https.createServer(this.tls, handler) : http.createServer(handler);
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `${this.tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>((r) => this.server.close(() => r()));
    this.agent.destroy();
  }

  inject(f: Fault): this {
    this.faults.push({ ...f });
    return this;
  }

  clear(): void {
    this.faults = [];
    this.seen.length = 0;
  }

  requests(match?: string): SeenRequest[] {
    return this.seen.filter((r) => !match || r.path.includes(match));
  }

  private take(path: string): Fault | undefined {
    const f = this.faults.find((x) => x.times > 0 && (!x.match || path.includes(x.match)));
    if (f) f.times--;
    return f;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const rec: SeenRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: body.toString('utf8'), status: 0, at: Date.now() };
    this.seen.push(rec);
    const fault = this.take(rec.path);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (res.destroyed || req.socket.destroyed) return;
    if (fault && fault.status !== undefined && !fault.forwardThenFail) {
      rec.status = fault.status;
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(fault.body ?? JSON.stringify({ error_code: 'TEMPORARILY_UNAVAILABLE', message: `injected ${fault.status}` }));
      return;
    }
    const upstream = await this.forward(req, body);
    if (fault?.forwardThenFail) {
      rec.status = fault.status ?? 503;
      res.writeHead(rec.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error_code: 'TEMPORARILY_UNAVAILABLE', message: 'injected: the answer was lost' }));
      return;
    }
    rec.status = upstream.status;
    res.writeHead(upstream.status, upstream.headers);
    res.end(upstream.body);
  }

  private forward(req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.OutgoingHttpHeaders; body: Buffer }> {
    const t = new URL(this.target);
    return new Promise((resolve) => {
      const headers = { ...req.headers, host: t.host };
      const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers, agent: this.agent }, (r) => {
        const parts: Buffer[] = [];
        r.on('data', (c: Buffer) => parts.push(c));
        r.on('end', () => {
          const h = { ...r.headers };
          delete h['transfer-encoding'];
          delete h.connection;
          resolve({ status: r.statusCode ?? 502, headers: h, body: Buffer.concat(parts) });
        });
      });
      up.on('error', (e) => resolve({ status: 502, headers: { 'content-type': 'text/plain' }, body: Buffer.from(`proxy: ${e.message}`) }));
      up.end(body);
    });
  }
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A canned answer. `body` objects are sent as JSON. */
export interface LoopbackReply {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array | object;
  /** Wait this long before answering (for timeout tests; the server's close() cuts it short). */
  delayMs?: number;
  /** Announce the full content-length but send only this many bytes, then drop the connection. */
  truncateAt?: number;
}

export interface LoopbackRequest {
  method: string;
  /** Path with query string. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Full control: write the answer yourself. `count` is how many times this route was hit before (0-based). */
export type LoopbackHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  info: { url: URL; body: Buffer; count: number },
) => void | Promise<void>;

/**
 * A route answers with a handler, a reply, or a list of replies: the n-th request gets the n-th reply and the
 * last one repeats (e.g. `[{status: 429, headers: {'retry-after': '1'}}, {body: {...}}]`).
 */
export type LoopbackRoute = LoopbackHandler | LoopbackReply | LoopbackReply[];

export interface Loopback {
  /** http://127.0.0.1:<port>, no trailing slash. */
  url: string;
  port: number;
  /** Every request received, in order. */
  requests: LoopbackRequest[];
  close(): Promise<void>;
}

function toBuffer(body: LoopbackReply['body']): { data: Buffer; json: boolean } {
  if (body === undefined) return { data: Buffer.alloc(0), json: false };
  if (typeof body === 'string') return { data: Buffer.from(body), json: false };
  if (body instanceof Uint8Array) return { data: Buffer.from(body), json: false };
  return { data: Buffer.from(JSON.stringify(body)), json: true };
}

async function sendReply(res: ServerResponse, reply: LoopbackReply, closing: AbortSignal): Promise<void> {
  if (reply.delayMs) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, reply.delayMs);
      closing.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
    if (res.destroyed || closing.aborted) return;
  }
  const { data, json } = toBuffer(reply.body);
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  const has = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
  if (!has('content-type') && json) headers['content-type'] = 'application/json';
  if (!has('content-length')) headers['content-length'] = String(data.byteLength);
  res.writeHead(reply.status ?? 200, headers);
  if (reply.truncateAt !== undefined) {
    res.write(data.subarray(0, reply.truncateAt), () => res.socket?.destroy());
    return;
  }
  res.end(data);
}

/**
 * Starts an HTTP server on 127.0.0.1 with a free port, answering `routes` keyed by `"METHOD /path"` or
 * `"/path"` (any method); a key ending in `*` matches any path with that prefix. Query strings are ignored
 * for matching. Unmatched requests get a JSON 404. Used by plugin tests in place of real endpoints.
 */
export async function startLoopback(routes: Record<string, LoopbackRoute>): Promise<Loopback> {
  const requests: LoopbackRequest[] = [];
  const hits = new Map<string, number>();
  const closing = new AbortController();
  const keys = Object.keys(routes);

  const find = (method: string, path: string): string | undefined => {
    const matches = (pattern: string) => (pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern);
    return (
      keys.find((k) => k.includes(' ') && k.split(' ')[0] === method && matches(k.split(' ')[1]!)) ??
      keys.find((k) => !k.includes(' ') && matches(k))
    );
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = req.method ?? 'GET';
      requests.push({ method, path: url.pathname + url.search, headers: { ...req.headers }, body: body.toString('utf8') });
      const key = find(method, url.pathname);
      const run = async () => {
        if (key === undefined) return sendReply(res, { status: 404, body: { error: `no route for ${method} ${url.pathname}` } }, closing.signal);
        const count = hits.get(key) ?? 0;
        hits.set(key, count + 1);
        const route = routes[key]!;
        if (typeof route === 'function') return route(req, res, { url, body, count });
        const reply = Array.isArray(route) ? route[Math.min(count, route.length - 1)] : route;
        return sendReply(res, reply ?? {}, closing.signal);
      };
      run().catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: async () => {
      closing.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

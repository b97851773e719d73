import { createHash, randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { basename, dirname, join } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { DataMasterError } from '../errors.ts';
import { HTTP_ALLOW_ENV, NetGuard, pinnedLookup, type GuardRefusal, type HostResolver, type ResolvedAddress } from './net-guard.ts';
import { redactUrl, type Redactor } from './redact.ts';
import type { HttpClient, HttpRequestOptions, HttpResponse, Logger } from './types.ts';

/** Limits used when a request names none. */
export interface HttpLimits {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  retries: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  timeoutMs: 30_000,
  maxBytes: 256 * 1024 * 1024,
  maxRedirects: 5,
  retries: 3,
};

export interface HttpClientOptions {
  limits?: Partial<HttpLimits>;
  /** First backoff wait; doubles on each retry (no jitter, so tests are deterministic). */
  backoffBaseMs?: number;
  /** Upper bound on any single wait between attempts, Retry-After included. */
  maxRetryWaitMs?: number;
  /** Replaces secret values in error messages and log lines. */
  redact?: Redactor;
  logger?: Logger;
  /** Headers sent on every request (a request's own headers win). */
  headers?: Record<string, string>;
  userAgent?: string;
  /** Cancels every request of this client (the plugin context's signal). */
  signal?: AbortSignal;
  /** Waits between attempts; tests pass one that records the waits instead of sleeping. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Clock for Retry-After HTTP dates. */
  now?: () => number;
  /**
   * Internal targets let through anyway: host names (`mirror.internal`, `*.corp.example`), IPs, CIDRs, each
   * optionally with `:port` (`127.0.0.1:8080`, `[::1]:8080`). Everything else that is or resolves to a loopback,
   * private, link-local, CGNAT, unique-local, multicast or otherwise internal address is refused (E_HTTP_BLOCKED).
   */
  allow?: string | readonly string[];
  /** Resolves host names to all their addresses (default: dns.lookup with all: true); tests inject their own. */
  resolve?: HostResolver;
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Retry-After is either delta-seconds or an HTTP date; returns milliseconds to wait, or undefined. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function isJsonType(contentType: string): boolean {
  return /^(application|text)\/json\b/.test(contentType) || /^[a-z]+\/[^;]*\+json\b/.test(contentType);
}

function mediaType(headers: Headers): string {
  return (headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

function headersToRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

interface BodySink {
  write(chunk: Uint8Array): Promise<void>;
}

/** One answered request: status, headers and the (decoded) body stream. */
interface Exchange {
  status: number;
  headers: Headers;
  body: Readable;
  /** Drops the body (and its connection). */
  discard(): void;
}

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

function toHeaders(raw: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i]!, raw[i + 1]!);
    } catch {
      // a header value the Fetch API cannot hold (non-Latin-1): nothing this client reads, skip it
    }
  }
  return headers;
}

/** Content-Encoding decoders, outermost last in the header, so undone in reverse (as fetch does). */
function decoders(encoding: string | null): NodeJS.ReadWriteStream[] | undefined {
  if (!encoding) return [];
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const out: NodeJS.ReadWriteStream[] = [];
  for (const coding of encoding.toLowerCase().split(',').map((c) => c.trim()).filter((c) => c && c !== 'identity').reverse()) {
    if (coding === 'gzip' || coding === 'x-gzip') out.push(zlib.createGunzip(flush));
    else if (coding === 'deflate') out.push(zlib.createInflate(flush));
    else if (coding === 'br') out.push(zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH }));
    else return undefined; // unknown coding: hand the body over as sent
  }
  return out;
}

/**
 * The plugin's HTTP client, on node:http and node:https. Every request gets a time limit, a size limit enforced
 * while streaming, manually followed redirects, and retries with exponential backoff that honour Retry-After.
 * Before each connection, and again on every redirect hop, the host is resolved and refused (E_HTTP_BLOCKED) when
 * any address is internal, unless the allow list names it; the socket then connects only to the checked addresses.
 * Messages never carry credentials: URLs are stripped of token parameters and known secrets.
 */
export class LimitedHttpClient implements HttpClient {
  private readonly limits: HttpLimits;
  private readonly backoffBaseMs: number;
  private readonly maxRetryWaitMs: number;
  private readonly redact: Redactor;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private readonly guard: NetGuard;
  // This client's own connection pools: a socket is only ever reused by the client (plugin) whose guard checked it.
  private readonly httpAgent = new http.Agent({ keepAlive: true, timeout: 4_000 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, timeout: 4_000 });

  constructor(private readonly options: HttpClientOptions = {}) {
    this.limits = { ...DEFAULT_HTTP_LIMITS, ...stripUndefined(options.limits ?? {}) };
    this.backoffBaseMs = options.backoffBaseMs ?? 500;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 60_000;
    this.redact = options.redact ?? ((s) => s);
    this.sleep = options.sleep ?? abortableSleep;
    this.now = options.now ?? Date.now;
    this.guard = new NetGuard({ ...(options.allow !== undefined ? { allow: options.allow } : {}), ...(options.resolve ? { resolve: options.resolve } : {}) });
  }

  /** The allow entries in force (as written), for diagnostics. */
  get allowList(): string[] {
    return this.guard.rules.map((r) => r.text);
  }

  async request(url: string, opts: HttpRequestOptions = {}): Promise<HttpResponse> {
    const chunks: Uint8Array[] = [];
    const { res, finalUrl, bytes } = await this.send(url, opts, async () => ({
      write: async (chunk) => {
        chunks.push(chunk);
      },
    }));
    const body = new Uint8Array(bytes);
    let at = 0;
    for (const c of chunks) {
      body.set(c, at);
      at += c.byteLength;
    }
    return { status: res.status, url: finalUrl, headers: headersToRecord(res.headers), body };
  }

  async json<T>(url: string, opts: HttpRequestOptions = {}): Promise<T> {
    const headers = { accept: 'application/json', ...(opts.headers ?? {}) };
    const res = await this.request(url, { ...opts, headers, accept: opts.accept ?? ['json'] });
    const text = new TextDecoder().decode(res.body);
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new DataMasterError(
        'E_HTTP_JSON',
        `${this.where(res.url)}: response is not valid JSON (${(err as Error).message}); check the endpoint URL`,
        { url: this.where(res.url) },
      );
    }
  }

  async download(url: string, file: string, opts: HttpRequestOptions = {}): Promise<{ bytes: number; sha256: string; contentType: string }> {
    // Write beside the target and rename at the end, so a failed download never leaves a partial file.
    const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.part`);
    const hash = createHash('sha256');
    let handle: Awaited<ReturnType<typeof open>> | undefined;
    try {
      const { res, bytes } = await this.send(url, opts, async () => {
        handle ??= await open(temp, 'w');
        const h = handle;
        return {
          write: async (chunk) => {
            hash.update(chunk);
            await h.write(chunk);
          },
        };
      });
      handle ??= await open(temp, 'w'); // an empty body still makes an (empty) file
      await handle.close();
      handle = undefined;
      await rename(temp, file);
      return { bytes, sha256: hash.digest('hex'), contentType: res.headers.get('content-type') ?? '' };
    } catch (err) {
      await handle?.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw err;
    }
  }

  /** Runs attempts until one returns a final response whose body fits; streams that body into a fresh sink. */
  private async send(
    url: string,
    opts: HttpRequestOptions,
    openSink: () => Promise<BodySink>,
  ): Promise<{ res: Exchange; finalUrl: string; bytes: number }> {
    const retries = opts.retries ?? this.limits.retries;
    let lastError: DataMasterError | undefined;
    let retryAfterMs: number | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        const backoff = this.backoffBaseMs * 2 ** (attempt - 1);
        const wait = Math.min(this.maxRetryWaitMs, retryAfterMs ?? backoff);
        this.options.logger?.debug('http retry', { url: this.where(url), attempt, waitMs: wait, reason: lastError?.code });
        try {
          await this.sleep(wait, this.outerSignal(opts));
        } catch (err) {
          throw this.fail('E_HTTP_ABORTED', url, 'request cancelled while waiting to retry', {}, err);
        }
      }
      const outcome = await this.attempt(url, opts, openSink);
      if ('done' in outcome) return outcome.done;
      lastError = outcome.retry;
      retryAfterMs = outcome.waitMs;
    }
    throw lastError!;
  }

  private outerSignal(opts: HttpRequestOptions): AbortSignal | undefined {
    const signals = [opts.signal, this.options.signal].filter((s): s is AbortSignal => !!s);
    return signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  }

  private where(url: string): string {
    return this.redact(redactUrl(url));
  }

  private fail(code: string, url: string, reason: string, extra: Record<string, unknown> = {}, cause?: unknown): DataMasterError {
    const where = this.where(url);
    return new DataMasterError(code, this.redact(`${where}: ${reason}`), { url: where, ...extra }, cause ? { cause } : undefined);
  }

  /** Parses a URL the client may fetch: http(s), no user info. */
  private target(url: string): URL {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw this.fail('E_HTTP_URL', url, 'not a valid absolute URL; check the URL', {});
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw this.fail('E_HTTP_URL', url, `unsupported protocol ${parsed.protocol}; only http: and https: are fetched`, {});
    }
    if (parsed.username || parsed.password) {
      throw this.fail('E_HTTP_URL', url, 'URL carries user info (user:password@); send credentials in a header instead', {});
    }
    return parsed;
  }

  private blocked(url: string, v: GuardRefusal, redirectedFrom?: string): DataMasterError {
    const what = v.literal ? `${v.address} is ${v.what}` : `${v.host} resolves to ${v.address}, ${v.what}`;
    const via = redirectedFrom ? ` (reached by a redirect from ${this.where(redirectedFrom)})` : '';
    return this.fail(
      'E_HTTP_BLOCKED',
      url,
      `refused: ${what}${via}; plugins may not reach internal addresses; allow it with ${HTTP_ALLOW_ENV}=${v.suggestion} if this is a private mirror you trust`,
      { address: v.address, host: v.host, port: v.port, kind: v.kind, allow: v.suggestion, ...(redirectedFrom ? { redirectedFrom: this.where(redirectedFrom) } : {}) },
    );
  }

  /** One request over node:http(s), connecting only to the addresses the guard checked. */
  private exchange(
    target: URL,
    addresses: ResolvedAddress[],
    init: { method: string; headers: Record<string, string>; body: string | Uint8Array | undefined; signal: AbortSignal },
  ): Promise<Exchange> {
    const secure = target.protocol === 'https:';
    const headers: Record<string, string> = { accept: '*/*', 'accept-encoding': 'gzip, deflate, br', ...init.headers };
    let payload: Buffer | undefined;
    if (init.body !== undefined) {
      payload = typeof init.body === 'string' ? Buffer.from(init.body, 'utf8') : Buffer.from(init.body.buffer, init.body.byteOffset, init.body.byteLength);
      if (typeof init.body === 'string' && headers['content-type'] === undefined) headers['content-type'] = 'text/plain;charset=UTF-8';
      headers['content-length'] = String(payload.byteLength);
    }
    return new Promise<Exchange>((resolve, reject) => {
      const req = (secure ? https : http).request({
        protocol: target.protocol,
        hostname: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port || (secure ? 443 : 80),
        path: `${target.pathname}${target.search}`,
        method: init.method,
        headers,
        agent: secure ? this.httpsAgent : this.httpAgent,
        lookup: pinnedLookup(addresses) as unknown as http.RequestOptions['lookup'],
        signal: init.signal,
      });
      let body: Readable | undefined;
      req.on('error', (err) => {
        if (body) body.destroy(err);
        else reject(err);
      });
      req.on('response', (res) => {
        const responseHeaders = toHeaders(res.rawHeaders);
        const status = res.statusCode ?? 0;
        const hasBody = init.method !== 'HEAD' && !NULL_BODY_STATUS.has(status) && !REDIRECT_STATUS.has(status);
        const decode = hasBody ? decoders(responseHeaders.get('content-encoding')) : [];
        const stream: Readable = decode && decode.length > 0 ? (pipeline([res, ...decode], () => undefined) as unknown as Readable) : res;
        body = stream;
        const onAbort = () => stream.destroy(init.signal.reason as Error);
        init.signal.addEventListener('abort', onAbort, { once: true });
        stream.once('close', () => init.signal.removeEventListener('abort', onAbort));
        resolve({
          status,
          headers: responseHeaders,
          body: stream,
          discard: () => {
            stream.destroy();
            res.destroy();
          },
        });
      });
      req.end(payload);
    });
  }

  /** One attempt: the request, its redirects and the body. Returns a retryable failure or throws a final one. */
  private async attempt(
    url: string,
    opts: HttpRequestOptions,
    openSink: () => Promise<BodySink>,
  ): Promise<{ done: { res: Exchange; finalUrl: string; bytes: number } } | { retry: DataMasterError; waitMs?: number }> {
    const timeoutMs = opts.timeoutMs ?? this.limits.timeoutMs;
    const maxBytes = opts.maxBytes ?? this.limits.maxBytes;
    const maxRedirects = opts.maxRedirects ?? this.limits.maxRedirects;
    const outer = this.outerSignal(opts);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;

    const aborted = (err: unknown): DataMasterError | undefined => {
      if (outer?.aborted) return this.fail('E_HTTP_ABORTED', url, 'request cancelled', {}, err);
      if (timeout.aborted) return this.fail('E_HTTP_TIMEOUT', url, `no complete response within ${timeoutMs} ms; raise timeoutMs or retry later`, { timeoutMs }, err);
      return undefined;
    };

    let current = url;
    let method = (opts.method ?? 'GET').toUpperCase();
    let body = opts.body;
    const headers: Record<string, string> = {
      'user-agent': this.options.userAgent ?? 'datamaster-plugin',
      ...lowerKeys(this.options.headers ?? {}),
      ...lowerKeys(opts.headers ?? {}),
    };
    let res: Exchange;
    for (let hop = 0; ; hop++) {
      const target = this.target(current);
      let verdict;
      try {
        verdict = await untilAborted(this.guard.check(target), signal);
      } catch (err) {
        const stop = aborted(err);
        if (stop?.code === 'E_HTTP_ABORTED') throw stop;
        if (stop) return { retry: stop };
        const code = (err as { code?: string }).code;
        return { retry: this.fail('E_HTTP_NETWORK', current, `network error (${code ?? (err as Error).message} looking up ${target.hostname}); check the URL and connectivity`, { retryable: true }, err) };
      }
      if (!verdict.ok) {
        const refused = this.blocked(current, verdict, hop > 0 ? url : undefined);
        // Plugins may swallow the error (a search drops a bad hit); the operator still sees the attempt.
        this.options.logger?.warn('http request refused: internal address', refused.details);
        throw refused;
      }
      try {
        res = await this.exchange(target, verdict.addresses, { method, headers, body, signal });
      } catch (err) {
        const stop = aborted(err);
        if (stop?.code === 'E_HTTP_ABORTED') throw stop;
        if (stop) return { retry: stop };
        const code = (err as { code?: string }).code;
        return { retry: this.fail('E_HTTP_NETWORK', current, `network error (${code ?? (err as Error).message}); check the URL and connectivity`, { retryable: true }, err) };
      }
      if (!REDIRECT_STATUS.has(res.status)) break;
      const location = res.headers.get('location');
      res.discard();
      if (!location) throw this.fail('E_HTTP_STATUS', current, `redirect ${res.status} without a Location header`, { status: res.status });
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw this.fail('E_HTTP_REDIRECTS', current, `redirect ${res.status} to an invalid Location ${JSON.stringify(this.redact(location))}`, { status: res.status });
      }
      if (hop >= maxRedirects) {
        throw this.fail('E_HTTP_REDIRECTS', url, `more than ${maxRedirects} redirects (last to ${this.where(next.toString())}); raise maxRedirects or use the final URL`, { maxRedirects });
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw this.fail('E_HTTP_REDIRECTS', current, `redirect to unsupported protocol ${next.protocol}`, {});
      }
      // Credentials are for the origin they were given for, not wherever a redirect points.
      if (next.origin !== new URL(current).origin) {
        delete headers.authorization;
        delete headers.cookie;
      }
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
      }
      current = next.toString();
    }

    if (RETRY_STATUS.has(res.status)) {
      res.discard();
      const waitMs = parseRetryAfter(res.headers.get('retry-after'), this.now());
      const code = res.status === 429 ? 'E_HTTP_RATE_LIMITED' : 'E_HTTP_STATUS';
      const reason = res.status === 429 ? 'rate limited (429); retry later or lower the request rate' : `server unavailable (${res.status}); retry later`;
      return { retry: this.fail(code, current, reason, { status: res.status, retryable: true }), waitMs };
    }
    if (res.status === 401 || res.status === 403) {
      res.discard();
      throw this.fail('E_HTTP_AUTH', current, `${res.status} ${res.status === 401 ? 'unauthorized' : 'forbidden'}: the credentials are missing, wrong or lack access; set the plugin's secret in the environment and check its permissions`, { status: res.status });
    }
    if (res.status === 404) {
      res.discard();
      throw this.fail('E_HTTP_NOT_FOUND', current, '404 not found; check the identifier or URL', { status: 404 });
    }
    if (res.status >= 400) {
      res.discard();
      throw this.fail('E_HTTP_STATUS', current, `HTTP ${res.status}`, { status: res.status });
    }

    const type = mediaType(res.headers);
    if (opts.accept && !opts.accept.some((a) => (a === 'json' ? isJsonType(type) : type.startsWith(a.toLowerCase())))) {
      res.discard();
      const wanted = opts.accept.map((a) => (a === 'json' ? 'JSON' : a)).join(', ');
      throw this.fail('E_HTTP_CONTENT_TYPE', current, `content type '${type || 'none'}' is not one of ${wanted}; the endpoint may have answered with an error or login page`, { contentType: type });
    }

    const declared = res.headers.get('content-length');
    const expected = declared !== null && !res.headers.get('content-encoding') ? Number(declared) : undefined;
    if (expected !== undefined && expected > maxBytes) {
      res.discard();
      throw this.fail('E_HTTP_TOO_LARGE', current, `body of ${expected} bytes exceeds the limit of ${maxBytes} bytes; raise maxBytes if this is expected`, { maxBytes, bytes: expected });
    }

    let sink: BodySink;
    try {
      sink = await openSink();
    } catch (err) {
      res.discard();
      throw err;
    }
    let bytes = 0;
    try {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        bytes += chunk.byteLength;
        if (bytes > maxBytes) {
          res.discard();
          throw this.fail('E_HTTP_TOO_LARGE', current, `body exceeds the limit of ${maxBytes} bytes; raise maxBytes if this is expected`, { maxBytes });
        }
        await sink.write(chunk);
      }
    } catch (err) {
      res.discard();
      if (err instanceof DataMasterError) throw err;
      const stop = aborted(err);
      if (stop) throw stop;
      throw this.fail('E_HTTP_TRUNCATED', current, `connection closed after ${bytes}${expected !== undefined ? ` of ${expected}` : ''} bytes; retry the download`, { bytes, expected }, err);
    }
    if (expected !== undefined && bytes < expected) {
      throw this.fail('E_HTTP_TRUNCATED', current, `body ended after ${bytes} of ${expected} bytes; retry the download`, { bytes, expected });
    }
    return { done: { res, finalUrl: current, bytes } };
  }
}

/** Rejects with the signal's reason as soon as it aborts (a DNS lookup cannot be cancelled, only abandoned). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The HttpClient a plugin context carries. */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  return new LimitedHttpClient(options);
}

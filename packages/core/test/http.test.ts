import t from 'tap';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataMasterError } from '../src/errors.ts';
import { LimitedHttpClient, parseRetryAfter, type HttpClientOptions } from '../src/plugin/http.ts';
import { secretRedactor } from '../src/plugin/redact.ts';
import { startLoopback } from '@datamaster/sdk/testing';

const waits: number[] = [];
// The client refuses loopback addresses; each test allows exactly the loopback servers it talks to.
const allowed: string[] = [];
const client = (o: HttpClientOptions = {}) =>
  new LimitedHttpClient({
    backoffBaseMs: 10,
    sleep: async (ms) => {
      waits.push(ms);
    },
    allow: allowed,
    ...o,
  });

async function codeOf(p: Promise<unknown>): Promise<DataMasterError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DataMasterError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

const big = Buffer.alloc(5000, 7);
const server = await startLoopback({
  '/ok': { body: { hello: 'world' } },
  '/html': { headers: { 'content-type': 'text/html' }, body: '<html>login</html>' },
  '/401': { status: 401, body: 'no' },
  '/403': { status: 403, body: 'no' },
  '/404': { status: 404, body: 'no' },
  '/limited': [{ status: 429, headers: { 'retry-after': '2' } }, { body: { after: 'wait' } }],
  '/busy': { status: 503 },
  '/loop': (_req, res, { count }) => {
    res.writeHead(302, { location: `/loop?n=${count + 1}` });
    res.end();
  },
  '/hop': { status: 301, headers: { location: '/ok' } },
  '/big': { headers: { 'content-type': 'application/octet-stream' }, body: big },
  '/chunked-big': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1000, 1));
    res.end();
  },
  '/truncated': { headers: { 'content-type': 'text/csv' }, body: 'a,b\n'.repeat(100), truncateAt: 50 },
  '/slow': { delayMs: 5000, body: 'late' },
  '/secret': { status: 401 },
  '/gz': { headers: { 'content-type': 'text/csv', 'content-encoding': 'gzip' }, body: gzipSync('a,b\n1,2\n') },
  '/br': { headers: { 'content-type': 'text/csv', 'content-encoding': 'br' }, body: brotliCompressSync('a,b\n3,4\n') },
  '/deflate': { headers: { 'content-type': 'text/csv', 'content-encoding': 'deflate' }, body: deflateSync('a,b\n5,6\n') },
  '/bomb': { headers: { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip' }, body: gzipSync(Buffer.alloc(1_000_000)) },
  '/empty': { status: 204 },
  '/echo': (req, res, { body }) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ method: req.method, type: req.headers['content-type'] ?? null, length: req.headers['content-length'] ?? null, body: body.toString('utf8') }));
  },
});
t.teardown(() => server.close());
allowed.push(new URL(server.url).host);
const dir = mkdtempSync(join(tmpdir(), 'dm-http-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

t.test('json success', async (t) => {
  const body = await client().json<{ hello: string }>(`${server.url}/ok`);
  t.same(body, { hello: 'world' });
});

t.test('401 and 403 are E_HTTP_AUTH with a hint about credentials', async (t) => {
  for (const p of ['/401', '/403']) {
    const err = await codeOf(client().request(`${server.url}${p}`));
    t.equal(err.code, 'E_HTTP_AUTH');
    t.match(err.message, /credentials/);
  }
});

t.test('404 is E_HTTP_NOT_FOUND', async (t) => {
  const err = await codeOf(client().request(`${server.url}/404`));
  t.equal(err.code, 'E_HTTP_NOT_FOUND');
  t.match(err.message, /\/404/);
});

t.test('429 waits Retry-After, then succeeds', async (t) => {
  waits.length = 0;
  const before = server.requests.filter((r) => r.path === '/limited').length;
  const body = await client().json<{ after: string }>(`${server.url}/limited`);
  t.same(body, { after: 'wait' });
  t.same(waits, [2000], 'waited the 2 s the server asked for');
  t.equal(server.requests.filter((r) => r.path === '/limited').length - before, 2);
});

t.test('Retry-After is capped by maxRetryWaitMs; 503 backs off exponentially then fails', async (t) => {
  waits.length = 0;
  const err = await codeOf(client({ maxRetryWaitMs: 15 }).request(`${server.url}/busy`, { retries: 3 }));
  t.equal(err.code, 'E_HTTP_STATUS');
  t.equal(err.details.status, 503);
  t.same(waits, [10, 15, 15], 'backoff 10, 20, 40 capped at 15');
});

t.test('parseRetryAfter reads seconds and HTTP dates', async (t) => {
  t.equal(parseRetryAfter('3', 0), 3000);
  const now = Date.parse('2026-01-01T00:00:00Z');
  t.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
  t.equal(parseRetryAfter('soon', now), undefined);
});

t.test('redirects are followed, up to maxRedirects', async (t) => {
  const res = await client().request(`${server.url}/hop`);
  t.equal(res.status, 200);
  t.equal(res.url, `${server.url}/ok`);
  const err = await codeOf(client().request(`${server.url}/loop`, { maxRedirects: 3 }));
  t.equal(err.code, 'E_HTTP_REDIRECTS');
  t.match(err.message, /more than 3 redirects/);
});

t.test('wrong content type', async (t) => {
  const err = await codeOf(client().json(`${server.url}/html`));
  t.equal(err.code, 'E_HTTP_CONTENT_TYPE');
  t.match(err.message, /text\/html/);
  const err2 = await codeOf(client().request(`${server.url}/html`, { accept: ['text/csv'] }));
  t.equal(err2.code, 'E_HTTP_CONTENT_TYPE');
});

t.test('over the size limit: refused by content-length and while streaming; no file left', async (t) => {
  const err = await codeOf(client().request(`${server.url}/big`, { maxBytes: 100 }));
  t.equal(err.code, 'E_HTTP_TOO_LARGE');
  t.equal(err.details.bytes, 5000);
  const target = join(dir, 'big.bin');
  const err2 = await codeOf(client().download(`${server.url}/chunked-big`, target, { maxBytes: 2500 }));
  t.equal(err2.code, 'E_HTTP_TOO_LARGE');
  t.notOk(existsSync(target));
  t.same(readdirSync(dir), [], 'no partial file left');
});

t.test('download writes the file and its sha256', async (t) => {
  const target = join(dir, 'ok.bin');
  const got = await client().download(`${server.url}/big`, target);
  t.equal(got.bytes, 5000);
  t.equal(got.sha256, createHash('sha256').update(big).digest('hex'));
  t.same(readFileSync(target), big);
  rmSync(target);
});

t.test('truncated download fails with E_HTTP_TRUNCATED and leaves no file', async (t) => {
  const target = join(dir, 'cut.csv');
  const err = await codeOf(client().download(`${server.url}/truncated`, target, { retries: 0 }));
  t.equal(err.code, 'E_HTTP_TRUNCATED');
  t.notOk(existsSync(target));
  t.same(readdirSync(dir), []);
});

t.test('timeout', async (t) => {
  const err = await codeOf(client().request(`${server.url}/slow`, { timeoutMs: 100, retries: 0 }));
  t.equal(err.code, 'E_HTTP_TIMEOUT');
  t.match(err.message, /100 ms/);
});

t.test('network error is retried, then E_HTTP_NETWORK', async (t) => {
  waits.length = 0;
  const err = await codeOf(client({ allow: ['127.0.0.1:1'] }).request('http://127.0.0.1:1/nothing', { retries: 1 }));
  t.equal(err.code, 'E_HTTP_NETWORK');
  t.same(waits, [10]);
});

t.test('secrets never appear in errors', async (t) => {
  const token = 'hf_SuperSecretToken123';
  const c = client({ redact: secretRedactor([token]), headers: { authorization: `Bearer ${token}` } });
  const err = await codeOf(c.request(`${server.url}/secret?token=${token}&q=x`));
  t.equal(err.code, 'E_HTTP_AUTH');
  t.notMatch(err.message, token);
  t.notMatch(JSON.stringify(err.details), token);
  t.match(err.message, /q=x/);
  const sent = server.requests.find((r) => r.path.startsWith('/secret'));
  t.equal(sent?.headers.authorization, `Bearer ${token}`, 'the header itself was sent');
});

t.test('Authorization is dropped on a cross-origin redirect', async (t) => {
  const other = await startLoopback({ '/land': { body: { ok: true } } });
  t.teardown(() => other.close());
  const hop = await startLoopback({ '/go': { status: 302, headers: { location: `${other.url}/land` } } });
  t.teardown(() => hop.close());
  await client({ headers: { authorization: 'Bearer abcdef' }, allow: [new URL(hop.url).host, new URL(other.url).host] }).json(`${hop.url}/go`);
  t.equal(hop.requests[0]?.headers.authorization, 'Bearer abcdef');
  t.equal(other.requests[0]?.headers.authorization, undefined);
});

t.test('gzip, br and deflate bodies are decoded; the size limit counts decoded bytes', async (t) => {
  const decoded = await Promise.all(['/gz', '/br', '/deflate'].map(async (p) => new TextDecoder().decode((await client().request(`${server.url}${p}`)).body)));
  t.same(decoded, ['a,b\n1,2\n', 'a,b\n3,4\n', 'a,b\n5,6\n']);
  t.match(server.requests.find((r) => r.path === '/gz')?.headers['accept-encoding'], /gzip/);
  const err = await codeOf(client().request(`${server.url}/bomb`, { maxBytes: 100_000 }));
  t.equal(err.code, 'E_HTTP_TOO_LARGE', 'a 1 MB body compressed to 1 kB is still 1 MB');
  const target = join(dir, 'gz.csv');
  const got = await client().download(`${server.url}/gz`, target);
  t.equal(readFileSync(target, 'utf8'), 'a,b\n1,2\n');
  t.equal(got.bytes, 8);
  rmSync(target);
});

t.test('bodies sent: strings as text/plain unless typed, bytes as they are; 204 is an empty body', async (t) => {
  t.same(await client().json(`${server.url}/echo`, { method: 'POST', body: 'q=air' }), { method: 'POST', type: 'text/plain;charset=UTF-8', length: '5', body: 'q=air' });
  t.same(await client().json(`${server.url}/echo`, { method: 'POST', body: '{"q":1}', headers: { 'Content-Type': 'application/json' } }), { method: 'POST', type: 'application/json', length: '7', body: '{"q":1}' });
  t.same(await client().json(`${server.url}/echo`, { method: 'PUT', body: new TextEncoder().encode('bytes') }), { method: 'PUT', type: null, length: '5', body: 'bytes' });
  const empty = await client().request(`${server.url}/empty`);
  t.equal(empty.status, 204);
  t.equal(empty.body.byteLength, 0);
});

t.test('a hanging DNS lookup counts toward the time limit; cancelling stops a request mid-response', async (t) => {
  const hang = client({ resolve: () => new Promise(() => undefined) });
  const err = await codeOf(hang.request('http://never.example/', { timeoutMs: 50, retries: 0 }));
  t.equal(err.code, 'E_HTTP_TIMEOUT');
  const stop = new AbortController();
  const pending = codeOf(client().request(`${server.url}/slow`, { signal: stop.signal, retries: 0 }));
  while (!server.requests.some((r) => r.path === '/slow')) await new Promise((r) => setImmediate(r));
  stop.abort();
  t.equal((await pending).code, 'E_HTTP_ABORTED');
});

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { createPluginContext, DataMasterError, schemas, type PluginContext } from '@datamaster/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sourcePluginSuite, startLoopback, type Loopback, type LoopbackReply, type LoopbackRoute } from '@datamaster/core/testing';
import plugin, { parseHits, type WebConfig } from '../src/index.ts';

// SearxngSearch prefers this variable over its apiBase argument; the tests point the tool at the loopback.
delete process.env.SEARXNG_API_BASE;

const QUERY = { text: 'air quality', task: { id: 'aq', description: 'Predict PM2.5' }, limit: 20 };
const LIMITS = { maxBytes: 64 * 1024, timeoutMs: 10_000 };
const CSV = Buffer.from('station,pm25\nA,12\nB,30\n');

/** package_search answer in CKAN's format (trimmed to realistic fields). */
function ckanAnswer(base: string) {
  return {
    help: `${base}/api/3/action/help_show?name=package_search`,
    success: true,
    result: {
      count: 1,
      sort: 'score desc, metadata_modified desc',
      facets: {},
      search_facets: {},
      results: [
        {
          id: '5f1d7c1e-aaaa-bbbb-cccc-000000000001',
          name: 'air-quality-2023',
          title: 'Air Quality 2023',
          notes: 'Hourly PM2.5 readings by station.',
          license_id: 'cc-by',
          license_title: 'Creative Commons Attribution',
          organization: { title: 'Environment Agency' },
          tags: [{ name: 'air' }, { name: 'pm25' }],
          resources: [
            { id: 'r-csv', name: 'Readings (CSV)', url: `${base}/files/readings.csv`, format: 'CSV', size: CSV.length, mimetype: 'text/csv' },
            { id: 'r-pdf', name: 'Methodology', url: `${base}/files/method.pdf`, format: 'PDF', size: 1000 },
            { id: 'r-pq', name: 'Readings (Parquet)', url: `${base}/files/readings.parquet`, format: '', size: null },
          ],
        },
      ],
    },
  };
}

/** SearxNG /search?format=json answer. */
function searxAnswer(base: string) {
  return {
    query: 'air quality dataset csv',
    number_of_results: 3,
    results: [
      { url: `${base}/files/found.csv`, title: 'PM2.5 open data', content: 'Download the CSV', engine: 'google', engines: ['google'], positions: [1], score: 1, category: 'general' },
      { url: 'https://example.org/about-air.html', title: 'About air quality', content: 'An article', engine: 'bing', engines: ['bing'], positions: [2], score: 0.5, category: 'general' },
    ],
    answers: [],
    corrections: [],
    infoboxes: [],
    suggestions: [],
    unresponsive_engines: [],
  };
}

interface Harness {
  server: Loopback;
  ctx: PluginContext<WebConfig>;
  dir: string;
  waits: number[];
}

/** Writes a canned reply (the loopback's reply shape) from inside a handler. */
function reply(res: ServerResponse, r: LoopbackReply): void {
  const body = r.body === undefined ? Buffer.alloc(0) : typeof r.body === 'string' || r.body instanceof Uint8Array ? Buffer.from(r.body) : Buffer.from(JSON.stringify(r.body));
  const json = r.body !== undefined && typeof r.body === 'object' && !(r.body instanceof Uint8Array);
  res.writeHead(r.status ?? 200, { ...(json ? { 'content-type': 'application/json' } : {}), 'content-length': String(body.length), ...(r.headers ?? {}) });
  if (r.truncateAt !== undefined) res.write(body.subarray(0, r.truncateAt), () => res.socket?.destroy());
  else res.end(body);
}

/**
 * Routes whose answers name the server's own URL (CKAN resource URLs, search hits): each is built per request
 * from the Host header, since the port is known only once the server listens.
 */
function selfReferring(routes: (base: string) => Record<string, LoopbackRoute>): Record<string, LoopbackRoute> {
  const out: Record<string, LoopbackRoute> = {};
  for (const key of Object.keys(routes('http://placeholder'))) {
    out[key] = (req: IncomingMessage, res: ServerResponse, info) => {
      const route = routes(`http://${req.headers.host}`)[key]!;
      if (typeof route === 'function') return route(req, res, info);
      reply(res, Array.isArray(route) ? route[Math.min(info.count, route.length - 1)]! : route);
    };
  }
  return out;
}

async function harness(t: Test, routes: (base: string) => Record<string, LoopbackRoute>, config: (base: string) => WebConfig): Promise<Harness> {
  const server = await startLoopback(selfReferring(routes));
  const root = await mkdtemp(join(tmpdir(), 'dm-source-web-'));
  t.teardown(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });
  const waits: number[] = [];
  const ctx = createPluginContext<WebConfig>({
    name: '@datamaster/source-web',
    config: config(server.url),
    runDir: join(root, 'run'),
    env: {},
    // the loopback server is the only internal address the client may reach
    http: { sleep: async (ms) => void waits.push(ms), backoffBaseMs: 5, allow: [new URL(server.url).host] },
  });
  return { server, ctx, dir: join(root, 'fetched'), waits };
}

const fullRoutes = (base: string): Record<string, LoopbackRoute> => ({
  'GET /api/3/action/package_search': { body: ckanAnswer(base) },
  'POST /search': { body: searxAnswer(base) },
  'GET /files/readings.csv': { headers: { 'content-type': 'text/csv; charset=utf-8' }, body: CSV },
});
const fullConfig = (base: string): WebConfig => ({
  portals: [{ url: base, name: 'loopback-ckan' }],
  search: { tool: 'searxng', apiBase: base },
  links: [{ url: `${base}/files/direct.parquet`, title: 'Direct', license: 'CC0-1.0' }],
});

async function filesUnder(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true })).map(String);
  } catch {
    return [];
  }
}

t.test('search: links, CKAN resources and web search hits, each with license and origin', async (t) => {
  const h = await harness(t, fullRoutes, fullConfig);
  const sources = await plugin.search(QUERY, h.ctx);
  for (const s of sources) t.same(schemas().check('source', s), [], `${s.id} matches source.schema.json`);
  const host = new URL(h.server.url).host;
  t.same(sources.map((s) => [s.id, s.format]), [
    [`web:${host}/files/direct.parquet`, 'parquet'],
    [`ckan:${host}:air-quality-2023:r-csv`, 'csv'],
    [`ckan:${host}:air-quality-2023:r-pq`, 'parquet'],
    [`web:${host}/files/found.csv`, 'csv'],
  ], 'the PDF and the HTML page are not candidates');
  for (const s of sources) {
    t.type(s.license, 'string', `${s.id} has a license`);
    t.type(s.origin, 'string', `${s.id} has an origin`);
  }
  const ckan = sources[1]!;
  t.equal(ckan.license, 'Creative Commons Attribution');
  t.equal(ckan.origin, `${h.server.url}/dataset/air-quality-2023`);
  t.equal(ckan.sizeBytes, CSV.length);
  t.same(ckan.tags, ['air', 'pm25']);
  t.equal(sources[0]!.license, 'CC0-1.0');
  t.equal(sources[3]!.license, 'unknown');
  t.match(sources[3]!.origin, /web search \(searxng-search/);
  const ckanReq = h.server.requests.find((r) => r.path.startsWith('/api/3/action/package_search'))!;
  t.same(Object.fromEntries(new URL(ckanReq.path, 'http://x').searchParams), { q: 'air quality', rows: '10' });
  const searx = h.server.requests.find((r) => r.path.startsWith('/search'))!;
  t.equal(new URL(searx.path, 'http://x').searchParams.get('q'), 'air quality dataset csv');
  t.equal(new URL(searx.path, 'http://x').searchParams.get('format'), 'json');
});

t.test('parseHits: SearxngSearch text, JSON arrays and plain text', async (t) => {
  t.same(parseHits('{"title":"a","link":"https://x.org/a.csv","snippet":"s"},{"title":"b","link":"https://x.org/b.csv","snippet":""}'), [
    { link: 'https://x.org/a.csv', title: 'a', snippet: 's' },
    { link: 'https://x.org/b.csv', title: 'b' },
  ]);
  t.same(parseHits('see https://x.org/c.parquet and (https://x.org/d.json)'), [{ link: 'https://x.org/c.parquet' }, { link: 'https://x.org/d.json' }]);
  t.same(parseHits('No good results found.'), []);
});

t.test('fetch: a CKAN resource is downloaded into the directory', async (t) => {
  const h = await harness(t, fullRoutes, fullConfig);
  const sources = await plugin.search(QUERY, h.ctx);
  const files = await plugin.fetch(sources[1]!, h.dir, LIMITS, h.ctx);
  t.same(files.map((f) => [f.path, f.format, f.bytes]), [[join(h.dir, 'readings.csv'), 'csv', CSV.length]]);
  t.same(await readFile(files[0]!.path), CSV);
});

t.test('one failing channel does not hide the others; all failing throws', async (t) => {
  const h = await harness(t, (base) => ({ ...fullRoutes(base), 'GET /api/3/action/package_search': { status: 500, body: { success: false } } }), (base) => ({ portals: [base], search: { tool: 'searxng', apiBase: base } }));
  const sources = await plugin.search(QUERY, h.ctx);
  t.same(sources.map((s) => s.id.split(':')[0]), ['web'], 'web search still answered');

  const h2 = await harness(t, () => ({ 'GET /api/3/action/package_search': { status: 404, body: { success: false, error: { message: 'Not found' } } } }), (base) => ({ portals: [base] }));
  const err = await plugin.search(QUERY, h2.ctx).catch((e: unknown) => e);
  t.equal((err as DataMasterError).code, 'E_HTTP_NOT_FOUND');
  t.match((err as Error).message, /portal URL/);
});

t.test('401/403: a clear message about credentials', async (t) => {
  const h = await harness(t, () => ({ 'GET /files/private.csv': { status: 403, body: 'Forbidden' } }), () => ({ portals: [] }));
  const source = { id: 'web:h/files/private.csv', plugin: 'x', uri: `${h.server.url}/files/private.csv`, format: 'csv' as const };
  const err = await plugin.fetch(source, h.dir, LIMITS, h.ctx).catch((e: unknown) => e);
  t.ok(err instanceof DataMasterError);
  t.equal((err as DataMasterError).code, 'E_HTTP_AUTH');
  t.match((err as Error).message, /credentials/);
});

t.test('404: a moved file', async (t) => {
  const h = await harness(t, () => ({}), () => ({ portals: [] }));
  const err = await plugin.fetch({ id: 'web:h/gone.csv', plugin: 'x', uri: `${h.server.url}/gone.csv`, format: 'csv', origin: 'https://portal/dataset/x' }, h.dir, LIMITS, h.ctx).catch((e: unknown) => e);
  t.equal((err as DataMasterError).code, 'E_HTTP_NOT_FOUND');
  t.match((err as Error).message, /https:\/\/portal\/dataset\/x/);
  t.same(await filesUnder(h.dir), []);
});

t.test('429 then success: the CKAN search waits Retry-After', async (t) => {
  const h = await harness(t, (base) => ({ 'GET /api/3/action/package_search': [{ status: 429, headers: { 'retry-after': '4' } }, { body: ckanAnswer(base) }] }), (base) => ({ portals: [base] }));
  const sources = await plugin.search(QUERY, h.ctx);
  t.equal(sources.length, 2);
  t.same(h.waits, [4000]);
});

t.test('a truncated download fails and leaves no file', async (t) => {
  const h = await harness(t, () => ({ 'GET /files/big.csv': { headers: { 'content-type': 'text/csv' }, body: Buffer.alloc(8192, 66), truncateAt: 100 } }), () => ({ portals: [] }));
  const err = await plugin.fetch({ id: 'web:h/files/big.csv', plugin: 'x', uri: `${h.server.url}/files/big.csv`, format: 'csv' }, h.dir, LIMITS, h.ctx).catch((e: unknown) => e);
  t.equal((err as DataMasterError).code, 'E_HTTP_TRUNCATED');
  t.same(await filesUnder(h.dir), []);
});

t.test('wrong content type: an HTML page behind a .csv link is refused', async (t) => {
  const h = await harness(t, () => ({ 'GET /files/page.csv': { headers: { 'content-type': 'text/html' }, body: '<html>login</html>' } }), () => ({ portals: [] }));
  const err = await plugin.fetch({ id: 'web:h/files/page.csv', plugin: 'x', uri: `${h.server.url}/files/page.csv`, format: 'csv' }, h.dir, LIMITS, h.ctx).catch((e: unknown) => e);
  t.equal((err as DataMasterError).code, 'E_HTTP_CONTENT_TYPE');
  t.same(await filesUnder(h.dir), []);
});

t.test('over the size limit: refused, no file', async (t) => {
  const h = await harness(t, () => ({ 'GET /files/big.csv': { headers: { 'content-type': 'text/csv' }, body: Buffer.alloc(200_000, 66) } }), () => ({ portals: [] }));
  const err = await plugin.fetch({ id: 'web:h/files/big.csv', plugin: 'x', uri: `${h.server.url}/files/big.csv`, format: 'csv' }, h.dir, LIMITS, h.ctx).catch((e: unknown) => e);
  t.equal((err as DataMasterError).code, 'E_HTTP_TOO_LARGE');
  t.same(await filesUnder(h.dir), []);
});

t.test('config errors and non-http uris', async (t) => {
  const h = await harness(t, () => ({}), () => ({ portals: [], links: ['https://example.org/page.html'] }));
  const err = await plugin.search(QUERY, h.ctx).catch((e: unknown) => e);
  t.equal((err as DataMasterError).code, 'E_CONFIG');
  t.match((err as Error).message, /links\[0\]/);
  const err2 = await plugin.fetch({ id: 'web:x', plugin: 'x', uri: 'file:///etc/passwd', format: 'csv' }, h.dir, LIMITS, h.ctx).catch((e: unknown) => e);
  t.equal((err2 as DataMasterError).code, 'E_SOURCE_URI');
});

t.test('conformance: sourcePluginSuite against a fake CKAN portal', async (t) => {
  const h = await harness(t, fullRoutes, (base) => ({ portals: [base] }));
  sourcePluginSuite(t, { plugin, ctx: h.ctx, query: QUERY, limits: LIMITS });
});

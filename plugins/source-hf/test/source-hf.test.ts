import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { createPluginContext, DataMasterError, schemas, type Source, type PluginContext } from '@datamaster/core';
import { sourcePluginSuite, startLoopback, type Loopback, type LoopbackRoute } from '@datamaster/core/testing';
import plugin, { type HfConfig } from '../src/index.ts';
import { CSV, PARQUET, datasetItem, resolveRoute, treeOf, type RepoFiles } from './hub-fixture.ts';

const TOKEN = 'hf_loopbackSecretToken0123456789';
const QUERY = { text: 'movie reviews', task: { id: 'sentiment', description: 'Classify movie reviews' }, limit: 5 };
const LIMITS = { maxBytes: 1024 * 1024, timeoutMs: 10_000 };

const reviews: RepoFiles = {
  'README.md': Buffer.from('---\nlicense: mit\n---\n# Reviews\n'),
  'data/train-00000-of-00002.parquet': PARQUET,
  'data/train-00001-of-00002.parquet': PARQUET,
  'extra/all.csv': CSV,
};
const scriptsOnly: RepoFiles = { 'loader.py': Buffer.from('import datasets\n'), 'images/a.png': Buffer.from('png') };

interface Harness {
  server: Loopback;
  ctx: PluginContext<HfConfig>;
  dir: string;
  waits: number[];
  close(): Promise<void>;
}

async function harness(t: Test, routes: Record<string, LoopbackRoute>, opts: { token?: boolean; config?: HfConfig } = {}): Promise<Harness> {
  let base = '';
  const server = await startLoopback({
    // The viewer answers with hub URLs of the converted files, like datasets-server.huggingface.co does.
    'GET /parquet': (_req, res, { url }) => {
      const dataset = url.searchParams.get('dataset');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        parquet_files: [
          { dataset, config: 'default', split: 'test', url: `${base}/api/datasets/${dataset}/parquet/default/test/0.parquet`, filename: '0.parquet', size: PARQUET.length },
          { dataset, config: 'default', split: 'train', url: `${base}/api/datasets/${dataset}/parquet/default/train/0.parquet`, filename: '0.parquet', size: PARQUET.length },
          { dataset, config: 'other', split: 'train', url: `${base}/api/datasets/${dataset}/parquet/other/train/0.parquet`, filename: '0.parquet', size: PARQUET.length },
        ],
        pending: [],
        failed: [],
        partial: false,
      }));
    },
    'GET /api/datasets/acme/scripts-only/parquet/*': { headers: { 'content-type': 'application/octet-stream' }, body: PARQUET },
    ...routes,
  });
  base = server.url;
  const root = await mkdtemp(join(tmpdir(), 'dm-source-hf-'));
  const waits: number[] = [];
  const ctx = createPluginContext<HfConfig>({
    name: '@datamaster/source-hf',
    config: { viewerEndpoint: server.url, ...(opts.config ?? {}) },
    runDir: join(root, 'run'),
    secrets: ['HF_TOKEN', 'HF_ENDPOINT'],
    env: { HF_ENDPOINT: server.url, ...(opts.token === false ? {} : { HF_TOKEN: TOKEN }) },
    // the loopback server is the only internal address the client may reach
    http: { sleep: async (ms) => void waits.push(ms), backoffBaseMs: 5, allow: [new URL(server.url).host] },
  });
  const dir = join(root, 'fetched');
  const h = { server, ctx, dir, waits, close: async () => { await server.close(); await rm(root, { recursive: true, force: true }); } };
  t.teardown(h.close);
  return h;
}

const searchRoutes = (): Record<string, LoopbackRoute> => ({
  'GET /api/datasets': { body: [datasetItem('acme/reviews', { license: 'cc-by-4.0', prettyName: 'Acme Reviews' }), datasetItem('acme/scripts-only')] },
  'GET /api/datasets/acme/reviews/tree/main': { body: treeOf(reviews) },
  'GET /api/datasets/acme/scripts-only/tree/main': { body: treeOf(scriptsOnly) },
  '/datasets/acme/reviews/resolve/main/*': resolveRoute('acme/reviews', reviews),
});

async function filesUnder(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    return [];
  }
}

t.test('search: hub results become schema-valid sources with license, files and format', async (t) => {
  const h = await harness(t, searchRoutes());
  const sources = await plugin.search(QUERY, h.ctx);
  t.equal(sources.length, 2);
  for (const s of sources) t.same(schemas().check('source', s), [], `${s.id} matches source.schema.json`);
  const [reviewsSource, scripts] = sources as [Source, Source];
  t.equal(reviewsSource.id, 'hf:acme/reviews');
  t.equal(reviewsSource.format, 'parquet', 'Parquet wins over the CSV copy');
  t.same(reviewsSource.files, ['data/train-00000-of-00002.parquet', 'data/train-00001-of-00002.parquet']);
  t.equal(reviewsSource.sizeBytes, PARQUET.length * 2, 'sizes come from the LFS pointers');
  t.equal(reviewsSource.license, 'cc-by-4.0');
  t.equal(reviewsSource.title, 'Acme Reviews');
  t.match(reviewsSource.origin, /Hugging Face Hub/);
  t.equal(scripts.format, 'parquet');
  t.equal((scripts.meta as { viewerExport?: boolean } | undefined)?.viewerExport, true, 'a repo without readable files is served by the viewer export');
  const search = h.server.requests.find((r) => r.path.startsWith('/api/datasets?'))!;
  const params = new URL(search.path, 'http://x').searchParams;
  t.equal(params.get('search'), 'movie reviews');
  t.ok(params.getAll('expand').includes('cardData'), 'asks the hub for the card data');
  t.equal(search.headers.authorization, `Bearer ${TOKEN}`, 'HF_TOKEN is sent to the hub');
  t.notMatch(JSON.stringify(sources), TOKEN, 'the token is in no source');
});

t.test('search: tags from config become hub filters', async (t) => {
  const h = await harness(t, searchRoutes(), { config: { tags: ['language:en', 'task_categories:text-classification'] } });
  await plugin.search(QUERY, h.ctx);
  const search = h.server.requests.find((r) => r.path.startsWith('/api/datasets?'))!;
  t.same(new URL(search.path, 'http://x').searchParams.getAll('filter'), ['language:en', 'task_categories:text-classification']);
});

t.test('fetch: downloads the data files into the directory', async (t) => {
  const h = await harness(t, searchRoutes());
  const [source] = await plugin.search(QUERY, h.ctx);
  const files = await plugin.fetch(source!, h.dir, LIMITS, h.ctx);
  t.equal(files.length, 2);
  for (const f of files) {
    t.ok(f.path.startsWith(h.dir), 'inside the target directory');
    t.equal(f.format, 'parquet');
    t.same(await readFile(f.path), PARQUET, 'the bytes the hub served');
    t.equal(f.bytes, PARQUET.length);
  }
});

t.test('fetch: a named file (hf:<repo>:<file>) and a CSV', async (t) => {
  const h = await harness(t, searchRoutes());
  const files = await plugin.fetch({ id: 'hf:acme/reviews:extra/all.csv', plugin: 'x', uri: 'u', format: 'csv' }, h.dir, LIMITS, h.ctx);
  t.equal(files.length, 1);
  t.equal(files[0]!.format, 'csv');
  t.equal(await readFile(files[0]!.path, 'utf8'), CSV.toString());
});

t.test('fetch: a repo without readable files comes from the viewer Parquet export (default config, train first)', async (t) => {
  const h = await harness(t, searchRoutes());
  const sources = await plugin.search(QUERY, h.ctx);
  const files = await plugin.fetch(sources[1]!, h.dir, LIMITS, h.ctx);
  t.same(files.map((f) => f.path.slice(h.dir.length + 1)), ['default/train/0.parquet', 'default/test/0.parquet']);
  t.same(await readFile(files[0]!.path), PARQUET);
  t.ok(h.server.requests.some((r) => r.path === '/parquet?dataset=acme%2Fscripts-only'), 'asked the viewer');
});

t.test('401 and 403: a clear message about HF_TOKEN, without the token', async (t) => {
  const h = await harness(t, { 'GET /api/datasets': { status: 401, body: { error: 'Invalid credentials in Authorization header' } } });
  const err = await plugin.search(QUERY, h.ctx).catch((e: unknown) => e);
  t.ok(err instanceof DataMasterError);
  t.equal((err as DataMasterError).code, 'E_HTTP_AUTH');
  t.match((err as Error).message, /HF_TOKEN/);
  t.notMatch((err as Error).message, TOKEN);

  const h2 = await harness(t, { ...searchRoutes(), '/datasets/acme/reviews/resolve/main/*': resolveRoute('acme/reviews', reviews, () => ({ status: 403, headers: { 'content-type': 'application/json' }, body: '{"error":"Access to dataset acme/reviews is restricted"}' })) });
  const err2 = await plugin.fetch({ id: 'hf:acme/reviews:extra/all.csv', plugin: 'x', uri: 'u', format: 'csv' }, h2.dir, LIMITS, h2.ctx).catch((e: unknown) => e);
  t.equal((err2 as DataMasterError).code, 'E_HTTP_AUTH');
  t.match((err2 as Error).message, /gated dataset.*accept its terms/);
});

t.test('404: an unknown file is E_HTTP_NOT_FOUND naming the dataset', async (t) => {
  const h = await harness(t, searchRoutes());
  const err = await plugin.fetch({ id: 'hf:acme/reviews:nope.csv', plugin: 'x', uri: 'u', format: 'csv' }, h.dir, LIMITS, h.ctx).catch((e: unknown) => e);
  t.equal((err as DataMasterError).code, 'E_HTTP_NOT_FOUND');
  t.match((err as Error).message, /acme\/reviews/);
  t.same(await filesUnder(h.dir), []);
});

t.test('429 then success: waits Retry-After and goes on', async (t) => {
  const routes = searchRoutes();
  routes['GET /api/datasets'] = [{ status: 429, headers: { 'retry-after': '3' }, body: { error: 'rate limited' } }, routes['GET /api/datasets'] as { body: unknown[] }];
  const h = await harness(t, routes);
  const sources = await plugin.search(QUERY, h.ctx);
  t.equal(sources.length, 2);
  t.same(h.waits, [3000], 'waited the 3 s the hub asked for');
});

t.test('a truncated download fails and leaves no file', async (t) => {
  const big = Buffer.alloc(4096, 65);
  // The Range probe is answered properly; the plain GET announces 4096 bytes and drops the connection after 100.
  const h = await harness(t, {
    '/datasets/acme/cut/resolve/main/*': (req, res) => {
      if (req.headers.range) {
        res.writeHead(206, { 'content-type': 'text/csv', 'content-range': `bytes 0-0/${big.length}`, 'content-length': '1', etag: '"e"' });
        res.end(big.subarray(0, 1));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(big.length) });
      res.write(big.subarray(0, 100), () => res.socket?.destroy());
    },
  });
  const err = await plugin.fetch({ id: 'hf:acme/cut:data.csv', plugin: 'x', uri: 'u', format: 'csv' }, h.dir, LIMITS, h.ctx).catch((e: unknown) => e);
  t.equal((err as DataMasterError).code, 'E_HTTP_TRUNCATED');
  t.same(await filesUnder(h.dir), [], 'no partial file');
});

t.test('wrong content type: an HTML page instead of data is refused', async (t) => {
  const h = await harness(t, {
    '/datasets/acme/html/resolve/main/*': (req, res) => {
      const page = '<html><body>Sign in to continue</body></html>';
      if (req.headers.range) {
        res.writeHead(206, { 'content-type': 'text/html', 'content-range': `bytes 0-0/${page.length}`, 'content-length': '1', etag: '"e"' });
        res.end(page.slice(0, 1));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page);
    },
  });
  const err = await plugin.fetch({ id: 'hf:acme/html:data.csv', plugin: 'x', uri: 'u', format: 'csv' }, h.dir, LIMITS, h.ctx).catch((e: unknown) => e);
  t.equal((err as DataMasterError).code, 'E_HTTP_CONTENT_TYPE');
  t.same(await filesUnder(h.dir), []);
});

t.test('over the size limit: refused before downloading, from the size the hub reports', async (t) => {
  const h = await harness(t, searchRoutes());
  const err = await plugin.fetch({ id: 'hf:acme/reviews:extra/all.csv', plugin: 'x', uri: 'u', format: 'csv' }, h.dir, { maxBytes: 10, timeoutMs: 10_000 }, h.ctx).catch((e: unknown) => e);
  t.equal((err as DataMasterError).code, 'E_SOURCE_TOO_LARGE');
  t.match((err as Error).message, /over the fetch limit of 10 bytes/);
  t.notOk(h.server.requests.some((r) => r.path.endsWith('all.csv') && !r.headers.range), 'the body was never requested');
  t.same(await filesUnder(h.dir), []);
});

t.test('source ids: malformed ones are refused with E_SOURCE_ID', async (t) => {
  const h = await harness(t, {});
  const err = await plugin.fetch({ id: 'kaggle:acme/x', plugin: 'x', uri: 'u', format: 'csv' }, h.dir, LIMITS, h.ctx).catch((e: unknown) => e);
  t.equal((err as DataMasterError).code, 'E_SOURCE_ID');
});

t.test('conformance: sourcePluginSuite against the fake hub', async (t) => {
  const h = await harness(t, searchRoutes());
  sourcePluginSuite(t, { plugin, ctx: h.ctx, query: QUERY, limits: LIMITS });
});

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { createPluginContext, DataMasterError, schemas, type Source, type PluginContext } from '@datamaster/core';
import { sourcePluginSuite, startLoopback, type Loopback, type LoopbackRoute } from '@datamaster/core/testing';
import plugin, { type KaggleConfig } from '../src/index.ts';
import { makeZip } from './zip-writer.ts';

const USER = 'acme-user';
const KEY = '0123456789abcdef0123456789abcdef';
const QUERY = { text: 'house prices', task: { id: 'houses', description: 'Predict sale prices' }, limit: 5 };
const LIMITS = { maxBytes: 256 * 1024, timeoutMs: 10_000 };
const TRAIN = Buffer.from('id,price\n1,100000\n2,250000\n');
const ZIP = makeZip([{ name: 'train.csv', data: TRAIN, deflate: true }, { name: 'meta/' }, { name: 'meta/notes.txt', data: Buffer.from('notes') }]);

/** GET /api/v1/datasets/list items as Kaggle answers them. */
function listItem(ref: string, extra: Partial<{ description: string; licenseName: string; totalBytes: number }> = {}) {
  const [owner, slug] = ref.split('/');
  return {
    id: 4242,
    ref,
    subtitle: `${slug} subtitle`,
    creatorName: 'Acme',
    creatorUrl: owner,
    totalBytes: extra.totalBytes ?? 2048,
    url: `https://www.kaggle.com/datasets/${ref}`,
    lastUpdated: '2024-03-01T10:00:00.000Z',
    downloadCount: 321,
    isPrivate: false,
    isFeatured: false,
    licenseName: extra.licenseName ?? 'CC0: Public Domain',
    description: extra.description ?? '',
    ownerName: 'Acme',
    ownerRef: owner,
    kernelCount: 3,
    title: `${slug} title`,
    topicCount: 0,
    viewCount: 999,
    voteCount: 12,
    currentVersionNumber: 2,
    usabilityRating: 0.88,
    tags: [{ ref: 'housing', name: 'housing', description: '', fullPath: 'subject > housing', competitionCount: 0, datasetCount: 10, scriptCount: 1, totalCount: 11 }],
    files: [],
    versions: [],
  };
}

const filesAnswer = (names: Array<[string, number]>) => ({
  datasetFiles: names.map(([name, totalBytes]) => ({ ref: name, datasetRef: 'acme/houses', ownerRef: 'acme', name, creationDate: '2024-03-01T10:00:00.000Z', description: null, fileType: `.${name.split('.').pop()}`, url: `https://www.kaggle.com/datasets/acme/houses/${name}`, totalBytes, columns: [] })),
  errorMessage: null,
  nextPageToken: '',
});

const apiRoutes = (): Record<string, LoopbackRoute> => ({
  'GET /api/v1/datasets/list': { body: [listItem('acme/houses', { description: 'Sale prices of houses.' }), listItem('acme/no-desc')] },
  'GET /api/v1/datasets/list/acme/houses': { body: filesAnswer([['train.csv', TRAIN.length], ['test.csv', 20]]) },
  'GET /api/v1/datasets/list/acme/no-desc': { body: filesAnswer([['data.parquet', 100]]) },
  'GET /api/v1/datasets/view/acme/no-desc': { body: { ...listItem('acme/no-desc'), description: 'Full description from view.' } },
  'GET /api/v1/datasets/download/acme/houses': { headers: { 'content-type': 'application/zip' }, body: ZIP },
  'GET /api/v1/datasets/download/acme/houses/train.csv': { headers: { 'content-type': 'text/csv' }, body: TRAIN },
});

interface Harness {
  server: Loopback;
  ctx: PluginContext<KaggleConfig>;
  dir: string;
  root: string;
  waits: number[];
}

async function harness(t: Test, routes: Record<string, LoopbackRoute>, opts: { env?: Record<string, string>; credentialsFile?: string } = {}): Promise<Harness> {
  const server = await startLoopback(routes);
  const root = await mkdtemp(join(tmpdir(), 'dm-source-kaggle-'));
  t.teardown(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });
  const waits: number[] = [];
  const ctx = createPluginContext<KaggleConfig>({
    name: '@datamaster/source-kaggle',
    config: { baseUrl: server.url, credentialsFile: opts.credentialsFile ?? join(root, 'missing-kaggle.json') },
    runDir: join(root, 'run'),
    secrets: ['KAGGLE_USERNAME', 'KAGGLE_KEY'],
    env: opts.env ?? { KAGGLE_USERNAME: USER, KAGGLE_KEY: KEY },
    // the loopback server is the only internal address the client may reach
    http: { sleep: async (ms) => void waits.push(ms), backoffBaseMs: 5, allow: [new URL(server.url).host] },
  });
  return { server, ctx, dir: join(root, 'fetched'), root, waits };
}

async function filesUnder(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true })).map(String).sort();
  } catch {
    return [];
  }
}

const expectedAuth = `Basic ${Buffer.from(`${USER}:${KEY}`).toString('base64')}`;

t.test('search: Kaggle results become schema-valid sources with license, files and format', async (t) => {
  const h = await harness(t, apiRoutes());
  const sources = await plugin.search(QUERY, h.ctx);
  t.equal(sources.length, 2);
  for (const s of sources) t.same(schemas().check('source', s), [], `${s.id} matches source.schema.json`);
  const [houses, noDesc] = sources as [Source, Source];
  t.equal(houses.id, 'kaggle:acme/houses');
  t.equal(houses.format, 'csv');
  t.same(houses.files, ['train.csv', 'test.csv']);
  t.equal(houses.license, 'CC0: Public Domain');
  t.equal(houses.description, 'Sale prices of houses.');
  t.equal(houses.uri, 'https://www.kaggle.com/datasets/acme/houses');
  t.match(houses.origin, /Kaggle/);
  t.same(houses.tags, ['housing']);
  t.equal(noDesc.format, 'parquet');
  t.equal(noDesc.description, 'Full description from view.', 'metadata read from /datasets/view when the list had none');
  const search = h.server.requests.find((r) => r.path.startsWith('/api/v1/datasets/list?'))!;
  t.equal(new URL(search.path, 'http://x').searchParams.get('search'), 'house prices');
  t.equal(search.headers.authorization, expectedAuth, 'basic auth username:key');
  t.notMatch(JSON.stringify(sources), KEY, 'the key is in no source');
});

t.test('credentials from kaggle.json when the environment has none', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'dm-kaggle-cred-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const file = join(root, 'kaggle.json');
  await writeFile(file, JSON.stringify({ username: USER, key: KEY }));
  const h = await harness(t, apiRoutes(), { env: {}, credentialsFile: file });
  await plugin.search(QUERY, h.ctx);
  t.equal(h.server.requests[0]!.headers.authorization, expectedAuth);

  const h2 = await harness(t, apiRoutes(), { env: {} });
  const err = await plugin.search(QUERY, h2.ctx).catch((e: unknown) => e);
  t.equal((err as DataMasterError).code, 'E_SOURCE_CREDENTIALS');
  t.match((err as Error).message, /KAGGLE_USERNAME and KAGGLE_KEY.*kaggle\.json/);
  t.equal(h2.server.requests.length, 0, 'nothing sent without credentials');
});

t.test('fetch: the dataset zip is downloaded and unpacked, the zip removed', async (t) => {
  const h = await harness(t, apiRoutes());
  const [houses] = await plugin.search(QUERY, h.ctx);
  const files = await plugin.fetch(houses!, h.dir, LIMITS, h.ctx);
  t.same(files.map((f) => [f.path.slice(h.dir.length + 1), f.format, f.bytes]), [['train.csv', 'csv', TRAIN.length], ['meta/notes.txt', 'text', 5]]);
  t.same(await readFile(join(h.dir, 'train.csv')), TRAIN);
  t.same(await filesUnder(h.dir), ['meta', 'meta/notes.txt', 'train.csv'], 'no zip or partial file left');
});

t.test('fetch: one named file, sent raw or zipped', async (t) => {
  const h = await harness(t, { ...apiRoutes(), 'GET /api/v1/datasets/download/acme/houses/test.csv': { headers: { 'content-type': 'application/zip' }, body: makeZip([{ name: 'test.csv', data: Buffer.from('id\n3\n') }]) } });
  const raw = await plugin.fetch({ id: 'kaggle:acme/houses:train.csv', plugin: 'x', uri: 'u', format: 'csv' }, h.dir, LIMITS, h.ctx);
  t.same(raw.map((f) => [f.path.slice(h.dir.length + 1), f.bytes]), [['train.csv', TRAIN.length]]);
  const zipped = await plugin.fetch({ id: 'kaggle:acme/houses:test.csv', plugin: 'x', uri: 'u', format: 'csv' }, h.dir, LIMITS, h.ctx);
  t.equal(await readFile(zipped[0]!.path, 'utf8'), 'id\n3\n');
});

t.test('401 and 403: a clear message about the Kaggle credentials, without the key', async (t) => {
  for (const status of [401, 403]) {
    const h = await harness(t, { 'GET /api/v1/datasets/list': { status, body: { code: status, message: 'Unauthenticated' } } });
    const err = await plugin.search(QUERY, h.ctx).catch((e: unknown) => e);
    t.ok(err instanceof DataMasterError);
    t.equal((err as DataMasterError).code, 'E_HTTP_AUTH', `${status}`);
    t.match((err as Error).message, /KAGGLE_USERNAME \/ KAGGLE_KEY/);
    t.notMatch((err as Error).message, KEY);
  }
});

t.test('404: an unknown dataset', async (t) => {
  const h = await harness(t, apiRoutes());
  const err = await plugin.fetch({ id: 'kaggle:acme/gone', plugin: 'x', uri: 'u', format: 'zip' }, h.dir, LIMITS, h.ctx).catch((e: unknown) => e);
  t.equal((err as DataMasterError).code, 'E_HTTP_NOT_FOUND');
  t.match((err as Error).message, /acme\/gone/);
  t.same(await filesUnder(h.dir), []);
});

t.test('429 then success: waits Retry-After and goes on', async (t) => {
  const routes = apiRoutes();
  routes['GET /api/v1/datasets/download/acme/houses'] = [{ status: 429, headers: { 'retry-after': '2' } }, { headers: { 'content-type': 'application/zip' }, body: ZIP }];
  const h = await harness(t, routes);
  const files = await plugin.fetch({ id: 'kaggle:acme/houses', plugin: 'x', uri: 'u', format: 'zip' }, h.dir, LIMITS, h.ctx);
  t.equal(files.length, 2);
  t.same(h.waits, [2000]);
});

t.test('a truncated download fails and leaves nothing', async (t) => {
  const h = await harness(t, { 'GET /api/v1/datasets/download/acme/houses': { headers: { 'content-type': 'application/zip' }, body: ZIP, truncateAt: 40 } });
  const err = await plugin.fetch({ id: 'kaggle:acme/houses', plugin: 'x', uri: 'u', format: 'zip' }, h.dir, LIMITS, h.ctx).catch((e: unknown) => e);
  t.equal((err as DataMasterError).code, 'E_HTTP_TRUNCATED');
  t.same(await filesUnder(h.dir), []);
});

t.test('wrong content: an HTML page instead of the zip is refused', async (t) => {
  const h = await harness(t, { 'GET /api/v1/datasets/download/acme/houses': { headers: { 'content-type': 'text/html' }, body: '<html>Sign in</html>' } });
  const err = await plugin.fetch({ id: 'kaggle:acme/houses', plugin: 'x', uri: 'u', format: 'zip' }, h.dir, LIMITS, h.ctx).catch((e: unknown) => e);
  t.equal((err as DataMasterError).code, 'E_HTTP_CONTENT_TYPE');
  t.same(await filesUnder(h.dir), []);
});

t.test('over the size limit: the download, the declared size and the unpacked size', async (t) => {
  const h = await harness(t, apiRoutes());
  const err = await plugin.fetch({ id: 'kaggle:acme/houses', plugin: 'x', uri: 'u', format: 'zip' }, h.dir, { maxBytes: 50, timeoutMs: 10_000 }, h.ctx).catch((e: unknown) => e);
  t.equal((err as DataMasterError).code, 'E_HTTP_TOO_LARGE', 'the zip itself is over 50 bytes');
  const err2 = await plugin.fetch({ id: 'kaggle:acme/houses', plugin: 'x', uri: 'u', format: 'zip', sizeBytes: 10_000_000 }, h.dir, LIMITS, h.ctx).catch((e: unknown) => e);
  t.equal((err2 as DataMasterError).code, 'E_SOURCE_TOO_LARGE', 'refused from the declared size before downloading');
  const bomb = makeZip([{ name: 'zeros.csv', data: Buffer.alloc(4 * 1024 * 1024), deflate: true }]);
  const h2 = await harness(t, { 'GET /api/v1/datasets/download/acme/bomb': { headers: { 'content-type': 'application/zip' }, body: bomb } });
  const err3 = await plugin.fetch({ id: 'kaggle:acme/bomb', plugin: 'x', uri: 'u', format: 'zip' }, h2.dir, LIMITS, h2.ctx).catch((e: unknown) => e);
  t.equal((err3 as DataMasterError).code, 'E_ZIP_TOO_LARGE', `a ${bomb.length}-byte zip that unpacks to 4 MiB`);
  t.same(await filesUnder(h.dir), []);
  t.same(await filesUnder(h2.dir), []);
});

t.test('a zip with ../ entries is refused and nothing is written', async (t) => {
  const evil = makeZip([{ name: 'train.csv', data: TRAIN }, { name: '../../escaped.csv', data: Buffer.from('x') }]);
  const h = await harness(t, { 'GET /api/v1/datasets/download/acme/evil': { headers: { 'content-type': 'application/zip' }, body: evil } });
  const err = await plugin.fetch({ id: 'kaggle:acme/evil', plugin: 'x', uri: 'u', format: 'zip' }, h.dir, LIMITS, h.ctx).catch((e: unknown) => e);
  t.equal((err as DataMasterError).code, 'E_ZIP_UNSAFE');
  t.same(await filesUnder(h.dir), []);
  t.same((await readdir(h.root)).sort(), ['fetched', 'run'], 'nothing escaped the target');
});

t.test('conformance: sourcePluginSuite against the fake Kaggle API', async (t) => {
  const h = await harness(t, apiRoutes());
  sourcePluginSuite(t, { plugin, ctx: h.ctx, query: QUERY, limits: LIMITS });
});

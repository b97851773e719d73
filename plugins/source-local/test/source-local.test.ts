import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PluginContext, Source, SourceQuery } from '@datamaster/core';
import { sourcePluginSuite } from '@datamaster/core/testing';
import plugin, { type SourceLocalConfig } from '../src/index.ts';

const root = mkdtempSync(join(tmpdir(), 'source-local-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));
const pool = join(root, 'pool');
mkdirSync(join(pool, 'more'), { recursive: true });
writeFileSync(join(pool, 'weather.tsv'), 'obs_date\tprecip_in\tconditions\n2012-01-01\t0.1\train\n');
writeFileSync(join(pool, 'movies.json'), '[{"Title":"x","US_Gross":1}]\n');
writeFileSync(join(pool, 'more', 'extra.csv'), 'a,b\n1,2\n');
writeFileSync(join(root, 'secret.csv'), 'password\nhunter2\n');
const catalog = {
  title: 'test pool',
  entries: [
    { id: 'weather-daily', title: 'Seattle daily weather', description: 'precipitation and conditions per day', file: 'weather.tsv', format: 'tsv', license: 'CC0-1.0', tags: ['weather', 'seattle'], columns: [{ name: 'precip_in', type: 'DOUBLE', unit: 'in' }] },
    { id: 'films', title: 'Film box office', description: 'gross and budget', file: 'movies.json', format: 'json', license: 'CC-BY-4.0', tags: ['movies'] },
  ],
};
writeFileSync(join(pool, 'catalog.json'), JSON.stringify(catalog));

function ctx(config: SourceLocalConfig, baseDir = root): PluginContext<SourceLocalConfig> {
  const quiet = () => undefined;
  return {
    name: '@datamaster/source-local',
    config,
    workDir: join(root, 'work'),
    baseDir,
    logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    secrets: { get: (n) => process.env[n] },
    http: { request: () => Promise.reject(new Error('not used')), json: () => Promise.reject(new Error('not used')), download: () => Promise.reject(new Error('not used')) },
  };
}
const query = (text: string, limit = 10): SourceQuery => ({ text, limit, task: { id: 'seattle', description: 'predict the weather type of a day from precipitation' } });
const limits = { maxBytes: 1 << 20, timeoutMs: 1000 };

t.test('conformance suite', async (t) => {
  sourcePluginSuite(t, { plugin, makeContext: () => ctx({ catalog: 'pool/catalog.json' }), query: query('weather') });
});

t.test('search ranks by keyword overlap and returns schema-shaped local sources', async (t) => {
  const found = await plugin.search(query('seattle weather'), ctx({ catalog: 'pool/catalog.json' }));
  t.same(found.map((s) => s.id), ['local:weather-daily', 'local:films'], 'all entries of a small catalog, best match first');
  const first = found[0] as Source;
  t.equal(first.plugin, '@datamaster/source-local');
  t.equal(first.origin, 'local');
  t.equal(first.format, 'tsv');
  t.equal(first.license, 'CC0-1.0');
  t.match(first.uri, /^file:\/\/.*weather\.tsv$/);
  t.ok((first.sizeBytes ?? 0) > 0);
  const one = await plugin.search(query('movies box office', 1), ctx({ catalog: 'pool/catalog.json' }));
  t.same(one.map((s) => s.id), ['local:films'], 'limit respected, best first');
});

t.test('dirs are scanned for data files (catalog.json and dot-files skipped)', async (t) => {
  const found = await plugin.search(query('anything', 20), ctx({ dirs: ['pool'] }));
  t.same(found.map((s) => s.id).sort(), ['local:pool/more/extra.csv', 'local:pool/movies.json', 'local:pool/weather.tsv']);
});

t.test('fetch copies the file, refuses oversize files and unknown ids', async (t) => {
  const c = ctx({ catalog: 'pool/catalog.json' });
  const [src] = await plugin.search(query('weather', 1), c);
  const dir = join(root, 'fetched');
  const files = await plugin.fetch(src as Source, dir, limits, c);
  t.equal(files.length, 1);
  t.equal(files[0]?.format, 'tsv');
  t.ok(existsSync(files[0]?.path ?? ''));
  await t.rejects(plugin.fetch(src as Source, join(root, 'tiny'), { maxBytes: 3, timeoutMs: 1000 }, c), { code: 'E_SOURCE_TOO_LARGE' });
  t.notOk(existsSync(join(root, 'tiny', 'weather.tsv')), 'nothing written');
  await t.rejects(plugin.fetch({ ...(src as Source), id: 'local:nope', uri: 'file:///etc/passwd' }, dir, limits, c), { code: 'E_SOURCE_NOT_FOUND' });
});

t.test('paths that escape the catalog folder are refused', async (t) => {
  const evil = join(root, 'evil');
  mkdirSync(evil);
  writeFileSync(join(evil, 'catalog.json'), JSON.stringify({ entries: [{ id: 'x', title: 'x', file: '../secret.csv', format: 'csv' }] }));
  await t.rejects(plugin.search(query('x'), ctx({ catalog: 'evil/catalog.json' })), { code: 'E_CATALOG_ESCAPE', message: /evil\/catalog\.json: \/entries\/0\/file/ });
  const linked = join(root, 'linked');
  mkdirSync(linked);
  symlinkSync(join(root, 'secret.csv'), join(linked, 'data.csv'));
  writeFileSync(join(linked, 'catalog.json'), JSON.stringify({ entries: [{ id: 'y', title: 'y', file: 'data.csv', format: 'csv' }] }));
  const c = ctx({ catalog: 'linked/catalog.json' });
  const [src] = await plugin.search(query('y'), c);
  await t.rejects(plugin.fetch(src as Source, join(root, 'out'), limits, c), { code: 'E_SOURCE_ESCAPE' });
});

t.test('an invalid catalog names the file, the JSON path and the reason', async (t) => {
  const bad = join(root, 'bad');
  mkdirSync(bad);
  writeFileSync(join(bad, 'catalog.json'), JSON.stringify({ entries: [{ id: 'z', title: 'z', file: 'z.csv', format: 'xlsx' }] }));
  await t.rejects(plugin.search(query('z'), ctx({ catalog: 'bad/catalog.json' })), { code: 'E_CATALOG_SCHEMA', message: /bad\/catalog\.json.*\/entries\/0\/format: must be one of/ });
  writeFileSync(join(bad, 'broken.json'), '{');
  await t.rejects(plugin.search(query('z'), ctx({ catalog: 'bad/broken.json' })), { code: 'E_CATALOG_JSON' });
  await t.rejects(plugin.search(query('z'), ctx({ catalog: 'bad/missing.json' })), { code: 'E_CATALOG_READ' });
  await t.rejects(plugin.search(query('z'), ctx({})), { code: 'E_SOURCE_CONFIG' });
});

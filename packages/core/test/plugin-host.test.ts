import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataMasterError } from '../src/errors.ts';
import { PluginHost, resolvePluginDir, type LoadedPlugin } from '../src/plugin/host.ts';
import { createMemoryLogger } from '../src/plugin/logger.ts';
import { readManifest } from '../src/plugin/manifest.ts';
import { fetchSafely, searchSafely } from '../src/plugin/safe.ts';
import type { SourcePlugin, SourceQuery } from '../src/plugin/types.ts';

const fixtures = fileURLToPath(new URL('./fixtures/plugins/', import.meta.url));
const runDir = mkdtempSync(join(tmpdir(), 'dm-plugin-host-'));
t.teardown(() => rmSync(runDir, { recursive: true, force: true }));
const query: SourceQuery = { text: 'weather', task: { id: 't1', description: 'predict weather' }, limit: 5 };
const TOKEN = 'tok-Very-Secret-42';

function thrown(fn: () => unknown): DataMasterError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DataMasterError) return err;
    throw err;
  }
  throw new Error('expected a throw');
}
async function rejected(p: Promise<unknown>): Promise<DataMasterError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DataMasterError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

t.test('manifest errors name plugin, file, JSON path and reason', async (t) => {
  const bad = thrown(() => readManifest(join(fixtures, 'bad-manifest')));
  t.equal(bad.code, 'E_PLUGIN_MANIFEST');
  t.match(bad.message, 'plugin fixture-bad-manifest');
  t.match(bad.message, join(fixtures, 'bad-manifest', 'datamaster-plugin.json'));
  t.match(bad.message, '/kind');
  t.match(bad.message, /must be one of/);

  const none = thrown(() => readManifest(runDir));
  t.equal(none.code, 'E_PLUGIN_MANIFEST');
  t.match(none.message, /no datamaster-plugin.json/);

  const dir = join(runDir, 'broken-json');
  mkdirSync(dir);
  writeFileSync(join(dir, 'datamaster-plugin.json'), '{ "name": ');
  t.match(thrown(() => readManifest(dir)).message, /not valid JSON/);

  const schema = thrown(() => readManifest(join(fixtures, 'bad-schema')));
  t.equal(schema.code, 'E_PLUGIN_SCHEMA');
  t.match(schema.message, '/configSchema');
  t.match(schema.message, 'fixture-bad-schema');

  const noEntry = join(runDir, 'no-entry');
  mkdirSync(noEntry);
  writeFileSync(join(noEntry, 'datamaster-plugin.json'), JSON.stringify({ name: 'x', kind: 'critic', entry: 'gone.ts', configSchema: {} }));
  const e = thrown(() => readManifest(noEntry));
  t.match(e.message, '/entry');
  t.match(e.message, /gone\.ts/);
});

t.test('config is checked against configSchema, defaults filled; errors name file and path', async (t) => {
  const host = new PluginHost({ runDir, env: {} });
  const loaded = await host.load({ plugin: './csv-source', config: { folder: 'data' } }, { baseDir: fixtures });
  t.equal(loaded.name, 'fixture-csv-source');
  t.equal(loaded.kind, 'source');
  t.same(loaded.config, { folder: 'data', maxResults: 10 }, 'default filled');
  t.equal(loaded.ctx.workDir, join(runDir, 'plugins', 'fixture-csv-source'));
  t.ok(existsSync(loaded.ctx.workDir), 'sandbox dir created');

  const err = await rejected(
    host.load({ plugin: './csv-source', config: { folder: 'data', maxResults: 1000 } }, { baseDir: fixtures, file: '/x/task.json', path: '/sources/0/config' }),
  );
  t.equal(err.code, 'E_PLUGIN_CONFIG');
  t.match(err.message, 'plugin fixture-csv-source');
  t.match(err.message, '/x/task.json');
  t.match(err.message, '/sources/0/config/maxResults');
  t.match(err.message, /must be <= 100/);

  const missing = await rejected(host.load({ plugin: './csv-source', config: {} }, { baseDir: fixtures }));
  t.match(missing.message, /missing required property 'folder'/);
});

t.test('contract errors: wrong kind, missing method, wrong kind for the slot', async (t) => {
  const host = new PluginHost({ runDir });
  const wrong = await rejected(host.load({ plugin: join(fixtures, 'wrong-kind') }));
  t.equal(wrong.code, 'E_PLUGIN_CONTRACT');
  t.match(wrong.message, /kind "critic" but the manifest says 'source'/);
  const missing = await rejected(host.load({ plugin: join(fixtures, 'missing-method') }));
  t.equal(missing.code, 'E_PLUGIN_CONTRACT');
  t.match(missing.message, /fetch\(\)/);
  const slot = await rejected(host.loadCritic({ plugin: './csv-source', config: { folder: 'data' } }, { baseDir: fixtures }));
  t.equal(slot.code, 'E_PLUGIN_CONTRACT');
  t.match(slot.message, /is a source plugin, but a critic plugin is needed/);
});

t.test('resolves workspace packages by name and reports unknown ones', async (t) => {
  const dir = resolvePluginDir('@datamaster/core', runDir);
  t.ok(existsSync(join(dir, 'src', 'index.ts')), 'found through node_modules from the repo root');
  const err = thrown(() => resolvePluginDir('@datamaster/no-such-plugin', runDir));
  t.equal(err.code, 'E_PLUGIN_NOT_FOUND');
  t.match(err.message, /npm i @datamaster\/no-such-plugin/);
  t.equal(thrown(() => resolvePluginDir('./nowhere', runDir)).code, 'E_PLUGIN_NOT_FOUND');
});

t.test('a plugin that throws is isolated: error with its name, secrets redacted, run goes on', async (t) => {
  const logger = createMemoryLogger();
  const host = new PluginHost({ runDir, logger, env: { FIXTURE_TOKEN: TOKEN } });
  const loaded = await host.loadSource({ plugin: './throwing-source' }, { baseDir: fixtures });
  const out = await searchSafely(loaded, query);
  t.same(out.sources, []);
  t.equal(out.error?.code, 'E_PLUGIN_FAILED');
  t.match(out.error?.message, 'fixture-throwing-source');
  t.match(out.error?.message, /upstream refused token/);
  t.notMatch(out.error?.message, TOKEN, 'secret not in the error');
  t.notMatch(JSON.stringify(logger.entries), TOKEN, 'secret not in the log');
  t.ok(logger.entries.some((e) => e.level === 'warn' && e.msg.includes('search() failed')), 'logged with a reason');

  const fetched = await fetchSafely(loaded, { id: 'a:b', plugin: 'x', uri: 'u', format: 'csv' }, join(runDir, 'f'), { maxBytes: 10, timeoutMs: 10 });
  t.equal(fetched.error?.code, 'E_PLUGIN_FAILED');
  t.match(fetched.error?.message, /fetch\(\) failed: \[E_INTERNAL\] fetch is broken/);
});

t.test('a plugin that hangs times out as E_PLUGIN_FAILED', async (t) => {
  const host = new PluginHost({ runDir });
  const loaded = await host.loadSource({ plugin: './throwing-source', config: { hang: true } }, { baseDir: fixtures });
  const out = await searchSafely(loaded, query, { timeoutMs: 50 });
  t.equal(out.error?.code, 'E_PLUGIN_FAILED');
  t.equal(out.error?.details.cause, 'E_PLUGIN_TIMEOUT');
});

t.test('invalid candidates are dropped with reasons; plugin forced to the loader name', async (t) => {
  const logger = createMemoryLogger();
  const host = new PluginHost({ runDir, logger });
  const loaded = await host.loadSource({ plugin: './invalid-candidates' }, { baseDir: fixtures });
  const out = await searchSafely(loaded, query);
  t.equal(out.error, undefined);
  t.same(out.sources.map((s) => [s.id, s.plugin]), [['x:good', 'fixture-invalid-candidates']]);
  t.equal(out.dropped.length, 4);
  t.match(out.dropped[0]?.reason, /missing required property 'format'/);
  t.match(out.dropped[1]?.reason, /\/format: must be one of/);
  t.match(out.dropped[2]?.reason, /not an object/);
  t.match(out.dropped[3]?.reason, /repeats id 'x:good'/);
  t.equal(logger.entries.filter((e) => e.msg.includes('dropped a search result')).length, 4);
});

t.test('fetched files must exist inside the directory with a known format; sizes come from disk', async (t) => {
  const host = new PluginHost({ runDir });
  const loaded = await host.loadSource({ plugin: './escaping-fetch' }, { baseDir: fixtures });
  const dir = join(runDir, 'escape', 'in');
  mkdirSync(dir, { recursive: true });
  const out = await fetchSafely(loaded, { id: 'e:one', plugin: 'e', uri: 'mem://one', format: 'csv' }, dir, { maxBytes: 1000, timeoutMs: 1000 });
  t.same(out.files, [{ path: join(dir, 'good.csv'), format: 'csv', bytes: 8 }]);
  t.equal(out.dropped.length, 3);
  t.match(out.dropped[0]?.reason, /outside the fetch directory/);
  t.match(out.dropped[1]?.reason, /does not exist/);
  t.match(out.dropped[2]?.reason, /unknown format "xls"/);
  const over = await fetchSafely(loaded, { id: 'e:one', plugin: 'e', uri: 'mem://one', format: 'csv' }, dir, { maxBytes: 4, timeoutMs: 1000 });
  t.equal(over.error?.code, 'E_PLUGIN_FAILED');
  t.same(readdirSync(dir), ['good.csv']);
});

t.test('a loaded source works end to end through the safe wrappers', async (t) => {
  const host = new PluginHost({ runDir, env: { FIXTURE_TOKEN: TOKEN } });
  const loaded: LoadedPlugin<SourcePlugin> = await host.loadSource({ plugin: './csv-source', config: { folder: 'csv-source/data' } }, { baseDir: fixtures });
  const found = await searchSafely(loaded, query);
  t.equal(found.error, undefined);
  t.same(found.sources.map((s) => s.id), ['fixture-csv-source:weather.csv']);
  const dir = join(runDir, 'fetched');
  mkdirSync(dir);
  const got = await fetchSafely(loaded, found.sources[0]!, dir, { maxBytes: 1 << 20, timeoutMs: 5000 });
  t.same(got.files.map((f) => [f.path, f.bytes]), [[join(dir, 'weather.csv'), 30]]);
  t.equal(host.loaded.length, 1);
});

import t from 'tap';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataMasterError } from '../src/errors.ts';
import { buildPluginContext, safePluginDirName } from '../src/plugin/context.ts';
import { createMemoryLogger } from '../src/plugin/logger.ts';
import { redactUrl } from '../src/plugin/redact.ts';
import { startLoopback } from '@datamaster/sdk/testing';

const runDir = mkdtempSync(join(tmpdir(), 'dm-plugin-ctx-'));
t.teardown(() => rmSync(runDir, { recursive: true, force: true }));
const SECRET = 'kaggle-key-0123456789';

t.test('sandbox dir per plugin, safe as one path segment', async (t) => {
  t.equal(safePluginDirName('@datamaster/source-hf'), 'datamaster__source-hf');
  t.equal(safePluginDirName('..'), '_plugin');
  const { ctx } = buildPluginContext({ name: '@acme/s3 source', config: {}, runDir });
  t.equal(ctx.workDir, join(runDir, 'plugins', 'acme__s3_source'));
  t.ok(existsSync(ctx.workDir));
});

t.test('secrets: only declared names, values from the given env', async (t) => {
  const { ctx } = buildPluginContext({ name: 'p', config: {}, runDir, secrets: ['KAGGLE_KEY', 'EMPTY'], env: { KAGGLE_KEY: SECRET, EMPTY: '', HOME: '/root' } });
  t.equal(ctx.secrets.get('KAGGLE_KEY'), SECRET);
  t.equal(ctx.secrets.get('EMPTY'), undefined, 'empty counts as unset');
  try {
    ctx.secrets.get('HOME');
    t.fail('undeclared secret must throw');
  } catch (err) {
    t.ok(err instanceof DataMasterError);
    t.equal((err as DataMasterError).code, 'E_PLUGIN_SECRET');
    t.match((err as Error).message, /add it to "secrets" in datamaster-plugin.json/);
  }
});

t.test('the logger prefixes the plugin name and redacts secrets in messages and fields', async (t) => {
  const base = createMemoryLogger();
  const { ctx } = buildPluginContext({ name: 'p', config: {}, runDir, secrets: ['KAGGLE_KEY'], env: { KAGGLE_KEY: SECRET }, logger: base });
  ctx.logger.info(`using key ${SECRET}`, { key: SECRET, nested: { list: [`x${SECRET}y`] }, authorization: 'Bearer abc', n: 3, err: new Error(`bad ${SECRET}`) });
  ctx.logger.warn('plain');
  const text = JSON.stringify(base.entries);
  t.notMatch(text, SECRET);
  t.notMatch(text, 'Bearer abc', 'authorization fields are redacted by name');
  t.equal(base.entries[0]?.msg, '[p] using key [redacted]');
  t.same(base.entries[0]?.fields?.nested, { list: ['x[redacted]y'] });
  t.equal(base.entries[0]?.fields?.n, 3);
  t.same(base.entries[1], { level: 'warn', msg: '[p] plain' });
});

t.test('the context HTTP client redacts secrets and token params from errors', async (t) => {
  const server = await startLoopback({ '/private/*': { status: 403 } });
  t.teardown(() => server.close());
  const base = createMemoryLogger();
  // DATAMASTER_HTTP_ALLOW lets exactly this loopback server through the client's internal-address guard.
  const env = { KAGGLE_KEY: SECRET, DATAMASTER_HTTP_ALLOW: new URL(server.url).host };
  const { ctx } = buildPluginContext({ name: 'p', config: {}, runDir, secrets: ['KAGGLE_KEY'], env, logger: base });
  try {
    await ctx.http.request(`${server.url}/private/${SECRET}?api_key=${SECRET}`, { headers: { authorization: `Basic ${SECRET}` } });
    t.fail('403 must throw');
  } catch (err) {
    t.equal((err as DataMasterError).code, 'E_HTTP_AUTH');
    t.notMatch((err as Error).message, SECRET);
    t.notMatch(JSON.stringify((err as DataMasterError).details), SECRET);
  }
  t.equal(redactUrl('https://u:p@h.example/x?token=abc&q=1'), 'https://redacted@h.example/x?token=redacted&q=1');
});

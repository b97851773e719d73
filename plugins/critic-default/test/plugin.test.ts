import t from 'tap';
import { readFileSync } from 'node:fs';
import { schemas, type CriticPlugin, type PluginManifest } from '@datamaster/core';
import critic from '../src/index.ts';
import { DEFAULT_CRITIC_CONFIG } from '../src/config.ts';
import { TreeBuilder, context, emptyMemory, pool } from '@datamaster/core/testing';

const manifest = JSON.parse(readFileSync(new URL('../datamaster-plugin.json', import.meta.url), 'utf8')) as PluginManifest;

t.test('manifest fits the plugin-manifest schema and names this package', async (t) => {
  t.same(schemas().check('plugin-manifest', manifest), []);
  t.equal(manifest.kind, 'critic');
  t.equal(manifest.entry, './src/index.ts');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string };
  t.equal(manifest.name, pkg.name);
});

t.test('configSchema defaults are the code defaults', async (t) => {
  const validate = schemas().compileForeign(manifest.configSchema, 'test:critic-default');
  const filled: Record<string, unknown> = {};
  t.ok(validate(filled));
  t.same(filled, DEFAULT_CRITIC_CONFIG);
  t.notOk(validate({ noise: -1 }), 'the schema rejects a negative noise');
});

t.test('default export is a critic plugin that judges through its context config', async (t) => {
  const plugin: CriticPlugin = critic;
  t.equal(plugin.kind, 'critic');
  const b = new TreeBuilder('max');
  b.add('n1', null, [], 0.8);
  b.add('n2', 'n1', [{ op: 'dedupe' }], 0.85);
  const input = { node: b.node('n2'), parent: b.node('n1'), best: b.node('n1'), tree: b.tree, pool: pool([]), memory: emptyMemory(), direction: 'max' as const };
  t.equal((await plugin.judge(input, context({}))).reward, 2);
  t.equal((await plugin.judge(input, context({ newBestBonus: 0.5 }))).reward, 1.5);
  await t.rejects(plugin.judge(input, context({ bogus: 1 })), { code: 'E_CRITIC_CONFIG' });
});

import t from 'tap';
import { readFileSync } from 'node:fs';
import { schemas, type PluginManifest, type PolicyPlugin } from '@datamaster/core';
import policy from '../src/index.ts';
import { DEFAULT_POLICY_CONFIG, resolvePolicyConfig } from '../src/config.ts';
import { context } from '@datamaster/core/testing';
import { input, rootTree } from './fixture.ts';

const manifest = JSON.parse(readFileSync(new URL('../datamaster-plugin.json', import.meta.url), 'utf8')) as PluginManifest;

t.test('manifest fits the plugin-manifest schema and names this package', async (t) => {
  t.same(schemas().check('plugin-manifest', manifest), []);
  t.equal(manifest.kind, 'policy');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string };
  t.equal(manifest.name, pkg.name);
});

t.test('configSchema defaults are the code defaults', async (t) => {
  const validate = schemas().compileForeign(manifest.configSchema, 'test:policy-rules');
  const filled: Record<string, unknown> = {};
  t.ok(validate(filled));
  t.same(filled, DEFAULT_POLICY_CONFIG);
  t.notOk(validate({ expandShare: 2 }));
});

t.test('config errors carry a code and the JSON path', async (t) => {
  t.throws(() => resolvePolicyConfig({ expandShare: 1.5 }), { code: 'E_POLICY_CONFIG', message: /\/expandShare must be a number in \[0, 1\]/ });
  t.throws(() => resolvePolicyConfig({ rootExpansions: 1.5 }), { code: 'E_POLICY_CONFIG', message: /an integer/ });
  t.throws(() => resolvePolicyConfig({ alignUnitsOnAdd: 'yes' }), { code: 'E_POLICY_CONFIG', message: /boolean/ });
  t.throws(() => resolvePolicyConfig({ wantMore: 1 }), { code: 'E_POLICY_CONFIG', message: /unknown key \/wantMore/ });
});

t.test('default export proposes through its context and logs what it dropped', async (t) => {
  const plugin: PolicyPlugin = policy;
  t.equal(plugin.kind, 'policy');
  const b = rootTree();
  const logged: Record<string, unknown>[] = [];
  const ctx = context({ rootRefinements: 1 });
  ctx.logger.debug = (_msg, fields) => void logged.push(fields ?? {});
  const got = await plugin.propose(input(b, b.node('n1'), 6), ctx);
  t.same(got.map((p) => p.kind), ['expand', 'refine']);
  t.equal(logged[0]?.proposed, 2);
  await t.rejects(plugin.propose(input(b, b.node('n1'), 6), context({ expandShare: -1 })), { code: 'E_POLICY_CONFIG' });
});

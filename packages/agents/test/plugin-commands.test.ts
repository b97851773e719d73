import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataMasterError, type PluginKind } from '@datamaster/core';
import { checkPlugin, formatCheckReport, scaffoldPlugin } from '../src/cli/plugin-commands.ts';

// Scaffolds inside the repository so the new package resolves '@datamaster/core' like a workspace plugin would.
const scratch = fileURLToPath(new URL(`./.tmp-scaffold-${process.pid}/`, import.meta.url));
mkdirSync(scratch, { recursive: true });
t.teardown(() => rmSync(scratch, { recursive: true, force: true }));
const coreFixtures = fileURLToPath(new URL('../../core/test/fixtures/plugins/', import.meta.url));

/** Runs the scaffolded package's own test file the way `npm test` would (tsx loader). */
function runOwnTest(dir: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--import=tsx', 'test/plugin.test.ts'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

for (const kind of ['source', 'benchmark', 'critic', 'policy'] as PluginKind[]) {
  t.test(`a scaffolded ${kind} plugin passes check and its own test`, async (t) => {
    const dir = join(scratch, kind);
    const name = `@acme/${kind}-demo`;
    const made = scaffoldPlugin({ kind, name, dir });
    for (const f of ['package.json', 'datamaster-plugin.json', 'src/index.ts', 'test/plugin.test.ts', 'README.md']) {
      t.ok(existsSync(join(dir, f)), `${f} written`);
    }
    t.ok(made.files.includes('src/index.ts'));
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };
    t.equal(pkg.name, name);
    t.ok(pkg.dependencies['@datamaster/sdk'], 'depends on the SDK only');
    t.notOk(pkg.dependencies['@datamaster/core'], 'not on the runtime');
    t.match(readFileSync(join(dir, 'README.md'), 'utf8'), name);

    const report = await checkPlugin(dir);
    t.ok(report.ok, formatCheckReport(report));
    t.equal(report.kind, kind);
    const names = report.checks.map((c) => c.name);
    t.same(names.slice(0, 6), ['manifest', 'config schema', 'entry loads', 'kind matches', 'methods present', 'example config']);
    if (kind === 'source') {
      const search = report.checks.find((c) => c.name === 'search');
      t.equal(search?.ok, true);
      t.match(search?.detail, /1 candidate\(s\), first @acme\/source-demo:example\.csv/);
    }

    const own = runOwnTest(dir);
    t.equal(own.code, 0, own.code === 0 ? 'its own test passes' : `its own test failed:\n${own.out.slice(-1500)}`);
    t.notMatch(own.out, /not ok/);
    if (kind === 'source') t.match(own.out, /a tiny maxBytes makes fetch fail/, 'ran the conformance suite');
    if (kind === 'benchmark') {
      t.match(report.checks.find((c) => c.name === 'prepare')?.detail, /test inputs/);
      t.match(report.checks.find((c) => c.name === 'evaluate')?.detail, /as a Parquet artifact scores (0\.\d+|1) \(accuracy\)/);
    }
  });
}

t.test('check runs a benchmark the way a run does: a benchmark with no test inputs or that cannot read Parquet fails', async (t) => {
  const dir = join(scratch, 'bench-broken');
  scaffoldPlugin({ kind: 'benchmark', name: '@acme/bench-broken', dir });
  const src = join(dir, 'src/index.ts');
  const good = readFileSync(src, 'utf8');
  // The old template's bug: no test inputs returned, so the contamination check is silently off.
  writeFileSync(src, good.replace('...(testInputs ? { testInputs } : {}),', ''));
  const noTest = await checkPlugin(dir);
  t.notOk(noTest.ok);
  t.equal(noTest.checks.find((c) => c.name === 'prepare')?.code, 'E_BENCH_NO_TEST_INPUTS');
  // A CSV reader on the Parquet artifact (the old template's other bug); a new folder, since modules are cached by path.
  const dir2 = join(scratch, 'bench-csv-reader');
  scaffoldPlugin({ kind: 'benchmark', name: '@acme/bench-csv-reader', dir: dir2 });
  const naive = [
    "const [head = '', ...lines] = (await import('node:fs')).readFileSync(artifact.path, 'utf8').split('\\n');",
    "const rows = lines.map((l) => Object.fromEntries(head.split(',').map((h, i) => [h, l.split(',')[i] ?? null])));",
  ].join('\n');
  writeFileSync(join(dir2, 'src/index.ts'), good.replace('const { rows } = await readTable(artifact.path, artifact.format);', naive));
  const csv = await checkPlugin(dir2);
  t.notOk(csv.ok, formatCheckReport(csv));
  t.equal(csv.checks.find((c) => c.name === 'evaluate')?.ok, false);
});

t.test('check reports what is wrong without throwing', async (t) => {
  const bad = await checkPlugin(join(coreFixtures, 'bad-manifest'));
  t.notOk(bad.ok);
  t.equal(bad.checks[0]?.name, 'manifest');
  t.equal(bad.checks[0]?.code, 'E_PLUGIN_MANIFEST');
  t.match(bad.checks[0]?.detail, '/kind');

  const schema = await checkPlugin(join(coreFixtures, 'bad-schema'));
  t.same(schema.checks.map((c) => [c.name, c.ok]), [['manifest', true], ['config schema', false]]);

  const wrong = await checkPlugin(join(coreFixtures, 'wrong-kind'));
  t.notOk(wrong.ok);
  t.same(wrong.checks.at(-1), { name: 'kind matches', ok: false, detail: `export kind "critic", manifest kind 'source'` });

  const missing = await checkPlugin(join(coreFixtures, 'missing-method'));
  t.equal(missing.checks.at(-1)?.name, 'methods present');
  t.match(missing.checks.at(-1)?.detail, /missing fetch\(\)/);
  t.match(formatCheckReport(missing), /✗ methods present/);
});

t.test('an example config that breaks the schema, and a search that throws, fail the check', async (t) => {
  const dir = join(scratch, 'broken-source');
  scaffoldPlugin({ kind: 'source', name: 'broken-source', dir });
  const manifestFile = join(dir, 'datamaster-plugin.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { configSchema: { examples: unknown[] } };
  manifest.configSchema.examples = [{ folder: 'no-such-folder' }];
  writeFileSync(manifestFile, JSON.stringify(manifest));
  const report = await checkPlugin(dir);
  t.notOk(report.ok);
  t.equal(report.checks.at(-1)?.name, 'search');
  t.equal(report.checks.at(-1)?.code, 'E_PLUGIN_FAILED');
  t.match(report.checks.at(-1)?.detail, /E_SOURCE_FOLDER/);

  manifest.configSchema.examples = [{ folder: 3 }];
  writeFileSync(manifestFile, JSON.stringify(manifest));
  const bad = await checkPlugin(dir);
  t.equal(bad.checks.at(-1)?.name, 'example config');
  t.match(bad.checks.at(-1)?.detail, '/configSchema/examples/0/folder');
});

t.test('scaffold refuses bad names, kinds and non-empty directories', async (t) => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return err instanceof DataMasterError ? err.code : 'not a DataMasterError';
    }
    return 'no error';
  };
  t.equal(code(() => scaffoldPlugin({ kind: 'source', name: 'Bad Name', dir: join(scratch, 'x') })), 'E_PLUGIN_NAME');
  t.equal(code(() => scaffoldPlugin({ kind: 'sink' as PluginKind, name: 'ok', dir: join(scratch, 'y') })), 'E_PLUGIN_KIND');
  t.equal(code(() => scaffoldPlugin({ kind: 'critic', name: 'again', dir: join(scratch, 'source') })), 'E_SCAFFOLD_EXISTS');
});

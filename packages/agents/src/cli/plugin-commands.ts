import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  checkPluginConfig,
  DataMasterError,
  errorInfo,
  loadJsonFile,
  PluginHost,
  readManifest,
  REQUIRED_METHODS,
  searchSafely,
  type BenchmarkPlugin,
  type PluginKind,
  type PreparedTask,
  type Task,
  type ReadManifest,
  type SourcePlugin,
  type LoadedPlugin,
} from '@datamaster/core';
import { readerSql, sqlString, withDuck } from '@datamaster/sdk';

const KINDS: readonly PluginKind[] = ['source', 'benchmark', 'critic', 'policy'];
const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const TEMPLATES = new URL('./templates/', import.meta.url);

export interface ScaffoldOptions {
  kind: PluginKind;
  /** npm package name, also the plugin's name in its manifest: 'my-source' or '@acme/source-s3'. */
  name: string;
  /** Target directory; created; must not exist or be empty. */
  dir: string;
  description?: string;
}

export interface ScaffoldResult {
  dir: string;
  /** Written files, relative to dir. */
  files: string[];
}

function template(path: string): string {
  return readFileSync(new URL(path, TEMPLATES), 'utf8');
}

function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/__([A-Z]+)__/g, (whole, key: string) => vars[key] ?? whole);
}

/**
 * `datamaster plugin new <kind> <name> [--dir <dir>]`: writes a working plugin package (package.json,
 * datamaster-plugin.json, src/index.ts, test/plugin.test.ts, README.md; a source also gets data/example.csv).
 */
export function scaffoldPlugin(opts: ScaffoldOptions): ScaffoldResult {
  if (!KINDS.includes(opts.kind)) {
    throw new DataMasterError('E_PLUGIN_KIND', `unknown plugin kind '${opts.kind}'; use one of ${KINDS.join(', ')}`, { kind: opts.kind });
  }
  if (!PACKAGE_NAME.test(opts.name)) {
    throw new DataMasterError(
      'E_PLUGIN_NAME',
      `'${opts.name}' is not a valid npm package name (lowercase letters, digits, '-', '.', '_', optional @scope/)`,
      { name: opts.name },
    );
  }
  const dir = resolve(opts.dir);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new DataMasterError('E_SCAFFOLD_EXISTS', `${dir} exists and is not empty; choose a new directory`, { dir });
  }
  const kind = opts.kind;
  const description = opts.description ?? `A DataMaster ${kind} plugin.`;
  const configSchema = JSON.parse(template(`${kind}/config.json`)) as { examples?: unknown[] };
  const example = configSchema.examples?.[0] ?? {};
  const manifest = {
    name: opts.name,
    version: '0.1.0',
    kind,
    entry: 'src/index.ts',
    description,
    sdk: '1',
    configSchema,
    secrets: [] as string[],
  };
  const slot = kind === 'source' ? `"sources": [{ "plugin": "${opts.name}", "config": ${JSON.stringify(example)} }]` : `"${kind}": { "plugin": "${opts.name}", "config": ${JSON.stringify(example)} }`;
  const vars: Record<string, string> = {
    NAME: opts.name,
    KIND: kind,
    DESCRIPTION: description,
    EXAMPLE: JSON.stringify(example, null, 2),
    USAGE: `{\n  ${slot}\n}`,
    TESTKIND: kind === 'source' ? 'the source conformance suite from @datamaster/core/testing' : 'a contract test',
    CHECKEXTRA: kind === 'source' ? ', and runs a search with the example config' : '',
  };
  const files: Record<string, string> = {
    'package.json': fill(template('common/package.json.tmpl'), vars),
    'datamaster-plugin.json': `${JSON.stringify(manifest, null, 2)}\n`,
    'src/index.ts': fill(template(`${kind}/index.ts.tmpl`), vars),
    'test/plugin.test.ts': fill(template(`${kind}/plugin.test.ts.tmpl`), vars),
    'README.md': fill(template('common/README.md.tmpl'), vars),
  };
  if (kind === 'source') files['data/example.csv'] = template('source/example.csv');
  // A benchmark ships a small real table (penguins, from vega-datasets): its example config runs as is.
  if (kind === 'benchmark') for (const f of ['train.csv', 'test-inputs.csv', 'test-answers.csv']) files[`data/${f}`] = template(`benchmark/data/${f}`);
  for (const [rel, text] of Object.entries(files)) {
    const file = join(dir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return { dir, files: Object.keys(files) };
}

export interface PluginCheck {
  name: 'manifest' | 'config schema' | 'entry loads' | 'kind matches' | 'methods present' | 'example config' | 'search' | 'prepare' | 'evaluate';
  ok: boolean;
  detail: string;
  code?: string;
}

export interface PluginCheckReport {
  ok: boolean;
  dir: string;
  plugin?: string;
  kind?: PluginKind;
  checks: PluginCheck[];
}

export interface CheckOptions {
  /** Query text for the example search of a source plugin; default the plugin's description or name. */
  query?: string;
  /** Time limit for the example search. */
  timeoutMs?: number;
  /** Environment for declared secrets; default process.env. */
  env?: Record<string, string | undefined>;
  /** Benchmark: a task file to prepare and evaluate with (its benchmark config replaces the example config). */
  task?: string;
}

/**
 * `datamaster plugin check <path>`: validates the manifest, that its config schema compiles, that the entry
 * loads and exports a plugin of the manifest's kind with the kind's methods, that the config schema's first
 * `examples` entry is a valid config, and (for a source with an example config) that a search runs and
 * returns schema-valid candidates. Never throws for a broken plugin: everything is in the report.
 */
export async function checkPlugin(path: string, opts: CheckOptions = {}): Promise<PluginCheckReport> {
  const dir = resolve(path);
  const report: PluginCheckReport = { ok: false, dir, checks: [] };
  const add = (check: PluginCheck) => {
    report.checks.push(check);
    return check.ok;
  };
  const failed = (name: PluginCheck['name'], err: unknown) => add({ name, ok: false, detail: errorInfo(err).message, code: errorInfo(err).code });

  let read: ReadManifest;
  try {
    read = readManifest(dir);
  } catch (err) {
    const code = errorInfo(err).code;
    if (code === 'E_PLUGIN_SCHEMA') {
      add({ name: 'manifest', ok: true, detail: 'matches schemas/plugin-manifest.schema.json' });
      failed('config schema', err);
    } else failed('manifest', err);
    return report;
  }
  report.plugin = read.manifest.name;
  report.kind = read.manifest.kind;
  add({ name: 'manifest', ok: true, detail: `${read.manifest.name}: a ${read.manifest.kind} plugin, entry ${read.manifest.entry}` });
  add({ name: 'config schema', ok: true, detail: 'compiles as JSON Schema 2020-12' });

  let exported: unknown;
  try {
    exported = ((await import(pathToFileURL(read.entry).href)) as { default?: unknown }).default;
    add({ name: 'entry loads', ok: exported !== undefined, detail: exported !== undefined ? read.entry : `${read.entry} has no default export` });
  } catch (err) {
    failed('entry loads', err);
    return report;
  }
  if (exported === undefined) return report;
  const kind = (exported as { kind?: unknown } | null)?.kind;
  if (!add({ name: 'kind matches', ok: kind === read.manifest.kind, detail: `export kind ${JSON.stringify(kind)}, manifest kind '${read.manifest.kind}'` })) return report;
  const missing = REQUIRED_METHODS[read.manifest.kind].filter((m) => typeof (exported as Record<string, unknown>)[m] !== 'function');
  if (
    !add({
      name: 'methods present',
      ok: missing.length === 0,
      detail: missing.length ? `missing ${missing.map((m) => `${m}()`).join(', ')}` : REQUIRED_METHODS[read.manifest.kind].join(', '),
    })
  )
    return report;

  const examples = (read.manifest.configSchema as { examples?: unknown[] }).examples;
  const example = Array.isArray(examples) ? examples[0] : undefined;
  if (example !== undefined) {
    try {
      checkPluginConfig(read, example, { file: read.file, path: '/configSchema/examples/0' });
      add({ name: 'example config', ok: true, detail: JSON.stringify(example) });
    } catch (err) {
      failed('example config', err);
      return report;
    }
    if (read.manifest.kind === 'source') await checkSearch(read, example, opts, add);
  }
  if (read.manifest.kind === 'benchmark' && (example !== undefined || opts.task)) await checkBenchmark(read, example, opts, add);
  report.ok = report.checks.every((c) => c.ok);
  return report;
}

async function checkSearch(read: ReadManifest, config: unknown, opts: CheckOptions, add: (c: PluginCheck) => boolean): Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), 'dm-plugin-check-'));
  try {
    const host = new PluginHost({ runDir, ...(opts.env ? { env: opts.env } : {}) });
    const loaded = (await host.load({ plugin: read.dir, config: config as Record<string, unknown> }, { baseDir: read.dir })) as LoadedPlugin<SourcePlugin>;
    const text = opts.query ?? read.manifest.description ?? read.manifest.name;
    const out = await searchSafely(loaded, { text, task: { id: 'plugin-check', description: text }, limit: 5 }, { timeoutMs: opts.timeoutMs ?? 30_000 });
    if (out.error) add({ name: 'search', ok: false, detail: out.error.message, code: out.error.code });
    else if (out.dropped.length) add({ name: 'search', ok: false, detail: `${out.dropped.length} invalid candidate(s): ${out.dropped.map((d) => d.reason).join('; ')}` });
    else add({ name: 'search', ok: true, detail: `${out.sources.length} candidate(s)${out.sources[0] ? `, first ${out.sources[0].id}` : ''}` });
  } catch (err) {
    add({ name: 'search', ok: false, detail: errorInfo(err).message, code: errorInfo(err).code });
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

/**
 * A benchmark is checked the way a run uses it: prepare the task, then evaluate the base data as the data engine
 * hands it over (a Parquet artifact). A benchmark that returns no test inputs fails: the contamination check would
 * be silently off.
 */
async function checkBenchmark(read: ReadManifest, example: unknown, opts: CheckOptions, add: (c: PluginCheck) => boolean): Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), 'dm-plugin-check-'));
  try {
    let task: Task;
    let baseDir = read.dir;
    let file: string | undefined;
    if (opts.task) {
      file = resolve(opts.task);
      task = loadJsonFile<Task>(file, 'task', 'see schemas/task.schema.json');
      baseDir = dirname(file);
    } else {
      const config = example as Record<string, unknown>;
      task = {
        id: 'plugin-check',
        description: read.manifest.description ?? read.manifest.name,
        benchmark: { plugin: read.dir, config },
        metric: { name: 'accuracy', direction: 'max' },
        ...(typeof config.label === 'string' ? { data: { label: config.label } } : {}),
      };
    }
    const host = new PluginHost({ runDir, ...(opts.env ? { env: opts.env } : {}) });
    const loaded = (await host.load({ plugin: read.dir, config: task.benchmark.config ?? {} }, { baseDir, ...(file ? { file, path: '/benchmark/config' } : {}) })) as LoadedPlugin<BenchmarkPlugin>;
    let prepared: PreparedTask;
    try {
      prepared = await loaded.plugin.prepare(task, loaded.ctx);
    } catch (err) {
      add({ name: 'prepare', ok: false, detail: errorInfo(err).message, code: errorInfo(err).code });
      return;
    }
    if (!prepared.testInputs) {
      add({ name: 'prepare', ok: false, detail: 'returned no testInputs: the contamination check would be off; return the test inputs (without labels)', code: 'E_BENCH_NO_TEST_INPUTS' });
      return;
    }
    add({ name: 'prepare', ok: true, detail: `label '${prepared.label}', ${prepared.columns.length} columns, base ${prepared.base.path}, test inputs ${prepared.testInputs.path}` });
    const artifact = join(runDir, 'artifact.parquet');
    await withDuck((c) => c.run(`COPY (SELECT * FROM ${readerSql(prepared.base.path, prepared.base.format)}) TO ${sqlString(artifact)} (FORMAT parquet)`));
    try {
      const r = await loaded.plugin.evaluate({ artifact: { path: artifact, format: 'parquet' }, fidelity: 1, seed: 0 }, loaded.ctx);
      const ok = Number.isFinite(r.score);
      add({ name: 'evaluate', ok, detail: ok ? `the task data as a Parquet artifact scores ${r.score} (${task.metric.name})` : `score ${r.score} is not a number` });
    } catch (err) {
      add({ name: 'evaluate', ok: false, detail: `on the task data as a Parquet artifact: ${errorInfo(err).message}`, code: errorInfo(err).code });
    }
  } catch (err) {
    add({ name: 'prepare', ok: false, detail: errorInfo(err).message, code: errorInfo(err).code });
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

/** The report as lines for a terminal: one ✓/✗ per check, then a summary. */
export function formatCheckReport(report: PluginCheckReport): string {
  const lines = report.checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}${c.code && !c.ok ? ` [${c.code}]` : ''}`);
  lines.push(report.ok ? `${report.plugin} is ready: ${report.dir}` : `${report.plugin ?? report.dir}: check failed`);
  return lines.join('\n');
}

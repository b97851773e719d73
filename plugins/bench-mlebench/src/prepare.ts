/**
 * Turns a prepared MLE-bench competition into what DataMaster needs, once per set of inputs (the result is
 * keyed by a fingerprint of the files and the split, built in a temporary folder and renamed into place, so
 * every role's process can call it and they agree):
 *
 *   prep-<fp>/base/train.parquet         public training rows minus the validation rows (the root recipe's base)
 *   prep-<fp>/test-inputs/test.parquet   the public test inputs, without labels (contamination check)
 *   prep-<fp>/validation/                held-out rows and everything a validation run needs, in the
 *                                        competition's own formats: answers.csv, sample_submission.csv,
 *                                        inputs/<test file>, media/, companions/, mirrors/
 *
 * The data engine may read the base and test-input folders; labels of validation rows and private answers
 * are never put there.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DataMasterError, queryRows, sqlIdent, sqlString, withDuck, type ColumnType, type TaskColumn } from '@datamaster/sdk';
import type { CompetitionSpec, MediaSpec, RunnerSpec } from './competitions.ts';
import type { Layout } from './config.ts';
import { parseNumber, readCsvHeader, readCsvPrefix } from './csv.ts';
import { extractNamed, listZip, writeZip } from './zip.ts';

/** Bump when the prepared layout changes, so old prep folders are not reused. */
export const PREP_VERSION = 1;

export type FileFormat = { kind: 'csv' } | { kind: 'json' } | { kind: 'parquet' } | { kind: 'csv-zip'; entry: string };

export function formatOf(name: string): FileFormat {
  const n = name.toLowerCase();
  if (n.endsWith('.csv.zip')) return { kind: 'csv-zip', entry: basename(name).slice(0, -4) };
  if (n.endsWith('.csv')) return { kind: 'csv' };
  if (n.endsWith('.json')) return { kind: 'json' };
  if (n.endsWith('.parquet')) return { kind: 'parquet' };
  throw new DataMasterError('E_MLEBENCH_FORMAT', `${name}: cannot tell the table format; the runner reads .csv, .csv.zip, .json and .parquet files`, { file: name });
}

export interface MediaLink {
  /** Path inside the working folder. */
  rel: string;
  /** What it points at (a folder of links, or a file). */
  target: string;
}

export interface PrepMeta {
  version: number;
  competition: string;
  trainFile: string;
  testFile: string | null;
  trainRows: number;
  validationRows: number;
  testRows: number;
  columns: { name: string; type: string }[];
  testColumns: string[];
  labelValues: Record<string, (string | number | boolean)[]>;
  fraction: number;
  seed: number;
  splitKey: string;
  /** Working-folder paths replaced in validation runs, with what replaces them (null: left out). */
  validationFiles: { rel: string; target: string | null }[];
  warnings: string[];
}

export interface Prepared {
  dir: string;
  base: string;
  testInputs: string;
  answers: string;
  sample: string;
  meta: PrepMeta;
}

// ---- SQL helpers ----

const TYPE_CANDIDATES = "auto_type_candidates = ['BIGINT', 'DOUBLE', 'VARCHAR']";

/** The DuckDB reader of a competition table (pandas-style CSV, JSON array, Parquet). */
export function readerOf(file: string, fmt: FileFormat, types: Record<string, string> = {}, header?: string[]): string {
  const f = sqlString(file);
  if (fmt.kind === 'json') return `read_json_auto(${f})`;
  if (fmt.kind === 'parquet') return `read_parquet(${f})`;
  const cols = header ?? readCsvHeader(file);
  const forced = Object.entries(types).filter(([c]) => cols.includes(c));
  const typeArg = forced.length ? `, types = {${forced.map(([c, t]) => `${sqlString(c)}: ${sqlString(t)}`).join(', ')}}` : '';
  const sample = statSync(file).size <= 256 * 1024 * 1024 ? ', sample_size = -1' : '';
  return `read_csv(${f}, header = true, delim = ',', quote = '"', escape = '"', ${TYPE_CANDIDATES}${typeArg}${sample})`;
}

/** `COPY (query) TO file` in a competition format (csv: pandas-readable, json: one array of objects). */
export function copyTo(query: string, file: string, kind: 'csv' | 'json' | 'parquet'): string {
  const opts = kind === 'csv' ? "(FORMAT csv, HEADER true, DELIMITER ',')" : kind === 'json' ? '(FORMAT json, ARRAY true)' : '(FORMAT parquet)';
  return `COPY (${query}) TO ${sqlString(file)} ${opts}`;
}

/** A deterministic draw in [0, 1) from (seed, key): the first 32 bits of md5. */
export function splitDraw(keyExpr: string, seed: number): string {
  return `(('0x' || substr(md5(${sqlString(`${seed}:`)} || coalesce(CAST(${keyExpr} AS VARCHAR), '')), 1, 8))::BIGINT / 4294967296.0)`;
}

function literal(raw: string | undefined): string {
  if (raw === undefined || raw === '') return 'NULL';
  const x = parseNumber(raw);
  if (x !== undefined && Number.isFinite(x)) return Number.isInteger(x) && /^[+-]?\d+$/.test(raw.trim()) ? raw.trim() : `CAST(${sqlString(raw)} AS DOUBLE)`;
  return sqlString(raw);
}

// ---- column types ----

export function columnType(duck: string): ColumnType {
  const t = duck.toUpperCase();
  if (t === 'DOUBLE' || t === 'FLOAT' || t === 'REAL' || t.startsWith('DECIMAL')) return 'DOUBLE';
  if (/^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT)$/.test(t)) return 'BIGINT';
  if (t === 'BOOLEAN') return 'BOOLEAN';
  if (t === 'DATE') return 'DATE';
  if (t.startsWith('TIMESTAMP')) return 'TIMESTAMP';
  return 'VARCHAR';
}

export function taskColumnsOf(meta: PrepMeta): TaskColumn[] {
  return meta.columns.map((c) => {
    const values = meta.labelValues[c.name];
    return { name: c.name, type: columnType(c.type), ...(values ? { values } : {}) };
  });
}

// ---- fingerprint and reuse ----

function statKey(p: string): string {
  if (!existsSync(p)) return `${p}:absent`;
  const s = statSync(p);
  return `${p}:${s.size}:${Math.floor(s.mtimeMs)}`;
}

export function fingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

export interface PrepareOptions {
  layout: Layout;
  trainFile: string;
  fraction: number;
  seed: number;
  workDir: string;
}

function runnerOf(spec: CompetitionSpec): RunnerSpec {
  if (!spec.runner) throw new DataMasterError('E_MLEBENCH_INTERNAL', `${spec.id} has no runner`);
  return spec.runner;
}

/** The prepared folder for these inputs: reused when present, else built (race-safe: build, then rename). */
export async function ensurePrepared(o: PrepareOptions): Promise<Prepared> {
  const { layout } = o;
  const r = runnerOf(layout.spec);
  const trainPath = join(layout.publicDir, o.trainFile);
  if (!existsSync(trainPath)) {
    const present = existsSync(layout.publicDir) ? readdirSync(layout.publicDir).slice(0, 12).join(', ') : '(none)';
    throw new DataMasterError(
      'E_MLEBENCH_DATA',
      `${trainPath}: the training file is missing (public/ holds: ${present}); run \`mlebench prepare -c ${layout.spec.id}\` again, or set trainFile to the file that holds the training table`,
      { file: trainPath },
    );
  }
  for (const need of [layout.sample, layout.answers]) {
    if (!existsSync(need)) {
      throw new DataMasterError('E_MLEBENCH_DATA', `${need} is missing; \`mlebench prepare -c ${layout.spec.id}\` writes it`, { file: need });
    }
  }
  const testPath = r.test ? join(layout.publicDir, r.test) : null;
  const fp = fingerprint({
    v: PREP_VERSION,
    c: layout.spec.id,
    train: statKey(trainPath),
    test: testPath ? statKey(testPath) : null,
    sample: statKey(layout.sample),
    media: (r.media ?? []).map((m) => statKey(join(layout.publicDir, m.train))),
    companions: (r.companions ?? []).map((c) => statKey(join(layout.publicDir, c.file))),
    fraction: o.fraction,
    seed: o.seed,
  });
  const dir = join(o.workDir, `prep-${fp}`);
  const metaFile = join(dir, 'meta.json');
  if (existsSync(metaFile)) return preparedAt(dir);
  mkdirSync(o.workDir, { recursive: true });
  const tmp = join(o.workDir, `.prep-${fp}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(tmp, { recursive: true });
  try {
    await build(o, trainPath, testPath, tmp);
    try {
      renameSync(tmp, dir);
    } catch (err) {
      // Another process finished first: use its copy.
      if (!existsSync(metaFile)) throw err;
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return preparedAt(dir);
}

function preparedAt(dir: string): Prepared {
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as PrepMeta;
  meta.validationFiles = meta.validationFiles.map((v) => ({ rel: v.rel, target: v.target === null ? null : join(dir, v.target) }));
  return {
    dir,
    base: join(dir, 'base', 'train.parquet'),
    testInputs: join(dir, 'test-inputs', 'test.parquet'),
    answers: join(dir, 'validation', 'answers.csv'),
    sample: join(dir, 'validation', 'sample_submission.csv'),
    meta,
  };
}

/** Puts a competition file where DuckDB can read it: zipped CSVs are extracted into `stage`. */
async function staged(file: string, stage: string): Promise<{ path: string; fmt: FileFormat }> {
  const fmt = formatOf(file);
  if (fmt.kind !== 'csv-zip') return { path: file, fmt };
  mkdirSync(stage, { recursive: true });
  const out = join(stage, fmt.entry);
  await extractNamed(file, fmt.entry, out);
  return { path: out, fmt: { kind: 'csv' } };
}

async function describe(conn: DuckDBConnection, from: string): Promise<{ name: string; type: string }[]> {
  return (await queryRows(conn, `DESCRIBE SELECT * FROM ${from}`)).map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}

async function count(conn: DuckDBConnection, from: string): Promise<number> {
  const rows = await queryRows(conn, `SELECT count(*) AS n FROM ${from}`);
  return Number(rows[0]?.n ?? 0);
}

/** Writes a table file in the format its name says (csv, json, csv.zip). */
async function writeTable(conn: DuckDBConnection, query: string, file: string, scratch: string): Promise<void> {
  const fmt = formatOf(file);
  mkdirSync(dirname(file), { recursive: true });
  if (fmt.kind === 'csv-zip') {
    mkdirSync(scratch, { recursive: true });
    const plain = join(scratch, fmt.entry);
    await conn.run(copyTo(query, plain, 'csv'));
    await writeZip(file, [{ name: fmt.entry, file: plain }]);
    rmSync(plain, { force: true });
    return;
  }
  await conn.run(copyTo(query, file, fmt.kind === 'json' ? 'json' : fmt.kind === 'parquet' ? 'parquet' : 'csv'));
}

async function build(o: PrepareOptions, trainPath: string, testPath: string | null, tmp: string): Promise<void> {
  const { layout } = o;
  const spec = layout.spec;
  const r = runnerOf(spec);
  const warnings: string[] = [];
  const stage = join(tmp, 'stage');
  const valDir = join(tmp, 'validation');
  mkdirSync(join(tmp, 'base'), { recursive: true });
  mkdirSync(join(tmp, 'test-inputs'), { recursive: true });
  mkdirSync(valDir, { recursive: true });
  const train = await staged(trainPath, join(stage, 'train'));
  const test = testPath ? await staged(testPath, join(stage, 'test')) : null;
  const sampleHead = await readCsvPrefix(layout.sample, 2);
  const sampleHeader = sampleHead.header;
  const sampleFirst = Object.fromEntries(sampleHeader.map((c) => [c, sampleHead.columns.get(c)?.[0]]));

  await withDuck(async (conn) => {
    const trainFrom = readerOf(train.path, train.fmt, r.types ?? {});
    const columns = await describe(conn, trainFrom);
    const names = columns.map((c) => c.name);
    for (const need of [r.splitKey, r.idColumn !== r.splitKey && !r.answersSql ? r.idColumn : null, ...r.targets].filter((x): x is string => !!x)) {
      if (!names.includes(need)) {
        throw new DataMasterError('E_MLEBENCH_DATA', `${trainPath}: column '${need}' is missing (columns: ${names.join(', ')}); this is not the ${spec.id} training file mlebench prepares`, { file: trainPath });
      }
    }
    const draw = splitDraw(sqlIdent(r.splitKey), o.seed);
    const base = join(tmp, 'base', 'train.parquet');
    const valParquet = join(valDir, 'val.parquet');
    await conn.run(copyTo(`SELECT * FROM ${trainFrom} WHERE ${draw} >= ${o.fraction}`, base, 'parquet'));
    await conn.run(copyTo(`SELECT * FROM ${trainFrom} WHERE ${draw} < ${o.fraction}`, valParquet, 'parquet'));
    const val = `read_parquet(${sqlString(valParquet)})`;
    const trainRows = await count(conn, `read_parquet(${sqlString(base)})`);
    const validationRows = await count(conn, val);
    if (validationRows === 0 || trainRows === 0) {
      throw new DataMasterError('E_MLEBENCH_SPLIT', `${spec.id}: the validation split of ${trainRows + validationRows} rows at fraction ${o.fraction} leaves ${trainRows} training and ${validationRows} validation rows; choose another validation.fraction`, {});
    }

    // Test inputs (no labels), in a folder of their own.
    const testParquet = join(tmp, 'test-inputs', 'test.parquet');
    let testColumns: string[];
    if (test) {
      const testFrom = readerOf(test.path, test.fmt, r.types ?? {});
      testColumns = (await describe(conn, testFrom)).map((c) => c.name);
      await conn.run(copyTo(`SELECT * FROM ${testFrom}`, testParquet, 'parquet'));
    } else {
      const sampleFrom = readerOf(layout.sample, { kind: 'csv' }, { [spec.idColumn]: 'VARCHAR' });
      await conn.run(copyTo(`SELECT ${sqlIdent(spec.idColumn)} FROM ${sampleFrom}`, testParquet, 'parquet'));
      testColumns = [r.idColumn];
    }
    const testRows = await count(conn, `read_parquet(${sqlString(testParquet)})`);

    // Label values of classification targets (few distinct values), for the task's columns.
    const labelValues: Record<string, (string | number | boolean)[]> = {};
    for (const t of r.targets) {
      const type = columnType(columns.find((c) => c.name === t)?.type ?? 'VARCHAR');
      if (type === 'DOUBLE') continue;
      const vals = await queryRows(conn, `SELECT DISTINCT ${sqlIdent(t)} AS v FROM read_parquet(${sqlString(base)}) WHERE ${sqlIdent(t)} IS NOT NULL ORDER BY 1 LIMIT 201`);
      if (vals.length <= 200) labelValues[t] = vals.map((x) => x.v as string | number | boolean);
    }

    // Validation answers and sample submission, in the private answers' and the sample's formats.
    const classes = sampleHeader.filter((c) => c !== spec.idColumn);
    const answerExprs: [string, string][] = r.answersSql
      ? Object.entries(r.answersSql)
      : r.oneHot
        ? [[r.idColumn, sqlIdent(r.idColumn)], ...classes.map((c): [string, string] => [c, `CASE WHEN CAST(${sqlIdent(r.oneHot as string)} AS VARCHAR) = ${sqlString(c)} THEN 1 ELSE 0 END`])]
        : [[r.idColumn, sqlIdent(r.idColumn)], ...r.targets.map((t): [string, string] => [t, sqlIdent(t)])];
    const select = (exprs: [string, string][]) => exprs.map(([name, e]) => `${e} AS ${sqlIdent(name)}`).join(', ');
    await conn.run(copyTo(`SELECT ${select(answerExprs)} FROM ${val}`, join(valDir, 'answers.csv'), 'csv'));
    const idExpr = r.answersSql?.[spec.idColumn] ?? sqlIdent(r.idColumn);
    const sampleExprs = sampleHeader.map((col): [string, string] => {
      if (r.sampleSql?.[col]) return [col, r.sampleSql[col] as string];
      if (col === spec.idColumn) return [col, idExpr];
      if (testColumns.includes(col) && names.includes(col)) return [col, sqlIdent(col)];
      return [col, literal(sampleFirst[col])];
    });
    await conn.run(copyTo(`SELECT ${select(sampleExprs)} FROM ${val}`, join(valDir, 'sample_submission.csv'), 'csv'));

    // Validation inputs in the public test file's format, keeping only the public test columns.
    const validationFiles: { rel: string; target: string | null }[] = [];
    if (r.test) {
      const cols = testColumns.map((c) => (names.includes(c) ? sqlIdent(c) : `NULL AS ${sqlIdent(c)}`)).join(', ');
      const out = join(valDir, 'inputs', r.test);
      await writeTable(conn, `SELECT ${cols} FROM ${val}`, out, join(stage, 'scratch'));
      validationFiles.push({ rel: r.test, target: out });
    }
    const publicSampleName = layout.sample.startsWith(layout.publicDir + '/') ? layout.sample.slice(layout.publicDir.length + 1) : null;
    if (publicSampleName) validationFiles.push({ rel: publicSampleName, target: join(valDir, 'sample_submission.csv') });

    // Media of validation rows, presented as the test media.
    const valIds = r.media?.length ? (await queryRows(conn, `SELECT CAST(${sqlIdent(r.idColumn)} AS VARCHAR) AS id FROM ${val}`)).map((x) => String(x.id)) : [];
    for (const m of r.media ?? []) {
      const made = await buildMedia(m, valIds, layout.publicDir, join(valDir, 'media'), warnings);
      validationFiles.push({ rel: m.test, target: made });
    }
    for (const c of r.companions ?? []) {
      const src = join(layout.publicDir, c.file);
      if (!existsSync(src)) continue;
      const out = join(valDir, 'companions', c.file);
      mkdirSync(dirname(out), { recursive: true });
      const from = `read_csv(${sqlString(src)}, header = true, all_varchar = true)`;
      await conn.run(copyTo(`SELECT * FROM ${from} WHERE ${sqlIdent(c.key)} NOT IN (SELECT CAST(${sqlIdent(r.idColumn)} AS VARCHAR) FROM ${val})`, out, 'csv'));
      validationFiles.push({ rel: c.file, target: out });
    }
    for (const m of r.mirrors ?? []) {
      if (m.of === 'train') continue; // written with each run's training file
      const of = m.of === 'test' ? join(valDir, 'inputs', r.test as string) : join(valDir, 'sample_submission.csv');
      const entry = m.of === 'test' ? basename(r.test as string) : basename(m.file).replace(/\.zip$/i, '');
      const out = join(valDir, 'mirrors', m.file);
      mkdirSync(dirname(out), { recursive: true });
      await writeZip(out, [{ name: entry, file: of }]);
      validationFiles.push({ rel: m.file, target: out });
    }
    for (const h of r.hideInValidation ?? []) validationFiles.push({ rel: h, target: null });
    // Stored relative to the prep folder: this one is renamed into place when done.
    for (const v of validationFiles) if (v.target !== null) v.target = relative(tmp, v.target);

    const meta: PrepMeta = {
      version: PREP_VERSION,
      competition: spec.id,
      trainFile: o.trainFile,
      testFile: r.test ?? null,
      trainRows,
      validationRows,
      testRows,
      columns,
      testColumns,
      labelValues,
      fraction: o.fraction,
      seed: o.seed,
      splitKey: r.splitKey,
      validationFiles,
      warnings,
    };
    writeFileSync(join(tmp, 'meta.json'), JSON.stringify(meta, null, 2));
  });
  rmSync(stage, { recursive: true, force: true });
}

/** Builds the validation rows' media as the competition's test media; returns the path, or null when absent. */
async function buildMedia(m: MediaSpec, ids: string[], publicDir: string, mediaDir: string, warnings: string[]): Promise<string | null> {
  const src = join(publicDir, m.train);
  if (!existsSync(src)) {
    warnings.push(`${src} is missing: validation runs get no ${m.test} media (a solution that reads only the tables still runs)`);
    return null;
  }
  const out = join(mediaDir, m.test);
  if (m.kind === 'dir') {
    mkdirSync(out, { recursive: true });
    let missing = 0;
    for (const id of ids) {
      const f = m.file(id);
      const target = join(src, f);
      if (!existsSync(target)) {
        missing++;
        continue;
      }
      mkdirSync(dirname(join(out, f)), { recursive: true });
      symlinkSync(target, join(out, f));
    }
    if (missing) warnings.push(`${missing} of ${ids.length} validation rows have no file in ${src}`);
    return out;
  }
  const entries = new Map(listZip(src).map((e) => [e.name, e]));
  const picked = ids.map((id) => entries.get(m.entry(id))).filter((e): e is NonNullable<typeof e> => !!e);
  if (picked.length < ids.length) warnings.push(`${ids.length - picked.length} of ${ids.length} validation rows have no entry in ${src}`);
  mkdirSync(dirname(out), { recursive: true });
  await writeZip(
    out,
    picked.map((e) => ({ name: e.name, fromZip: src, entry: e })),
  );
  return out;
}

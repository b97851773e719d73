import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DataFile } from '../plugin/types.ts';
import type { SourceProfile } from '../schema/types.ts';
import { EngineCodes, duckMessage, engineError } from './errors.ts';
import { materializeRecipe, type MaterializeInput, type MaterializeResult } from './materialize.ts';
import { profileTable, type ProfileOptions } from './profile.ts';
import { describeFile, loadFile, type ReadLimits } from './reader.ts';
import { allowedPath, realDir, sandboxStatements } from './sandbox.ts';
import { Session, type ColumnInfo, type Row } from './session.ts';
import { stripTrailingSemicolons } from './sql.ts';
import type { TabularFormat } from './format.ts';

export interface DataEngineOptions {
  /** The engine's own scratch folder (DuckDB spill files); created if missing, always allowed. */
  workDir: string;
  /** Folders SQL may read and write: the run's inputs, fetched sources, the artifact folder. */
  allowedDirs: string[];
  /** Rows above this in one file fail with E_DATA_TOO_LARGE (default 10 000 000). */
  maxRows?: number;
  /** Bytes above this in one file fail with E_DATA_TOO_LARGE (default 4 GiB). */
  maxBytes?: number;
  /** DuckDB memory_limit, e.g. '2GB' (default: DuckDB's, 80% of RAM). */
  memoryLimit?: string;
  /** DuckDB worker threads (default: DuckDB's, one per core). */
  threads?: number;
  /** Any one statement running longer is interrupted: E_ENGINE_TIMEOUT (default 0: no limit). */
  queryTimeoutMs?: number;
}

export const DEFAULT_LIMITS: ReadLimits = { maxRows: 10_000_000, maxBytes: 4 * 1024 ** 3 };

/**
 * The curator's data engine: one sandboxed DuckDB instance. Each call (profile, materialize, query) runs on a
 * fresh connection whose TEMP tables are its own, so calls may run concurrently. close() waits for them.
 */
export class DataEngine {
  readonly #instance: DuckDBInstance;
  readonly #allowed: string[];
  readonly #limits: ReadLimits;
  readonly #timeoutMs: number;
  readonly #inFlight = new Set<Promise<unknown>>();
  #closing: Promise<void> | null = null;

  private constructor(instance: DuckDBInstance, allowed: string[], limits: ReadLimits, timeoutMs: number) {
    this.#instance = instance;
    this.#allowed = allowed;
    this.#limits = limits;
    this.#timeoutMs = timeoutMs;
  }

  static async open(opts: DataEngineOptions): Promise<DataEngine> {
    await mkdir(opts.workDir, { recursive: true });
    const workDir = await realDir(opts.workDir, 'workDir');
    const allowed = [workDir];
    for (const d of opts.allowedDirs) {
      const real = await realDir(d, 'allowed directory');
      if (!allowed.includes(real)) allowed.push(real);
    }
    const tempDir = join(workDir, 'duckdb-tmp');
    await mkdir(tempDir, { recursive: true });
    const config: Record<string, string> = {};
    if (opts.threads !== undefined) config['threads'] = String(opts.threads);
    if (opts.memoryLimit !== undefined) config['memory_limit'] = opts.memoryLimit;
    const instance = await DuckDBInstance.create(':memory:', config);
    const setup = await instance.connect();
    try {
      for (const sql of sandboxStatements(allowed, tempDir)) await setup.run(sql);
    } catch (err) {
      instance.closeSync();
      throw engineError(EngineCodes.arg, `cannot set up the DuckDB sandbox: ${duckMessage(err)}`, {}, err);
    } finally {
      setup.closeSync();
    }
    const limits: ReadLimits = { maxRows: opts.maxRows ?? DEFAULT_LIMITS.maxRows, maxBytes: opts.maxBytes ?? DEFAULT_LIMITS.maxBytes };
    return new DataEngine(instance, allowed, limits, opts.queryTimeoutMs ?? 0);
  }

  /** The folders SQL may touch (real paths, workDir first). */
  get allowedDirs(): readonly string[] {
    return this.#allowed;
  }

  get limits(): ReadLimits {
    return { ...this.#limits };
  }

  /** Row count, columns and format of a file, without loading its rows (Parquet: from the footer). */
  async describe(file: DataFile): Promise<{ format: TabularFormat; rows: number; bytes: number; columns: ColumnInfo[] }> {
    return this.#job(async (s) => describeFile(s, { ...file, path: await this.#inside(file.path, 'data file') }));
  }

  /** Profiles a source file: column statistics, duplicates, and, given a task, mapping, balance, overlap, quality. */
  async profile(file: DataFile, opts: ProfileOptions = {}): Promise<SourceProfile> {
    return this.#job(async (s) => {
      const path = await this.#inside(file.path, 'data file');
      const testInputs = opts.testInputs ? { ...opts.testInputs, path: await this.#inside(opts.testInputs.path, 'test inputs') } : undefined;
      const table = await loadFile(s, { ...file, path }, 'profiled', this.#limits);
      return profileTable(s, table, { ...opts, testInputs }, this.#limits);
    });
  }

  /** Materialises a recipe into `<outDir>/<recipeHash>.parquet`, or reuses the one already there. */
  async materialize(input: MaterializeInput): Promise<MaterializeResult> {
    return this.#job(async (s) => {
      // Checked before anything is created, so a bad outDir leaves no folder behind.
      const outDir = await this.#inside(input.outDir, 'artifact folder', false);
      await mkdir(outDir, { recursive: true });
      const base = { ...input.base, path: await this.#inside(input.base.path, 'base data') };
      const testInputs = input.testInputs ? { ...input.testInputs, path: await this.#inside(input.testInputs.path, 'test inputs') } : undefined;
      const sources: MaterializeInput['sources'] = {};
      for (const [id, src] of Object.entries(input.sources ?? {})) {
        sources[id] = {
          file: { ...src.file, path: await this.#inside(src.file.path, `source ${id} file`) },
          ...(src.files ? { files: await Promise.all(src.files.map(async (f) => ({ ...f, path: await this.#inside(f.path, `source ${id} file`) }))) } : {}),
        };
      }
      return materializeRecipe(s, { ...input, outDir, base, testInputs, sources }, this.#limits);
    });
  }

  /**
   * Runs one read-only query in the sandbox and returns its rows as JSON values (BIGINT as text). For
   * inspection and tests: `SELECT count(*) FROM read_parquet('<artifact>')`.
   */
  async query(sql: string): Promise<Row[]> {
    return this.#job(async (s) => {
      const text = stripTrailingSemicolons(sql);
      await s.assertSelect(text, 'query');
      try {
        return await s.rows(text);
      } catch (err) {
        throw engineError(EngineCodes.sql, `query failed: ${duckMessage(err)}`, {}, err);
      }
    });
  }

  /** Waits for running calls, then closes DuckDB. Calls after close() fail with E_ENGINE_CLOSED. */
  async close(): Promise<void> {
    if (!this.#closing) {
      this.#closing = (async () => {
        await Promise.allSettled([...this.#inFlight]);
        this.#instance.closeSync();
      })();
    }
    return this.#closing;
  }

  get closed(): boolean {
    return this.#closing !== null;
  }

  async #inside(path: string, what: string, mustExist = true): Promise<string> {
    return allowedPath(path, this.#allowed, what, mustExist);
  }

  async #job<T>(fn: (s: Session) => Promise<T>): Promise<T> {
    if (this.#closing) throw engineError(EngineCodes.closed, 'the data engine is closed; open a new one with DataEngine.open()');
    const run = (async () => {
      const session = new Session(await this.#instance.connect(), this.#timeoutMs);
      try {
        return await fn(session);
      } finally {
        session.close();
      }
    })();
    this.#inFlight.add(run);
    try {
      return await run;
    } finally {
      this.#inFlight.delete(run);
    }
  }
}

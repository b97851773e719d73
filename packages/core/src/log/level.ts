import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { DataMasterError } from '../errors.ts';
import type { StoredEvent } from '../events/types.ts';
import { BaseEventLog, type NewRow } from './base.ts';
import { checkRunId, logCorruptError, logLockedError, logRunError } from './errors.ts';
import { INDEX_NAMES, indexEntriesOf, type IndexName } from './indexes.ts';
import {
  EVENT_RANGE,
  ID_PREFIX,
  ID_RANGE,
  LOG_FORMAT,
  META_FORMAT,
  META_RUN,
  idKey,
  indexEntryKey,
  indexRange,
  seqKey,
  seqOfIndexEntry,
  seqOfKey,
} from './keys.ts';
import { decodeRecord } from './record.ts';

/** The database lives in this folder of the run directory, next to the run's artifacts. */
export const LOG_DIR_NAME = 'log';

export interface LevelEventLogOptions {
  /** The run this log belongs to. Required to create a log; when given for an existing log, it must match. */
  run?: string;
  /** Create the database when missing (default true); false for replay, where a missing log is an error. */
  create?: boolean;
}

type Db = ClassicLevel<string, string>;
type Index = ReturnType<Db['sublevel']>;

/**
 * The run's event log on LevelDB (classic-level). Layout, one database under `<runDir>/log`:
 *   evt!<seq, 16 digits>  -> the stored event as JSON (its seq included)
 *   id!<event id>         -> seq, for dedupe
 *   meta!run, meta!format -> the run id and layout version, written when the log is created
 *   sublevels node / source / finding: `<key>\0<seq>` -> '' (see indexes.ts)
 * One append is one db.batch, so a crash keeps a batch whole or drops it whole. LevelDB's lock makes the
 * opening process the only writer (the recorder); others reach the run through the bus.
 */
export class LevelEventLog extends BaseEventLog {
  protected readonly where: string;
  readonly runDir: string;
  readonly dbDir: string;
  private readonly db: Db;
  private readonly indexes: Record<IndexName, Index>;

  private constructor(db: Db, run: string, last: number, maxId: string, runDir: string, dbDir: string) {
    super(run, last, maxId);
    this.db = db;
    this.runDir = runDir;
    this.dbDir = dbDir;
    this.where = `event log ${dbDir}`;
    this.indexes = Object.fromEntries(
      INDEX_NAMES.map((n) => [n, db.sublevel<string, string>(n, { keyEncoding: 'utf8', valueEncoding: 'utf8' })]),
    ) as Record<IndexName, Index>;
  }

  static async open(runDir: string, opts: LevelEventLogOptions = {}): Promise<LevelEventLog> {
    const dir = resolve(runDir);
    const dbDir = join(dir, LOG_DIR_NAME);
    const create = opts.create ?? true;
    if (opts.run !== undefined) checkRunId(opts.run, `event log of run directory ${dir}`);
    if (!existsSync(dbDir) && !create) {
      throw new DataMasterError(
        'E_LOG_MISSING',
        `no event log in run directory ${dir} (expected ${dbDir}): check the run directory, or start the run first`,
        { runDir: dir, dbDir },
      );
    }
    refuseHeadless(dbDir);
    const db: Db = new ClassicLevel<string, string>(dbDir, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    try {
      await db.open({ createIfMissing: create });
    } catch (err) {
      throw openError(err, dir, dbDir);
    }
    try {
      const run = await readMeta(db, dbDir, opts.run);
      const last = await readLast(db, dbDir, run);
      const [maxIdKey] = await db.keys({ ...ID_RANGE, reverse: true, limit: 1 }).all();
      return new LevelEventLog(db, run, last, maxIdKey?.slice(ID_PREFIX.length) ?? '', dir, dbDir);
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  protected async lookupSeqs(ids: string[]): Promise<(number | undefined)[]> {
    const values = await this.db.getMany(ids.map(idKey));
    return values.map((v, i) => {
      if (v === undefined) return undefined;
      const seq = Number(v);
      if (!Number.isSafeInteger(seq) || seq < 1) {
        throw logCorruptError(this.dbDir, idKey(ids[i] as string), `the stored seq '${v}' is not a whole number >= 1`);
      }
      return seq;
    });
  }

  protected async loadRange(from: number, count: number, verify = false): Promise<StoredEvent[]> {
    const entries = await this.db.iterator({ gte: seqKey(from), lte: seqKey(from + count - 1), limit: count }).all();
    const out: StoredEvent[] = [];
    for (let i = 0; i < count; i++) {
      const want = from + i;
      const entry = entries[i];
      if (!entry) throw logCorruptError(this.dbDir, seqKey(want), `seq ${want} is missing (the log ends at ${this.last})`);
      const [key, json] = entry;
      if (seqOfKey(key) !== want) throw logCorruptError(this.dbDir, seqKey(want), `seq ${want} is missing (next key is ${key})`);
      out.push(decodeRecord(json, want, key, this.run, this.dbDir, verify));
    }
    return out;
  }

  protected async writeRows(rows: NewRow[]): Promise<void> {
    // A chained batch hands each put to LevelDB directly; the array form costs about 1.5x per row here.
    const batch = this.db.batch();
    try {
      for (const r of rows) {
        batch.put(seqKey(r.seq), r.json);
        batch.put(idKey(r.event.id), String(r.seq));
        // The sublevel's documented prefix, written directly: about half the cost of a per-op `sublevel`.
        for (const { index, key } of indexEntriesOf(r.event)) batch.put(this.indexes[index].prefix + indexEntryKey(key, r.seq), '');
      }
    } catch (err) {
      await batch.close();
      throw err;
    }
    await batch.write();
  }

  protected async indexSeqs(index: IndexName, key: string): Promise<number[]> {
    const seqs: number[] = [];
    for await (const entry of this.indexes[index].keys(indexRange(key))) {
      const seq = seqOfIndexEntry(entry, key);
      if (seq !== undefined) seqs.push(seq);
    }
    return seqs;
  }

  protected async release(): Promise<void> {
    await this.db.close();
  }
}

/**
 * LevelDB with createIfMissing starts a fresh, empty database when CURRENT is gone, and the old tables
 * would be ignored: a damaged log would read as a new one. Refuse that case instead.
 */
function refuseHeadless(dbDir: string): void {
  if (!existsSync(dbDir) || existsSync(join(dbDir, 'CURRENT'))) return;
  const data = readdirSync(dbDir).filter((f) => /\.(ldb|sst|log)$/.test(f) || f.startsWith('MANIFEST-'));
  if (data.length) throw logCorruptError(dbDir, 'CURRENT', `the file is missing while ${data.length} data files remain (${data.slice(0, 3).join(', ')})`);
}

function openError(err: unknown, runDir: string, dbDir: string): DataMasterError {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause?.code === 'LEVEL_LOCKED') return logLockedError(runDir, dbDir, err);
  if (cause?.code === 'LEVEL_CORRUPTION') return logCorruptError(dbDir, '(database files)', String(cause.message), err);
  const detail = cause?.message ?? (err instanceof Error ? err.message : String(err));
  return new DataMasterError(
    'E_LOG_OPEN',
    `cannot open event log ${dbDir} of run directory ${runDir}: ${String(detail)}. Check that the directory is writable and on a local disk.`,
    { runDir, dbDir },
    { cause: err },
  );
}

/** The run id stored in the log, written on creation; a log without it is refused unless it is empty. */
async function readMeta(db: Db, dbDir: string, wanted: string | undefined): Promise<string> {
  const [run, format] = await db.getMany([META_RUN, META_FORMAT]);
  if (run === undefined) {
    const [first] = await db.keys({ ...EVENT_RANGE, limit: 1 }).all();
    if (first !== undefined) throw logCorruptError(dbDir, META_RUN, `the run id is missing although events are stored (first ${first})`);
    if (wanted === undefined) {
      throw new DataMasterError('E_LOG_RUN', `${dbDir} is a new event log: pass { run } to LevelEventLog.open to create it`, { dbDir });
    }
    await db.batch([
      { type: 'put', key: META_RUN, value: wanted },
      { type: 'put', key: META_FORMAT, value: LOG_FORMAT },
    ]);
    return wanted;
  }
  if (format !== LOG_FORMAT) {
    throw new DataMasterError(
      'E_LOG_FORMAT',
      `event log ${dbDir} has layout version ${String(format)}, this build reads version ${LOG_FORMAT}: open it with a matching DataMaster version`,
      { dbDir, format },
    );
  }
  if (wanted !== undefined && wanted !== run) throw logRunError(`event log ${dbDir}`, run, wanted, 'it was opened');
  return run;
}

async function readLast(db: Db, dbDir: string, run: string): Promise<number> {
  const [last] = await db.iterator({ ...EVENT_RANGE, reverse: true, limit: 1 }).all();
  if (!last) return 0;
  const [key, json] = last;
  const seq = seqOfKey(key);
  if (seq === undefined) throw logCorruptError(dbDir, key, 'the key is not a valid event key');
  decodeRecord(json, seq, key, run, dbDir, true);
  return seq;
}

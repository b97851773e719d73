import { DataMasterError } from '../errors.ts';
import type { AnyEvent, StoredEvent } from '../events/types.ts';
import { validateEvent } from '../events/make.ts';
import { checkRunId, logClosedError, logRunError } from './errors.ts';
import type { IndexName } from './indexes.ts';
import type { AppendResult, IndexedEventLog, ReadRange } from './types.ts';

/** How many events one storage read fetches; nothing stays open between chunks. */
export const READ_CHUNK = 1000;

/** An event about to be written: its seq is assigned and its JSON serialised once. */
export interface NewRow {
  seq: number;
  event: StoredEvent;
  json: string;
}

/**
 * The semantics every EventLog shares, over a small storage interface: validation before anything is
 * written, seq assignment without gaps, dedupe by id, a promise queue that serialises appends, live tails,
 * and an awaited close. LevelEventLog and MemoryEventLog only store and load rows.
 */
export abstract class BaseEventLog implements IndexedEventLog {
  readonly run: string;
  /** Highest stored seq; only the append queue moves it. */
  protected last: number;
  /**
   * The largest stored event id (ids compare in key order; '' when empty). An id above it cannot be
   * stored yet, so appends of new ULIDs (time-ordered) skip the dedupe lookup; older ids, e.g. from
   * another process, are still looked up.
   */
  protected maxId: string;
  /** Names the log in errors: a directory or "memory log of run r". */
  protected abstract readonly where: string;

  private queue: Promise<void> = Promise.resolve();
  private state: 'open' | 'closed' = 'open';
  private closing: Promise<void> | undefined;
  private readonly reads = new Set<Promise<unknown>>();
  private readonly wakers = new Set<() => void>();

  protected constructor(run: string, last: number, maxId: string) {
    checkRunId(run, 'event log');
    this.run = run;
    this.last = last;
    this.maxId = maxId;
  }

  /** Seqs of stored ids, undefined where not stored. */
  protected abstract lookupSeqs(ids: string[]): Promise<(number | undefined)[]>;
  /** Exactly the events `from` .. `from + count - 1`, checked (decodeRecord); a missing one is corruption. */
  protected abstract loadRange(from: number, count: number, verify?: boolean): Promise<StoredEvent[]>;
  /** Writes rows, their id entries and their index entries in one atomic batch. */
  protected abstract writeRows(rows: NewRow[]): Promise<void>;
  protected abstract indexSeqs(index: IndexName, key: string): Promise<number[]>;
  /** Frees the storage; called once, after pending appends and reads have finished. */
  protected abstract release(): Promise<void>;

  append(input: AnyEvent | AnyEvent[]): Promise<AppendResult> {
    if (this.closing) return Promise.reject(logClosedError(this.where, 'append'));
    // Validate the whole batch before queueing: one bad event refuses the batch and nothing is written.
    let batch: AnyEvent[];
    try {
      batch = (Array.isArray(input) ? input : [input]).map((e) => this.admit(e));
    } catch (err) {
      return Promise.reject(err);
    }
    return this.enqueue(() => this.commit(batch));
  }

  private admit(value: unknown): AnyEvent {
    const e = validateEvent(value);
    if (e.run !== this.run) throw logRunError(this.where, this.run, e.run, `event ${e.type} ${e.id}`);
    // A seq that came with the event (e.g. from another log) is not ours to keep: the log assigns it.
    if ('seq' in e) {
      const { seq: _theirs, ...rest } = e as AnyEvent & { seq?: number };
      return rest as AnyEvent;
    }
    return e;
  }

  private async commit(batch: AnyEvent[]): Promise<AppendResult> {
    const firstOf = new Map<string, AnyEvent>();
    for (const e of batch) if (!firstOf.has(e.id)) firstOf.set(e.id, e);
    const ids = [...firstOf.keys()];
    const maybeStored = ids.filter((id) => id <= this.maxId);
    const found = maybeStored.length ? await this.lookupSeqs(maybeStored) : [];
    const seqById = new Map<string, number>();
    maybeStored.forEach((id, i) => {
      const seq = found[i];
      if (seq !== undefined) seqById.set(id, seq);
    });

    const byId = new Map<string, StoredEvent>();
    const rows: NewRow[] = [];
    const old: { id: string; seq: number }[] = [];
    let next = this.last;
    let maxId = this.maxId;
    ids.forEach((id) => {
      const seq = seqById.get(id);
      if (seq !== undefined) {
        old.push({ id, seq });
        return;
      }
      next += 1;
      const event = { ...(firstOf.get(id) as AnyEvent), seq: next } as StoredEvent;
      rows.push({ seq: next, event, json: JSON.stringify(event) });
      byId.set(id, event);
      if (id > maxId) maxId = id;
    });
    for (const { id, seq } of old) {
      const [event] = await this.loadRange(seq, 1);
      byId.set(id, event as StoredEvent);
    }
    if (rows.length) {
      await this.writeRows(rows);
      this.last = next;
      this.maxId = maxId;
      this.wake();
    }
    return { events: batch.map((e) => byId.get(e.id) as StoredEvent), written: rows.length };
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const done = this.queue.then(job);
    this.queue = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  async *read(range: ReadRange = {}): AsyncIterable<StoredEvent> {
    if (this.state === 'closed') throw logClosedError(this.where, 'read');
    const from = Math.max(1, checkedSeq(range.from, 'from') ?? 1);
    const to = Math.min(checkedSeq(range.to, 'to') ?? Number.MAX_SAFE_INTEGER, this.last);
    let left = checkedSeq(range.limit, 'limit') ?? Number.MAX_SAFE_INTEGER;
    let next = from;
    while (next <= to && left > 0) {
      const count = Math.min(READ_CHUNK, left, to - next + 1);
      const chunk = await this.chunk(next, count, 'read', range.verify === true);
      for (const e of chunk) yield e;
      next += count;
      left -= count;
    }
  }

  async *tail(from: number, signal?: AbortSignal): AsyncIterable<StoredEvent> {
    let next = Math.max(1, checkedSeq(from, 'from') ?? 1);
    for (;;) {
      if (signal?.aborted || this.state === 'closed') return;
      if (next <= this.last) {
        let chunk: StoredEvent[];
        try {
          chunk = await this.chunk(next, Math.min(READ_CHUNK, this.last - next + 1), 'tail');
        } catch (err) {
          if (this.isClosed() && isClosedError(err)) return;
          throw err;
        }
        for (const e of chunk) {
          yield e;
          next = e.seq + 1;
          if (signal?.aborted) return;
        }
        continue;
      }
      await this.change(signal);
    }
  }

  async seqOf(id: string): Promise<number | undefined> {
    if (this.state === 'closed') throw logClosedError(this.where, 'seqOf');
    const [seq] = await this.lookupSeqs([id]);
    return seq;
  }

  async lastSeq(): Promise<number> {
    return this.last;
  }

  async seqsBy(index: IndexName, key: string): Promise<number[]> {
    if (this.state === 'closed') throw logClosedError(this.where, 'seqsBy');
    return this.indexSeqs(index, key);
  }

  async *readBy(index: IndexName, key: string): AsyncIterable<StoredEvent> {
    for (const seq of await this.seqsBy(index, key)) {
      const [e] = await this.chunk(seq, 1, 'readBy');
      yield e as StoredEvent;
    }
  }

  /** Pending appends finish, running reads finish, tails end, then the storage is released. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.queue;
      this.state = 'closed';
      this.wake();
      await Promise.allSettled([...this.reads]);
      await this.release();
    })();
    return this.closing;
  }

  private chunk(from: number, count: number, op: string, verify = false): Promise<StoredEvent[]> {
    if (this.state === 'closed') return Promise.reject(logClosedError(this.where, op));
    const p = this.loadRange(from, count, verify);
    this.reads.add(p);
    const forget = () => this.reads.delete(p);
    p.then(forget, forget);
    return p;
  }

  /** A method, so TypeScript does not narrow the state across awaits. */
  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private wake(): void {
    const all = [...this.wakers];
    this.wakers.clear();
    for (const w of all) w();
  }

  /** Resolves on the next append, on close, or on abort. */
  private change(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.wakers.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.wakers.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

function checkedSeq(n: number | undefined, name: string): number | undefined {
  if (n === undefined) return undefined;
  if (!Number.isInteger(n) || n < 0) {
    throw new DataMasterError('E_LOG_RANGE', `read range '${name}' must be a whole number >= 0, got ${String(n)}`, { name, value: n });
  }
  return n;
}

function isClosedError(err: unknown): boolean {
  return err instanceof DataMasterError && err.code === 'E_LOG_CLOSED';
}

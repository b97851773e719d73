import type { AnyEvent, StoredEvent } from '../events/types.ts';

export interface ReadRange {
  /** First seq to read (inclusive), default 1. */
  from?: number;
  /** Last seq to read (inclusive), default the end. */
  to?: number;
  /** At most this many events. */
  limit?: number;
  /**
   * Re-check every stored event against its JSON Schema (an audit; a log written by another version).
   * Default false: events were schema-checked when appended, so a read checks JSON, envelope shape, seq
   * and run, which is what damage breaks. Either way a bad record is E_LOG_CORRUPT, never skipped.
   */
  verify?: boolean;
}

export interface AppendResult {
  /** The stored events in input order; a duplicate id gives back the first stored copy. */
  events: StoredEvent[];
  /** How many were new (the rest were duplicates, written nothing). */
  written: number;
}

/**
 * A run's append-only event log. `seq` is given by the log: 1, 2, 3 ... with no gaps.
 * Appending an event whose id is already stored returns the first seq and writes nothing.
 * Every event is validated against its schema before anything is written.
 */
export interface EventLog {
  readonly run: string;
  /** Appends one or many events in one atomic batch. */
  append(events: AnyEvent | AnyEvent[]): Promise<AppendResult>;
  /** Events in seq order within the range. */
  read(range?: ReadRange): AsyncIterable<StoredEvent>;
  /** Events from `from` on, then live as they are appended, until the signal aborts or the log closes. */
  tail(from: number, signal?: AbortSignal): AsyncIterable<StoredEvent>;
  /** The seq of an event id, if stored. */
  seqOf(id: string): Promise<number | undefined>;
  /** Highest seq stored, 0 when empty. */
  lastSeq(): Promise<number>;
  /** Waits for pending appends, then releases the database. */
  close(): Promise<void>;
}

export type { IndexName } from './indexes.ts';

/**
 * An EventLog with the secondary indexes of indexes.ts: the history of one node, one source,
 * or the findings about one subject, without a full replay.
 */
export interface IndexedEventLog extends EventLog {
  /** Seqs (ascending) of the events that concern `key` in `index`. */
  seqsBy(index: import('./indexes.ts').IndexName, key: string): Promise<number[]>;
  /** Those events, in seq order. */
  readBy(index: import('./indexes.ts').IndexName, key: string): AsyncIterable<StoredEvent>;
}

import type { StoredEvent } from '../events/types.ts';
import { BaseEventLog, type NewRow } from './base.ts';
import { indexEntriesOf, type IndexName } from './indexes.ts';
import { logCorruptError } from './errors.ts';
import { decodeRecord } from './record.ts';
import { seqKey } from './keys.ts';

/**
 * The EventLog in memory, with the same semantics as LevelEventLog (it passes the same suite): for unit
 * tests and the embedded mode without a disk. Rows are kept as JSON, so a caller that mutates an event it
 * got back cannot change the log, just as with the database.
 */
export class MemoryEventLog extends BaseEventLog {
  protected readonly where: string;
  private readonly rows: string[] = [];
  private readonly ids = new Map<string, number>();
  private readonly indexes = new Map<IndexName, Map<string, number[]>>();

  constructor(run: string) {
    super(run, 0, '');
    this.where = `memory log of run ${run}`;
  }

  /** Opens a log with the given run; mirrors LevelEventLog.open for code that takes a factory. */
  static async open(run: string): Promise<MemoryEventLog> {
    return new MemoryEventLog(run);
  }

  protected async lookupSeqs(ids: string[]): Promise<(number | undefined)[]> {
    return ids.map((id) => this.ids.get(id));
  }

  protected async loadRange(from: number, count: number, verify = false): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    for (let seq = from; seq < from + count; seq++) {
      const json = this.rows[seq - 1];
      if (json === undefined) throw logCorruptError(this.where, seqKey(seq), `seq ${seq} is missing`);
      out.push(decodeRecord(json, seq, seqKey(seq), this.run, this.where, verify));
    }
    return out;
  }

  protected async writeRows(rows: NewRow[]): Promise<void> {
    for (const r of rows) {
      this.rows[r.seq - 1] = r.json;
      this.ids.set(r.event.id, r.seq);
      for (const { index, key } of indexEntriesOf(r.event)) {
        let byKey = this.indexes.get(index);
        if (!byKey) this.indexes.set(index, (byKey = new Map()));
        const seqs = byKey.get(key);
        if (seqs) seqs.push(r.seq);
        else byKey.set(key, [r.seq]);
      }
    }
  }

  protected async indexSeqs(index: IndexName, key: string): Promise<number[]> {
    return [...(this.indexes.get(index)?.get(key) ?? [])];
  }

  protected async release(): Promise<void> {}
}

import { DataMasterError } from '../errors.ts';
import type { StoredEvent } from '../events/types.ts';
import { validateEvent } from '../events/make.ts';
import { logCorruptError } from './errors.ts';

/**
 * Turns a stored value back into an event, and refuses anything that is not exactly what append wrote:
 * JSON that does not parse, an event that fails its schema, a seq other than its key's, another run's event.
 */
export function decodeRecord(json: string, seq: number, key: string, run: string, where: string): StoredEvent {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw logCorruptError(where, key, 'the stored value is not JSON', err);
  }
  try {
    validateEvent(value, `stored event at ${key}`);
  } catch (err) {
    const reason = err instanceof DataMasterError ? err.message : String(err);
    throw logCorruptError(where, key, `the stored value is not a valid event (${reason})`, err);
  }
  const e = value as StoredEvent;
  if (e.seq !== seq) throw logCorruptError(where, key, `the stored event has seq ${String(e.seq)}, expected ${seq}`);
  if (e.run !== run) throw logCorruptError(where, key, `the stored event is for run '${e.run}', this log is run '${run}'`);
  return e;
}

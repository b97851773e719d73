import { DataMasterError } from '../errors.ts';
import { EVENT_TYPES, type StoredEvent } from '../events/types.ts';
import { validateEvent } from '../events/make.ts';
import { logCorruptError } from './errors.ts';

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * Turns a stored value back into an event and refuses anything append could not have written: JSON that
 * does not parse, a value without the envelope's shape (id, known type, v, actor, at, data object), a seq
 * other than its key's, another run's event. Every stored event passed its full schema check when it was
 * appended, so replay checks the shape (cheap) and `verify` re-runs the schema check (an audit, or a log
 * written by another version).
 */
export function decodeRecord(json: string, seq: number, key: string, run: string, where: string, verify = false): StoredEvent {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw logCorruptError(where, key, 'the stored value is not JSON', err);
  }
  const problem = shapeProblem(value);
  if (problem) throw logCorruptError(where, key, `the stored value is not a valid event (${problem})`);
  if (verify) {
    try {
      validateEvent(value, `stored event at ${key}`);
    } catch (err) {
      const reason = err instanceof DataMasterError ? err.message : String(err);
      throw logCorruptError(where, key, `the stored value is not a valid event (${reason})`, err);
    }
  }
  const e = value as StoredEvent;
  if (e.seq !== seq) throw logCorruptError(where, key, `the stored event has seq ${String(e.seq)}, expected ${seq}`);
  if (e.run !== run) throw logCorruptError(where, key, `the stored event is for run '${String(e.run)}', this log is run '${run}'`);
  return e;
}

function shapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const e = value as Record<string, unknown>;
  if (typeof e.id !== 'string' || !ULID.test(e.id)) return `id ${JSON.stringify(e.id)} is not a ULID`;
  if (typeof e.type !== 'string' || !KNOWN_TYPES.has(e.type)) return `unknown type ${JSON.stringify(e.type)}`;
  if (e.v !== 1) return `v is ${JSON.stringify(e.v)}, expected 1`;
  if (typeof e.actor !== 'string' || typeof e.at !== 'string') return 'actor or at is not a string';
  if (typeof e.data !== 'object' || e.data === null || Array.isArray(e.data)) return 'data is not an object';
  return undefined;
}

import { DataMasterError } from '../errors.ts';
import { validateEvent } from '../events/make.ts';
import type { AnyEvent, StoredEvent } from '../events/types.ts';

/**
 * events.jsonl: one stored event per line, in seq order (the portable form of a run's log, e.g.
 * examples/runs/demo/events.jsonl). Blank lines are ignored.
 */
export function eventsToJsonl(events: Iterable<StoredEvent>): string {
  let out = '';
  for (const e of events) out += `${JSON.stringify(e)}\n`;
  return out;
}

/**
 * Parses and validates events.jsonl text. Throws E_EVENTS_JSONL naming the file and line for bad JSON or a
 * missing/out-of-order seq, and a SchemaError (E_SCHEMA) naming the line for an invalid event.
 */
export function parseEventsJsonl(text: string, file = 'events.jsonl'): StoredEvent[] {
  const out: StoredEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const where = `${file}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new DataMasterError('E_EVENTS_JSONL', `${where}: not valid JSON (${(err as Error).message}); each line must hold one event object`, { file, line: i + 1 });
    }
    const e = validateEvent(value, where) as AnyEvent;
    const prev = out.length ? out[out.length - 1]!.seq : 0;
    if (e.seq === undefined || e.seq <= prev) {
      throw new DataMasterError(
        'E_EVENTS_JSONL',
        `${where}: event ${e.id} has seq ${String(e.seq)}, expected a seq above ${prev}; lines must be stored events in seq order`,
        { file, line: i + 1 },
      );
    }
    out.push(e as StoredEvent);
  }
  return out;
}

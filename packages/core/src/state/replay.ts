import { DataMasterError } from '../errors.ts';
import type { AnyEvent } from '../events/types.ts';
import type { EventLog } from '../log/types.ts';
import { applyEventInPlace } from './fold.ts';
import { initialRunState } from './initial.ts';
import type { RunState } from './types.ts';

export interface ReplayOptions {
  /** Stop after the event with this seq (inclusive): the state as it was at that point of the run. */
  until?: number;
}

/** Folds a run's log from seq 1 (up to `until`) into a fresh RunState. Reads the log; never writes it. */
export async function replay(log: EventLog, opts: ReplayOptions = {}): Promise<RunState> {
  checkUntil(opts.until, `run '${log.run}'`);
  return replayEvents(log.read(opts.until === undefined ? {} : { to: opts.until }), opts);
}

/**
 * Folds events from any (async) iterable, e.g. lines of an events.jsonl file. Events with a seq above
 * `until` are skipped; events without a seq count by position.
 */
export async function replayEvents(
  events: AsyncIterable<AnyEvent> | Iterable<AnyEvent>,
  opts: ReplayOptions = {},
): Promise<RunState> {
  checkUntil(opts.until, 'events');
  const state = initialRunState();
  for await (const e of events) {
    const seq = e.seq ?? state.events + 1;
    if (opts.until !== undefined && seq > opts.until) break;
    applyEventInPlace(state, e);
  }
  return state;
}

function checkUntil(until: number | undefined, where: string): void {
  if (until !== undefined && !(Number.isInteger(until) && until >= 0)) {
    throw new DataMasterError(
      'E_REPLAY_UNTIL',
      `replay of ${where}: --until must be a whole number of events (seq >= 0), got ${String(until)}`,
      { until },
    );
  }
}

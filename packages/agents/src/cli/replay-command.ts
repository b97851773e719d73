import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DataMasterError,
  LevelEventLog,
  parseEventsJsonl,
  renderTreeText,
  replay,
  replayEvents,
  replaySummary,
  type RunState,
} from '@datamaster/core';

/**
 * Rebuilds a run's state from its log: a run directory (LevelDB under <dir>/log), a directory holding an exported
 * events.jsonl, or an events.jsonl file itself.
 */
export async function replayPath(path: string, until?: number): Promise<RunState> {
  const target = resolve(path);
  if (!existsSync(target)) throw new DataMasterError('E_RUN_DIR', `${target}: no such run directory or events file`, { path: target });
  const opts = until !== undefined ? { until } : {};
  const jsonl = statSync(target).isDirectory() ? join(target, 'events.jsonl') : target;
  if (existsSync(jsonl) && (!statSync(target).isDirectory() || !existsSync(join(target, 'log')))) {
    return replayEvents(parseEventsJsonl(readFileSync(jsonl, 'utf8'), jsonl), opts);
  }
  const log = await LevelEventLog.open(target, { create: false });
  try {
    return await replay(log, opts);
  } finally {
    await log.close();
  }
}

export async function replayCommand(path: string, o: { until?: number; json?: boolean }, out: (line: string) => void): Promise<RunState> {
  const state = await replayPath(path, o.until);
  if (o.json) out(JSON.stringify(replaySummary(state)));
  else out(renderTreeText(state));
  return state;
}

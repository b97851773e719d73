import { DataMasterError } from '../errors.ts';

/** Another process (or another handle in this one) holds the LevelDB lock of the run directory. */
export function logLockedError(runDir: string, dbDir: string, cause: unknown): DataMasterError {
  return new DataMasterError(
    'E_LOG_LOCKED',
    `event log of run directory ${runDir} is locked (${dbDir}/LOCK): another DataMaster process, the run's ` +
      `recorder, holds it (or this process opened it already). Stop that process first, or reach the run ` +
      `through the bus (datamaster agent ... --nats), or replay a copy of the directory.`,
    { runDir, dbDir },
    { cause },
  );
}

/** The database or a stored record is damaged: never read past it silently. */
export function logCorruptError(dbDir: string, key: string, reason: string, cause?: unknown): DataMasterError {
  return new DataMasterError(
    'E_LOG_CORRUPT',
    `event log ${dbDir} is corrupt at key '${key}': ${reason}. Restore the run directory from a copy, ` +
      `or replay it up to the last good seq (--until) and fork a new run from there.`,
    { dbDir, key, reason },
    cause === undefined ? undefined : { cause },
  );
}

export function logRunError(where: string, expected: string, got: string | undefined, what: string): DataMasterError {
  return new DataMasterError(
    'E_LOG_RUN',
    `${where} belongs to run '${expected}' but ${what} ${got === undefined ? 'names no run' : `is for run '${got}'`}: ` +
      `each run has its own log; open the log of run '${got ?? '?'}' for it (or pass the right run id).`,
    { where, expected, got },
  );
}

export function logClosedError(where: string, op: string): DataMasterError {
  return new DataMasterError(
    'E_LOG_CLOSED',
    `${op} on ${where} after close(): open the log again (LevelEventLog.open) to ${op}.`,
    { where, op },
  );
}

/** The runId pattern of schemas/common.schema.json: a log for another id could never accept an event. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

export function checkRunId(run: string, where: string): void {
  if (!RUN_ID.test(run)) {
    throw new DataMasterError(
      'E_LOG_RUN',
      `${where}: run id ${JSON.stringify(run)} is not valid: use letters, digits, '_', '.', '-' (up to 100, starting with a letter or digit)`,
      { where, run },
    );
  }
}

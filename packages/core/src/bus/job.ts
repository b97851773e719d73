import type { Job } from './types.ts';

/** What a transport does to settle one delivery; `settleJob` makes sure exactly one of them runs. */
export interface JobControls {
  ack(): Promise<void>;
  nak(delayMs: number): Promise<void>;
  term(reason?: string): Promise<void>;
  working(): Promise<void>;
}

export interface SettlingJob<T> extends Job<T> {
  readonly settled: boolean;
}

/** Wraps transport controls in a Job whose ack/nak/term settle it once (later calls are no-ops). */
export function makeJob<T>(id: string, subject: string, data: T, attempt: number, controls: JobControls): SettlingJob<T> {
  let settled = false;
  const once = (fn: () => Promise<void>) => async () => {
    if (settled) return;
    settled = true;
    await fn();
  };
  return {
    id,
    subject,
    data,
    attempt,
    get settled() {
      return settled;
    },
    ack: once(() => controls.ack()),
    nak: (delayMs = 0) => once(() => controls.nak(delayMs))(),
    term: (reason?: string) => once(() => controls.term(reason))(),
    working: async () => {
      if (!settled) await controls.working();
    },
  };
}

/**
 * Runs a job handler with the bus's settle rules: a handler that returns without settling has done
 * the job (ack); one that throws gets its job redelivered after `retryDelayMs` (nak).
 */
export async function runJobHandler<T>(
  job: SettlingJob<T>,
  handler: (job: Job<T>) => Promise<void>,
  retryDelayMs: number,
  onError: (err: unknown) => void,
): Promise<void> {
  try {
    await handler(job);
    if (!job.settled) await job.ack();
  } catch (err) {
    onError(err);
    if (!job.settled) await job.nak(retryDelayMs).catch(onError);
  }
}

import { DataMasterError, subjects, type Bus, type RunState } from '@datamaster/core';

/** Codes worth asking again for: the recorder is restarting or slow. */
const TRANSIENT = new Set(['E_NO_RESPONDERS', 'E_TIMEOUT']);

/**
 * Reads the recorder's live state; `waitFor` makes sure the events an agent reacts to are already folded in.
 * While the recorder is away (restarting, slow) the request is retried with backoff for up to `patienceMs`.
 */
export function stateClient(bus: Bus, run: string, timeoutMs = 15_000, patienceMs = 60_000) {
  return async (waitFor: string[] = []): Promise<RunState> => {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await bus.request<{ waitFor: string[]; timeoutMs: number }, RunState>(subjects.query(run, 'state'), { waitFor, timeoutMs }, { timeoutMs: timeoutMs + 1000 });
      } catch (err) {
        const code = err instanceof DataMasterError ? err.code : '';
        if (!TRANSIENT.has(code) || Date.now() - started > patienceMs) throw err;
        await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** attempt)));
      }
    }
  };
}
export type GetState = ReturnType<typeof stateClient>;

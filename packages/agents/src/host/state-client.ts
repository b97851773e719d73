import { subjects, type Bus, type RunState } from '@datamaster/core';

/** Reads the recorder's live state; `waitFor` makes sure the events an agent reacts to are already folded in. */
export function stateClient(bus: Bus, run: string, timeoutMs = 15_000) {
  return (waitFor: string[] = []): Promise<RunState> =>
    bus.request<{ waitFor: string[]; timeoutMs: number }, RunState>(subjects.query(run, 'state'), { waitFor, timeoutMs }, { timeoutMs: timeoutMs + 1000 });
}
export type GetState = ReturnType<typeof stateClient>;

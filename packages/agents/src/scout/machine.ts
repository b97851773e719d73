import type { DmEvent, Source } from '@datamaster/core';
import { createWorkerMachine } from '../host/worker-machine.ts';

export interface Discovery {
  sources: { source: Source; query: string }[];
}

/**
 * Scout: per discovery request (run.started)
 *   idle --WORK--> working [invoke: every source plugin searched in parallel, candidates deduped] --> idle
 * emits one source.discovered per new candidate. A plugin that fails or returns bad data loses its candidates only.
 */
export const scoutMachine = createWorkerMachine<DmEvent<'run.started'>, Discovery>('scout');

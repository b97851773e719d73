import type { RunState } from './types.ts';

/** The state before any event: an empty tree (direction 'max' until run.started says otherwise), pool and memory. */
export function initialRunState(): RunState {
  return {
    run: null,
    task: null,
    config: null,
    tree: { rootId: null, nodes: {}, order: [], byRecipe: {}, bestId: null, direction: 'max' },
    pool: { sources: {}, order: [] },
    memory: { outcomes: {}, findings: [], tried: {} },
    finished: null,
    graded: {},
    events: 0,
    lastSeq: 0,
    anomalies: [],
  };
}

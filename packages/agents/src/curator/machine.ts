import type { Artifact, DmEvent, MaterializeJob, SourceProfile } from '@datamaster/core';
import { createWorkerMachine } from '../host/worker-machine.ts';

export type ProfileOutcome = { kind: 'profiled'; profile: SourceProfile } | { kind: 'rejected'; code: string; message: string };

/**
 * Curator, profiling side: per discovered source
 *   idle --WORK(source.discovered)--> working [invoke: fetch into the sandbox, profile with DuckDB] --> idle
 * emits source.profiled, or source.rejected with the reason (empty, unreadable, leaking, no label).
 */
export const profilerMachine = createWorkerMachine<DmEvent<'source.discovered'>, ProfileOutcome>('curator.profile');

/**
 * Curator, materialising side: per materialize job
 *   idle --WORK(job)--> working [invoke: apply the recipe's steps, write the artifact by recipe hash] --> idle
 * emits node.materialized, or node.failed (stage materialize) after the last attempt.
 */
export const materializerMachine = createWorkerMachine<MaterializeJob, Artifact>('curator.materialize');

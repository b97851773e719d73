import {
  makeEvent,
  type AnyEvent,
  type Artifact,
  type Bus,
  type DataFile,
  type DmEvent,
  type Logger,
  type MaterializeJob,
  type Source,
  type SourceProfile,
} from '@datamaster/core';
import { ActorHost } from '../host/actor-host.ts';
import { bindEvents, bindJobs } from '../host/bind.ts';
import type { GetState } from '../host/state-client.ts';
import type { WorkerInput } from '../host/worker-machine.ts';
import { materializerMachine, profilerMachine, type ProfileOutcome } from './machine.ts';

export interface CuratorDeps {
  /** Fetches a source into the run's sandbox and returns the file to read. */
  fetch(source: Source, signal: AbortSignal): Promise<DataFile>;
  profile(file: DataFile, source: Source): Promise<SourceProfile>;
  materialize(job: MaterializeJob, sources: Record<string, DataFile>, signal: AbortSignal): Promise<Artifact>;
  getState: GetState;
}

export interface CuratorOptions {
  bus: Bus;
  run: string;
  label: string;
  deps: CuratorDeps;
  logger: Logger;
  actor?: string;
  concurrency?: number;
  retry?: Partial<WorkerInput>;
  /** Redelivery deadline of a materialize job whose worker died. */
  ackWaitMs?: number;
  /** Share of a source's rows equal to test inputs from which it is rejected as leaking (default 0.5). */
  leakShare?: number;
}

/** Decides whether a profiled source may enter the pool. Rows that match test inputs are filtered out at materialise anyway. */
export function admitProfile(profile: SourceProfile, label: string, leakShare = 0.5): ProfileOutcome {
  if (profile.rows === 0) return { kind: 'rejected', code: 'E_DATA_EMPTY', message: 'the source has no rows' };
  const overlap = profile.testOverlap ?? 0;
  if (overlap > 0 && overlap / profile.rows >= leakShare) {
    return {
      kind: 'rejected',
      code: 'E_LEAK',
      message: `${overlap} of ${profile.rows} rows equal the task's held-out test inputs (>= ${Math.round(leakShare * 100)}%): test leakage`,
    };
  }
  if (!profile.mapping || !(label in profile.mapping)) {
    return { kind: 'rejected', code: 'E_NO_LABEL', message: `no column maps to the task's label '${label}'` };
  }
  return { kind: 'profiled', profile };
}

export async function startCurator(o: CuratorOptions) {
  const actor = o.actor ?? 'curator';
  const fetched = new Map<string, DataFile>();

  const profiler = new ActorHost<DmEvent<'source.discovered'>, ProfileOutcome>({
    name: `${actor}.profile`,
    bus: o.bus,
    machine: profilerMachine,
    concurrency: o.concurrency ?? 2,
    retry: { maxAttempts: 2, timeoutMs: 120_000, ...o.retry },
    logger: o.logger,
    work: async ({ item, signal }) => {
      const source = item.data.source;
      const file = await o.deps.fetch(source, signal);
      fetched.set(source.id, file);
      const profile = await o.deps.profile(file, source);
      return admitProfile(profile, o.label, o.leakShare);
    },
    onDone: (e, outcome): AnyEvent[] => {
      const sourceId = e.data.source.id;
      if (outcome.kind === 'profiled') return [makeEvent(o.run, 'source.profiled', { sourceId, profile: outcome.profile }, { actor, cause: e.id })];
      return [makeEvent(o.run, 'source.rejected', { sourceId, reason: { code: outcome.code, message: outcome.message } }, { actor, cause: e.id })];
    },
    onFailed: (e, error): AnyEvent[] => [makeEvent(o.run, 'source.rejected', { sourceId: e.data.source.id, reason: error }, { actor, cause: e.id })],
  });

  const materializer = new ActorHost<MaterializeJob, Artifact>({
    name: `${actor}.materialize`,
    bus: o.bus,
    machine: materializerMachine,
    concurrency: o.concurrency ?? 2,
    retry: { maxAttempts: 2, timeoutMs: 300_000, ...o.retry },
    logger: o.logger,
    work: async ({ item, signal }) => {
      const ids = [...new Set(item.recipe.steps.flatMap((s) => (s.op === 'add_source' ? [s.source] : [])))];
      const files: Record<string, DataFile> = {};
      const missing = ids.filter((id) => !fetched.has(id));
      if (missing.length) {
        // Another curator process may have profiled it: fetch again from the pool's record.
        const state = await o.deps.getState();
        for (const id of missing) {
          const entry = state.pool.sources[id];
          if (!entry) throw Object.assign(new Error(`recipe of ${item.nodeId} adds source '${id}' that is not in the pool`), { code: 'E_UNKNOWN_SOURCE' });
          if (entry.status === 'rejected') throw Object.assign(new Error(`recipe of ${item.nodeId} adds rejected source '${id}' (${entry.rejection?.message ?? ''})`), { code: 'E_REJECTED_SOURCE' });
          fetched.set(id, await o.deps.fetch(entry.source, signal));
        }
      }
      for (const id of ids) files[id] = fetched.get(id)!;
      return o.deps.materialize(item, files, signal);
    },
    onDone: (job, artifact): AnyEvent[] => [makeEvent(o.run, 'node.materialized', { nodeId: job.nodeId, recipeHash: job.recipeHash, artifact }, { actor })],
    onFailed: (job, error, attempts): AnyEvent[] => [
      makeEvent(o.run, 'node.failed', { nodeId: job.nodeId, stage: 'materialize', error, attempts }, { actor }),
    ],
  });

  await bindEvents(profiler, { bus: o.bus, run: o.run, types: ['source.discovered'], queue: 'curator', logger: o.logger });
  await bindJobs(materializer, {
    bus: o.bus, run: o.run, role: 'materialize', schema: 'messages/job-materialize', logger: o.logger, concurrency: o.concurrency ?? 2, ackWaitMs: o.ackWaitMs,
  });
  return {
    hosts: [profiler, materializer] as const,
    async drain() {
      await Promise.all([profiler.drain(), materializer.drain()]);
    },
  };
}

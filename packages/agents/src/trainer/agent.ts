import { isAbsolute, join } from 'node:path';
import { makeEvent, type AnyEvent, type Bus, type EvaluateInput, type EvaluateResult, type GradeResult, type Logger, type TrainJob } from '@datamaster/core';
import { ActorHost } from '../host/actor-host.ts';
import { bindJobs } from '../host/bind.ts';
import type { WorkerInput } from '../host/worker-machine.ts';
import { trainerMachine } from './machine.ts';

export interface TrainerDeps {
  /** Fixed learner, scored on validation. */
  evaluate(input: EvaluateInput, signal: AbortSignal): Promise<EvaluateResult>;
  /** Fixed learner, scored on the held-out test: final pick and baseline only. */
  grade(input: EvaluateInput, signal: AbortSignal): Promise<GradeResult>;
}

export interface TrainerOptions {
  bus: Bus;
  run: string;
  runDir: string;
  deps: TrainerDeps;
  logger: Logger;
  actor?: string;
  concurrency?: number;
  retry?: Partial<WorkerInput>;
  ackWaitMs?: number;
}

const finite = (m: Record<string, number> | undefined) =>
  Object.fromEntries(Object.entries(m ?? {}).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)));

export async function startTrainer(o: TrainerOptions): Promise<ActorHost<TrainJob, EvaluateResult | GradeResult>> {
  const actor = o.actor ?? 'trainer';
  const host = new ActorHost<TrainJob, EvaluateResult | GradeResult>({
    name: actor,
    bus: o.bus,
    machine: trainerMachine,
    concurrency: o.concurrency ?? 1,
    retry: { maxAttempts: 2, timeoutMs: 300_000, ...o.retry },
    logger: o.logger,
    work: ({ item, signal }) => {
      const path = isAbsolute(item.artifact.path) ? item.artifact.path : join(o.runDir, item.artifact.path);
      const input: EvaluateInput = { artifact: { path, format: item.artifact.format }, fidelity: item.fidelity ?? 1, seed: item.seed };
      return item.mode === 'grade' ? o.deps.grade(input, signal) : o.deps.evaluate(input, signal);
    },
    onDone: (job, result): AnyEvent[] => {
      if (job.mode === 'grade') {
        const g = result as GradeResult;
        const data: Extract<AnyEvent, { type: 'run.graded' }>['data'] = { nodeId: job.nodeId, split: 'test', score: g.score, metrics: finite(g.metrics) };
        if (g.medal) data.medal = g.medal;
        if (job.role) data.role = job.role;
        return [makeEvent(o.run, 'run.graded', data, { actor })];
      }
      const r = result as EvaluateResult;
      const data: Extract<AnyEvent, { type: 'node.evaluated' }>['data'] = { nodeId: job.nodeId, score: r.score, split: 'val', metrics: finite(r.metrics) };
      if (r.seconds !== undefined) data.seconds = r.seconds;
      if (job.fidelity !== undefined) data.fidelity = job.fidelity;
      return [makeEvent(o.run, 'node.evaluated', data, { actor })];
    },
    onFailed: (job, error, attempts): AnyEvent[] => {
      // A failed final grading is logged by the host; it must not mark the chosen node failed in the tree.
      if (job.mode === 'grade') return [];
      return [makeEvent(o.run, 'node.failed', { nodeId: job.nodeId, stage: 'evaluate', error, attempts }, { actor })];
    },
  });
  await bindJobs(host, {
    bus: o.bus, run: o.run, role: 'train', schema: 'messages/job-train', logger: o.logger, concurrency: o.concurrency ?? 1, ackWaitMs: o.ackWaitMs,
  });
  return host;
}

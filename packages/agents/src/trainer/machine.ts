import type { EvaluateResult, GradeResult, TrainJob } from '@datamaster/core';
import { createWorkerMachine } from '../host/worker-machine.ts';

/**
 * Trainer: one train job at a time per slot.
 *   idle --WORK(job)--> working [invoke train: the benchmark's fixed learner] --> idle
 *   a failed or timed-out attempt backs off and retries; the last failure is reported (node.failed, stage evaluate).
 */
export const trainerMachine = createWorkerMachine<TrainJob, EvaluateResult | GradeResult>('trainer');

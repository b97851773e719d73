/**
 * A library learner as a learner command (started through library.mjs): reads the protocol's inputs with
 * readLearnerInputs, trains and predicts with getLearner(name).fitPredict, and writes the predictions with
 * writeLearnerPredictions. One line `learner-timing {...}` on stderr says where its time went (bootMs: from
 * process start to here, tsx and the imports included; readMs, fitMs, writeMs); bench/learner.bench.ts
 * reads it from the stderr tail.
 */
import * as learners from '@datamaster/learners';
import type { LearnerProblem } from '@datamaster/learners';

const bootMs = performance.now(); // milliseconds since this process started
const [name = 'random-forest', paramsJson] = process.argv.slice(2);
const params = paramsJson ? (JSON.parse(paramsJson) as Record<string, unknown>) : {};
const learner = learners.getLearner(name);

const { problem: file, train, predict } = await learners.readLearnerInputs();
const tRead = performance.now();
const problem: LearnerProblem = {
  taskType: file.taskType,
  label: file.label,
  features: file.features,
  ...(file.classes ? { classes: file.classes } : {}),
  ...(file.id ? { id: file.id } : {}),
};
const predictions = learner.fitPredict(problem, train, predict, { seed: file.seed, params });
const tFit = performance.now();
await learners.writeLearnerPredictions(file, predict, predictions);
const tWrite = performance.now();
process.stderr.write(`learner-timing ${JSON.stringify({ bootMs, readMs: tRead - bootMs, fitMs: tFit - tRead, writeMs: tWrite - tFit })}\n`);

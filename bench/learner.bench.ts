/**
 * One benchmark node's training, in process and behind the learner-command protocol
 * (npm run bench:learner [-- --n 3 --rows 100000 --predict 20000 --trees 30 --depth 10 --min-samples 20]).
 *
 * Task: vega-datasets flights-200k, the first rows + predict flights shuffled (seeded), `rows` of them as
 * training rows and `predict` as prediction inputs; label: delayed (delay > 0 min, 47% of flights) or
 * on-time, from distance and time of day.
 * inproc:  the library's getLearner('random-forest'), called in this process.
 * command: runLearnerCommand with ["node", "examples/learners/library.mjs", "random-forest", params]: a
 *          child node process that reads the protocol's files and runs the SAME forest code.
 * Median of n runs each, alternating. Both must give the same predictions (same code, same seed).
 * Printed: the protocol overhead split (runner writing the files, process start (node + tsx + imports), the
 * learner reading its inputs, the learner writing predictions, the runner reading them, process exit).
 * The last line printed is one JSON object: {"rows", "inproc_ms", "command_ms", "overhead_ratio", "protocol_ms",
 * "protocol_share"} with overhead_ratio = (command_ms - inproc_ms) / inproc_ms (which also holds the child's
 * colder JIT and machine noise), protocol_ms = the summed overhead split above, protocol_share =
 * protocol_ms / command_ms.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getLearner, runLearnerCommand, type CommandRunReport, type LearnerProblem, type Row } from '@datamaster/learners';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('n', 3);
const ROWS = arg('rows', 100_000);
const PREDICT = arg('predict', 20_000);
const TREES = arg('trees', 30);
const DEPTH = arg('depth', 10);
const MIN_LEAF = arg('min-samples', 20);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dm-learner-bench-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const flights = JSON.parse(readFileSync(join(ROOT, 'node_modules/vega-datasets/data/flights-200k.json'), 'utf8')) as { delay: number; distance: number; time: number }[];
if (flights.length < ROWS + PREDICT) throw new Error(`flights-200k has ${flights.length} rows; --rows + --predict must not exceed it`);
const label = (d: number) => (d > 0 ? 'delayed' : 'on-time');
// A seeded shuffle of the first rows + predict flights (the file is in date order), then split.
let state = 12345;
const rand = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296);
const pool = flights.slice(0, ROWS + PREDICT);
for (let i = pool.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [pool[i], pool[j]] = [pool[j]!, pool[i]!];
}
const train: Row[] = pool.slice(0, ROWS).map((f) => ({ distance: f.distance, time: f.time, status: label(f.delay) }));
const predict: Row[] = pool.slice(ROWS).map((f, i) => ({ id: `f${i}`, distance: f.distance, time: f.time }));
const answers = pool.slice(ROWS).map((f) => label(f.delay));
const problem: LearnerProblem = {
  taskType: 'binary',
  label: 'status',
  classes: ['delayed', 'on-time'],
  features: [
    { name: 'distance', kind: 'numeric' },
    { name: 'time', kind: 'numeric' },
  ],
  id: 'id',
};
const params = { trees: TREES, maxDepth: DEPTH, minNumSamples: MIN_LEAF };
const seed = 17;
const learner = getLearner('random-forest');
console.log(`forest: @datamaster/learners getLearner('random-forest'); ${ROWS} training rows, ${PREDICT} prediction inputs, params ${JSON.stringify(params)}, n=${N}`);

interface Timing {
  bootMs: number;
  readMs: number;
  fitMs: number;
  writeMs: number;
}
const inproc: number[] = [];
const command: number[] = [];
const split = { write: [] as number[], start: [] as number[], learnerRead: [] as number[], fit: [] as number[], learnerWrite: [] as number[], read: [] as number[], exit: [] as number[] };
let inprocValues: (string | number)[] = [];
let commandValues: (string | number)[] = [];

for (let k = 0; k < N; k++) {
  const t0 = performance.now();
  inprocValues = learner.fitPredict(problem, train, predict, { seed, params }).values;
  inproc.push(performance.now() - t0);

  const t1 = performance.now();
  const res: CommandRunReport = await runLearnerCommand({
    spec: { command: ['node', 'examples/learners/library.mjs', 'random-forest', JSON.stringify(params)] },
    baseDir: ROOT,
    workDir: join(dir, `run${k}`),
    problem,
    train,
    predict,
    seed,
  });
  command.push(performance.now() - t1);
  commandValues = res.values;
  const line = /learner-timing (\{.*\})/.exec(res.stderrTail);
  if (!line) throw new Error(`the learner printed no timing line; stderr: ${res.stderrTail}`);
  const t = JSON.parse(line[1]!) as Timing;
  split.write.push(res.phases.writeSeconds * 1000);
  split.start.push(t.bootMs);
  split.learnerRead.push(t.readMs);
  split.fit.push(t.fitMs);
  split.learnerWrite.push(t.writeMs);
  split.read.push(res.phases.readSeconds * 1000);
  split.exit.push(res.phases.processSeconds * 1000 - (t.bootMs + t.readMs + t.fitMs + t.writeMs));
  console.log(`run ${k + 1}: inproc ${inproc[k]!.toFixed(0)} ms, command ${command[k]!.toFixed(0)} ms (learner fit ${t.fitMs.toFixed(0)} ms)`);
}
rmSync(dir, { recursive: true, force: true });

const same = inprocValues.every((v, i) => v === commandValues[i]);
const acc = (vs: (string | number)[]) => vs.filter((v, i) => v === answers[i]).length / answers.length;
const delayed = answers.filter((a) => a === 'delayed').length / answers.length;
const major = Math.max(delayed, 1 - delayed);
console.log(`predictions identical in process and behind the protocol: ${same}; accuracy ${acc(commandValues).toFixed(4)} (majority class ${major.toFixed(4)})`);
if (!same) throw new Error('the command learner predicted differently from the in-process forest: not the same code or seed');

const inprocMs = median(inproc);
const commandMs = median(command);
const m = Object.fromEntries(Object.entries(split).map(([k, v]) => [k, median(v)])) as Record<keyof typeof split, number>;
const overhead = m.write + m.start + m.learnerRead + m.learnerWrite + m.read + m.exit;
console.log('protocol overhead (median ms):');
console.log(`  runner writes train/predict/problem.json  ${m.write.toFixed(0).padStart(6)}`);
console.log(`  process start (node, tsx, imports)        ${m.start.toFixed(0).padStart(6)}`);
console.log(`  learner reads its inputs                  ${m.learnerRead.toFixed(0).padStart(6)}`);
console.log(`  learner writes predictions.csv            ${m.learnerWrite.toFixed(0).padStart(6)}`);
console.log(`  runner reads and checks predictions       ${m.read.toFixed(0).padStart(6)}`);
console.log(`  process exit and group cleanup            ${m.exit.toFixed(0).padStart(6)}`);
console.log(`  total                                     ${overhead.toFixed(0).padStart(6)}  (${((100 * overhead) / commandMs).toFixed(1)}% of the command node)`);
console.log(`training + prediction: in process ${inprocMs.toFixed(0)} ms, in the child ${m.fit.toFixed(0)} ms`);
console.log(JSON.stringify({ rows: ROWS, inproc_ms: Math.round(inprocMs), command_ms: Math.round(commandMs), overhead_ratio: Number(((commandMs - inprocMs) / inprocMs).toFixed(4)), protocol_ms: Math.round(overhead), protocol_share: Number((overhead / commandMs).toFixed(4)) }));

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DataMasterError } from '@datamaster/sdk';
import type { CommandRunInput, CommandRunResult, FeatureColumn, TaskType } from '../types.ts';
import { prepareInputs, writeTable, type InputFormat } from './inputs.ts';
import { PREDICTION_COLUMN, PROBA_PREFIX, readLearnerPredictions } from './predictions.ts';
import { runProcess, type ProcessOutcome } from './process.ts';
import { DEFAULT_LEARNER_MEMORY_MB, DEFAULT_LEARNER_TIMEOUT_SECONDS, resolveLearnerCommand, validateCommandSpec } from './spec.ts';
import { lastLines } from './tail.ts';

/** The protocol version in problem.json (`protocol`) and DM_PROTOCOL. */
export const LEARNER_PROTOCOL = 1;

/** problem.json, the file DM_PROBLEM points at. docs/learners.md describes each field. */
export interface LearnerProblemFile {
  protocol: typeof LEARNER_PROTOCOL;
  taskType: TaskType;
  /** The label column of the training file. */
  label: string;
  /** Class names (classification), in the order of the proba_<class> columns; null for regression. */
  classes: string[] | null;
  /** The feature columns, in file order, with their kind (numeric, categorical, text) and known values. */
  features: FeatureColumn[];
  /** problem.id when set (the key column is then that id), else null. */
  id: string | null;
  /** Key column of the prediction inputs, to be copied to the predictions file: the id, or 'row' (0-based index). */
  idColumn: string;
  predictionColumn: typeof PREDICTION_COLUMN;
  /** Classification: the optional probability columns, one per class, in `classes` order. */
  probaColumns: string[] | null;
  seed: number;
  format: InputFormat;
  /** Absolute paths. `output` is where the learner writes its predictions (CSV). */
  files: { train: string; predict: string; output: string; dir: string };
  rows: { train: number; predict: number; droppedTrain: number };
  limits: { timeoutSeconds: number; memoryMb: number };
}

export interface LearnerCommandOptions {
  /** Keep the learner's working directory: 'on-failure' (default: kept for an error, removed after success), 'always', 'never'. */
  keepFiles?: 'always' | 'on-failure' | 'never';
  /** Milliseconds between SIGTERM and SIGKILL when the learner is stopped (timeout, abort); default 3000. */
  killGraceMs?: number;
  /** Bytes of stdout and stderr kept (the tails); default 4096. */
  tailBytes?: number;
}

/** What runLearnerCommand returns: a CommandRunResult plus where the time went. */
export interface CommandRunReport extends CommandRunResult {
  /** The learner's working directory (removed after success unless keepFiles is 'always'). */
  dir: string;
  /** Training rows left out (a missing label, a label that is no class, a regression label that is no number). */
  droppedTrainRows: number;
  /** Seconds per phase: writing the input files, the learner process (spawn to exit), reading its predictions. */
  phases: { writeSeconds: number; processSeconds: number; readSeconds: number };
}

const EXT: Record<InputFormat, string> = { csv: 'csv', parquet: 'parquet', jsonl: 'jsonl' };
const OOM_TEXT = /MemoryError|out of memory|Cannot allocate memory|heap out of memory|bad_alloc|allocation failed|Fatal process OOM|failed to allocate/i;
const OOM_SIGNALS = new Set(['SIGSEGV', 'SIGABRT', 'SIGTRAP', 'SIGBUS', 'SIGKILL']);

function shownCommand(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

function tailNote(stderrTail: string): string {
  const t = lastLines(stderrTail, 12);
  return t ? `; stderr ends with:\n${t}` : '; it wrote nothing to stderr';
}

/**
 * Runs a learner command on one problem: writes the training table, the prediction inputs and
 * problem.json into a fresh directory inside `input.workDir`, starts the command there with a minimal
 * environment, a memory limit and a timeout, and reads back its predictions in input order.
 *
 * Errors (DataMasterError): E_LEARNER_SPEC (a bad spec field), E_LEARNER_COMMAND (the program is not
 * found or not executable), E_LEARNER_INPUT (duplicate or empty ids, a label used as a feature),
 * E_LEARNER_TIMEOUT, E_LEARNER_ABORTED, E_LEARNER_EXIT (non-zero exit or a signal; details.stderrTail),
 * E_LEARNER_OUTPUT (no predictions, or a bad row: the message names the file, the line and the value).
 */
export async function runLearnerCommand(input: CommandRunInput & LearnerCommandOptions): Promise<CommandRunReport> {
  const spec = validateCommandSpec(input.spec);
  const { problem, seed, signal } = input;
  const format: InputFormat = spec.format ?? 'csv';
  const timeoutSeconds = spec.timeoutSeconds ?? DEFAULT_LEARNER_TIMEOUT_SECONDS;
  const memoryMb = spec.memoryMb ?? DEFAULT_LEARNER_MEMORY_MB;
  const keep = input.keepFiles ?? 'on-failure';
  const baseDir = resolve(input.baseDir);
  const childPath = spec.env?.PATH ?? process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
  const aborted = () =>
    new DataMasterError('E_LEARNER_ABORTED', `learner command ${shownCommand(spec.command)}: aborted (${String(signal?.reason ?? 'signal')})`, { command: spec.command });
  if (signal?.aborted) throw aborted();
  const argv = resolveLearnerCommand(spec.command, baseDir, childPath);

  const t0 = performance.now();
  await mkdir(input.workDir, { recursive: true });
  const dir = await mkdtemp(join(resolve(input.workDir), 'learner-'));
  let ok = false;
  try {
    const tmp = join(dir, 'tmp');
    await mkdir(tmp);
    const prep = prepareInputs(problem, input.train, input.predict);
    const files = {
      train: join(dir, `train.${EXT[format]}`),
      predict: join(dir, `predict.${EXT[format]}`),
      output: join(dir, 'predictions.csv'),
      dir,
    };
    const problemFile: LearnerProblemFile = {
      protocol: LEARNER_PROTOCOL,
      taskType: problem.taskType,
      label: problem.label,
      classes: prep.classes ?? null,
      features: prep.features,
      id: problem.id ?? null,
      idColumn: prep.idColumn,
      predictionColumn: PREDICTION_COLUMN,
      probaColumns: prep.classes ? prep.classes.map((c) => PROBA_PREFIX + c) : null,
      seed,
      format,
      files,
      rows: { train: prep.trainCells.length, predict: prep.predictCells.length, droppedTrain: prep.droppedTrainRows },
      limits: { timeoutSeconds, memoryMb },
    };
    const problemPath = join(dir, 'problem.json');
    await writeTable(format, files.train, prep.trainColumns, prep.trainCells);
    await writeTable(format, files.predict, prep.predictColumns, prep.predictCells);
    await writeFile(problemPath, JSON.stringify(problemFile, null, 2) + '\n');
    const writeSeconds = (performance.now() - t0) / 1000;
    if (signal?.aborted) throw aborted();

    const env: Record<string, string> = {
      PATH: childPath,
      HOME: dir,
      LANG: process.env.LANG || 'C.UTF-8',
      TMPDIR: tmp,
      ...spec.env,
      DM_PROTOCOL: String(LEARNER_PROTOCOL),
      DM_DIR: dir,
      DM_TRAIN: files.train,
      DM_PREDICT: files.predict,
      DM_OUTPUT: files.output,
      DM_PROBLEM: problemPath,
      DM_FORMAT: format,
      DM_LABEL: problem.label,
      DM_TASK_TYPE: problem.taskType,
      DM_ID_COLUMN: prep.idColumn,
      DM_CLASSES: JSON.stringify(prep.classes ?? []),
      DM_SEED: String(seed),
      DM_MEMORY_MB: String(memoryMb),
      DM_TIMEOUT_SECONDS: String(timeoutSeconds),
    };

    let outcome: ProcessOutcome;
    try {
      outcome = await runProcess({
        argv,
        cwd: dir,
        env,
        memoryMb,
        timeoutMs: timeoutSeconds * 1000,
        killGraceMs: input.killGraceMs ?? 3000,
        tailBytes: input.tailBytes ?? 4096,
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      throw new DataMasterError('E_LEARNER_COMMAND', `learner command ${shownCommand(argv)}: cannot start (${(err as Error).message})`, { command: argv, dir }, { cause: err });
    }
    const base = { command: argv, dir, pid: outcome.pid, seconds: outcome.seconds, stderrTail: outcome.stderrTail, stdoutTail: outcome.stdoutTail };
    if (outcome.aborted) {
      throw new DataMasterError('E_LEARNER_ABORTED', `learner command ${shownCommand(argv)}: aborted after ${outcome.seconds.toFixed(1)} s (${String(signal?.reason ?? 'signal')}); its process group was killed`, base);
    }
    if (outcome.timedOut) {
      throw new DataMasterError(
        'E_LEARNER_TIMEOUT',
        `learner command ${shownCommand(argv)}: still running after its timeout of ${timeoutSeconds} s, so its whole process group was killed; raise learner.timeoutSeconds or make the learner faster${tailNote(outcome.stderrTail)}`,
        { ...base, timeoutSeconds },
      );
    }
    if (outcome.code !== 0) {
      const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.code}`;
      const oom = (outcome.signal && OOM_SIGNALS.has(outcome.signal)) || OOM_TEXT.test(outcome.stderrTail);
      const hint = oom ? ` (it may have run out of memory: its limit is ${memoryMb} MiB, learner.memoryMb)` : '';
      throw new DataMasterError('E_LEARNER_EXIT', `learner command ${shownCommand(argv)} ${how} after ${outcome.seconds.toFixed(1)} s${hint}${tailNote(outcome.stderrTail)}`, {
        ...base,
        code: outcome.code,
        signal: outcome.signal,
        memoryMb,
      });
    }

    const t1 = performance.now();
    let preds;
    try {
      preds = await readLearnerPredictions({ file: files.output, taskType: problem.taskType, classes: prep.classes, idColumn: prep.idColumn, keys: prep.keys });
    } catch (err) {
      if (err instanceof DataMasterError) throw new DataMasterError(err.code, err.message, { ...err.details, ...base }, { cause: err });
      throw err;
    }
    const readSeconds = (performance.now() - t1) / 1000;
    ok = true;
    return {
      ...preds,
      seconds: outcome.seconds,
      stdoutTail: outcome.stdoutTail,
      stderrTail: outcome.stderrTail,
      dir,
      droppedTrainRows: prep.droppedTrainRows,
      phases: { writeSeconds, processSeconds: outcome.seconds, readSeconds },
    };
  } finally {
    if (keep === 'never' || (keep === 'on-failure' && ok)) await rm(dir, { recursive: true, force: true });
  }
}

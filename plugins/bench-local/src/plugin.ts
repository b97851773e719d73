import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataMasterError, type BenchmarkPlugin, type EvaluateInput, type PluginContext, type PreparedTask, type TaskColumn } from '@datamaster/core';
import { ensureTask } from './ensure.ts';
import { fitAndScore, readTaskTable } from './learner.ts';
import { taskSpec } from './suite/index.ts';
import type { TaskSpec } from './suite/spec.ts';
import type { Row } from './table.ts';

export interface BenchLocalConfig {
  /** Task name in the suite (seattle-weather, penguins, cars, spam, ...). */
  task: string;
  /** Cache folder for generated task data, relative to ctx.baseDir; default plugins/bench-local/data/. */
  dataDir?: string;
}

export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../data/', import.meta.url));

export function dataDirOf(ctx: PluginContext<BenchLocalConfig>): string {
  const d = ctx.config.dataDir;
  if (!d) return DEFAULT_DATA_DIR;
  return isAbsolute(d) ? d : resolve(ctx.baseDir, d);
}

function specOf(ctx: PluginContext<BenchLocalConfig>): TaskSpec {
  if (typeof ctx.config.task !== 'string') {
    throw new DataMasterError('E_BENCH_CONFIG', `${ctx.name}: config.task is required (a task name of the bench-local suite)`, { plugin: ctx.name });
  }
  return taskSpec(ctx.config.task);
}

/** The task's declared columns, as the task schema's TaskColumn. */
export function taskColumns(spec: TaskSpec): TaskColumn[] {
  const col = (c: { name: string; type: 'DOUBLE' | 'VARCHAR'; description: string; unit?: string }, values?: string[]): TaskColumn => ({
    name: c.name,
    type: c.type,
    description: c.description,
    ...(c.unit ? { unit: c.unit } : {}),
    ...(values ? { values } : {}),
  });
  return [...spec.features.map((f) => col(f, f.values)), col(spec.label, spec.label.classes)];
}

// Val and test tables are read once per process: a run evaluates many artifacts against them.
const heldOutCache = new Map<string, Row[]>();
async function heldOut(spec: TaskSpec, file: string): Promise<Row[]> {
  let rows = heldOutCache.get(file);
  if (!rows) {
    rows = await readTaskTable(spec, file);
    heldOutCache.set(file, rows);
  }
  return rows;
}

async function score(split: 'val' | 'test', input: EvaluateInput, ctx: PluginContext<BenchLocalConfig>) {
  const spec = specOf(ctx);
  const files = await ensureTask(spec.name, dataDirOf(ctx));
  const started = performance.now();
  const train = await readTaskTable(spec, input.artifact.path, input.artifact.format);
  const result = fitAndScore(spec, train, await heldOut(spec, split === 'val' ? files.val : files.test), input.seed, input.fidelity);
  return { ...result, seconds: (performance.now() - started) / 1000 };
}

export const benchLocal: BenchmarkPlugin<BenchLocalConfig> = {
  kind: 'benchmark',
  async prepare(task, ctx): Promise<PreparedTask> {
    const spec = specOf(ctx);
    // The suite's tasks have a fixed label and metric: a task file that says otherwise is refused, not ignored.
    if (task.metric.name !== spec.metric.name || task.metric.direction !== spec.metric.direction) {
      throw new DataMasterError(
        'E_BENCH_METRIC',
        `${ctx.name}: task '${spec.name}' is scored by ${spec.metric.name} (${spec.metric.direction}); the task file says ${task.metric.name} (${task.metric.direction}): set metric to {"name": "${spec.metric.name}", "direction": "${spec.metric.direction}"}, or use @datamaster/bench-tabular for another metric`,
        { plugin: ctx.name, path: '/metric' },
      );
    }
    const files = await ensureTask(spec.name, dataDirOf(ctx));
    ctx.logger.info('bench-local task ready', { task: spec.name, dir: files.dir });
    return {
      base: { path: files.train, format: 'parquet' },
      label: spec.label.name,
      columns: taskColumns(spec),
      testInputs: { path: files.testInputs, format: 'parquet' },
      keyColumns: spec.keyColumns,
    };
  },
  async evaluate(input, ctx) {
    const r = await score('val', input, ctx);
    return { score: r.score, metrics: r.metrics, seconds: r.seconds };
  },
  async grade(input, ctx) {
    const r = await score('test', input, ctx);
    return { score: r.score, metrics: r.metrics };
  },
};

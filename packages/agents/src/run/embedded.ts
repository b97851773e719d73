import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DataMasterError,
  errorInfo,
  LevelEventLog,
  loadJsonFile,
  MemoryBus,
  type Logger,
  type RunState,
  type SearchConfig,
  type StoredEvent,
  type Task,
} from '@datamaster/core';
import { Recorder } from '../recorder/recorder.ts';
import { knobsOf, loadRunContext, startRole, type RunContext, type StartedRole } from './roles.ts';
import { progressLine } from './progress.ts';

export interface RunOptions {
  /** Task file to start a new run from. */
  taskFile?: string;
  /** Resume the run in this directory (its run.json names the task file). */
  resume?: string;
  /** Directory of the new run; default <runsDir>/<run id>. */
  runDir?: string;
  runsDir?: string;
  runId?: string;
  budget?: number;
  parallel?: number;
  seconds?: number;
  /** Search overrides (ablations: selection 'random', poolReuse false, memory false). */
  search?: Partial<SearchConfig>;
  logger: Logger;
  /** Receives one line per notable event. */
  progress?: (line: string) => void;
  /** Called with each stored event (tests: kill a run mid-way). */
  onEvent?: (e: StoredEvent) => void;
}

export interface RunSummary {
  run: string;
  task: string;
  runDir: string;
  nodes: number;
  baseline: { val: number | null; test: number | null };
  best: { id: string | null; val: number | null; test: number | null; medal?: string };
  rejectedSources: { id: string; code: string; reason: string }[];
  /** Why the search stopped (budget, time, exhausted, stopped, root_failed). */
  finished: string | null;
  /** Sources found, admitted to the pool (profiled) and rejected. */
  sources: { discovered: number; admitted: number; rejected: number };
  /** Things a user should know about the result (no source admitted, nothing better than the baseline, ...). */
  notes: string[];
}

export interface RunResult {
  summary: RunSummary;
  state: RunState;
}

interface RunMeta {
  run: string;
  taskFile: string;
  startedAt: string;
  budget?: number;
  parallel?: number;
  seconds?: number;
  search?: Partial<SearchConfig>;
}

export function newRunId(taskId: string): string {
  const stamp = new Date().toISOString().replace(/[-:TZ.]/g, '').slice(0, 14);
  return `${taskId}-${stamp}-${process.pid.toString(36)}`;
}

/** Wall-clock seconds a resumed run already spent: from its first to its last recorded event. */
function elapsedMs(events: StoredEvent[]): number {
  if (!events.length) return 0;
  return Math.max(0, Date.parse(events[events.length - 1]!.at) - Date.parse(events[0]!.at));
}

/**
 * `datamaster run`: every agent and the recorder in one process over a MemoryBus, the log on LevelDB under the
 * run directory. Returns when the planner has finished and the final pick is graded.
 */
export async function runEmbedded(o: RunOptions): Promise<RunResult> {
  const log_ = o.logger;
  let meta: RunMeta;
  let runDir: string;
  if (o.resume) {
    runDir = resolve(o.resume);
    const metaFile = join(runDir, 'run.json');
    if (!existsSync(metaFile)) throw new DataMasterError('E_RUN_DIR', `${runDir}: not a run directory (no run.json); pass the directory a 'datamaster run' created`, { runDir });
    meta = JSON.parse(readFileSync(metaFile, 'utf8')) as RunMeta;
  } else {
    if (!o.taskFile) throw new DataMasterError('E_USAGE', 'a task file is required: datamaster run <task.json>');
    const taskFile = resolve(o.taskFile);
    const t = loadJsonFile<Task>(taskFile, 'task', 'see schemas/task.schema.json');
    const run = o.runId ?? newRunId(t.id);
    runDir = resolve(o.runDir ?? join(o.runsDir ?? '.datamaster/runs', run));
    meta = { run, taskFile, startedAt: new Date().toISOString(), budget: o.budget, parallel: o.parallel, seconds: o.seconds, search: o.search };
  }
  const task = loadJsonFile<Task>(meta.taskFile, 'task', 'see schemas/task.schema.json');
  const knobs = knobsOf(task, meta);
  mkdirSync(runDir, { recursive: true });
  if (!o.resume) writeFileSync(join(runDir, 'run.json'), `${JSON.stringify(meta, null, 2)}\n`);
  const run = meta.run;

  const log = await LevelEventLog.open(runDir, { run });
  const bus = new MemoryBus({ onError: (err) => log_.warn(`bus: ${errorInfo(err).message}`) });
  let ctx: RunContext | null = null;
  const started: StartedRole[] = [];
  let recorder: Recorder | null = null;
  try {
    ctx = await loadRunContext({ run, runDir, task, taskFile: meta.taskFile, knobs, bus, logger: log_ });
    if (!o.resume) o.progress?.(preparedLine(task.id, ctx.prepared));
    const priorEvents: StoredEvent[] = [];
    for await (const e of log.read()) priorEvents.push(e);

    recorder = await Recorder.start({
      bus,
      log,
      logger: log_,
      onRecorded: (e, state) => {
        const line = progressLine(e, state);
        if (line && o.progress) o.progress(line);
        o.onEvent?.(e);
      },
    });
    const elapsed = o.resume ? elapsedMs(priorEvents) : 0;
    // The planner last: the others must be listening before the run starts.
    for (const role of ['trainer', 'curator', 'critic', 'scout'] as const) started.push(await startRole(role, ctx));

    if (o.resume) {
      // Work that was under way when the run stopped: judge evaluated nodes, profile discovered sources.
      const s = recorder.current();
      const curator = started.find((r) => r.role === 'curator')!;
      const critic = started.find((r) => r.role === 'critic')!;
      for (const e of priorEvents) {
        if (e.type === 'node.evaluated' && s.tree.nodes[e.data.nodeId]?.status === 'evaluated') critic.spawnCritique?.(e);
        if (e.type === 'source.discovered' && s.pool.sources[e.data.source.id]?.status === 'discovered') curator.spawnProfile?.(e);
      }
    }

    const planner = await startRole('planner', ctx, { elapsedMs: elapsed });
    started.unshift(planner);
    const onSignal = () => planner.stop?.();
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    try {
      await planner.done;
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    }
    for (const r of started.splice(0)) await r.drain();
    await recorder.stop();
    const state = recorder.current();
    const root = state.tree.rootId ? state.tree.nodes[state.tree.rootId] : undefined;
    if (state.finished?.reason === 'root_failed') {
      const err = root?.error;
      throw new DataMasterError(
        'E_ROOT_FAILED',
        `the task's own data (the baseline, node ${root?.id ?? 'n0'}) failed at ${err?.stage ?? 'evaluate'}: ${err?.message ?? 'unknown error'} [${err?.code ?? 'E_INTERNAL'}]; nothing can be compared with it, so the run stops. Fix the benchmark or its config and run again (log: ${runDir})`,
        { runDir, nodeId: root?.id, error: err },
      );
    }
    return { state, summary: summarize(state, runDir) };
  } finally {
    for (const r of started) await r.drain().catch(() => undefined);
    await recorder?.stop().catch(() => undefined);
    await bus.close().catch(() => undefined);
    await ctx?.close().catch(() => undefined);
    await log.close();
  }
}

export function summarize(state: RunState, runDir: string): RunSummary {
  const tree = state.tree;
  const root = tree.rootId ? tree.nodes[tree.rootId] : undefined;
  const best = tree.bestId ? tree.nodes[tree.bestId] : undefined;
  const bestTest = state.graded.best?.score ?? null;
  const baselineTest = state.graded.baseline?.score ?? (best && root && best.id === root.id ? bestTest : null);
  const entries = state.pool.order.map((id) => state.pool.sources[id]!);
  const sources = {
    discovered: entries.length,
    admitted: entries.filter((e) => e.status === 'profiled').length,
    rejected: entries.filter((e) => e.status === 'rejected').length,
  };
  const notes: string[] = [];
  if (sources.admitted === 0) {
    notes.push(
      sources.discovered === 0
        ? 'no source was found: the search could only refine the task\'s own data (check the task\'s sources and queries)'
        : `no source was admitted (${sources.rejected} rejected): the search could only refine the task's own data`,
    );
  }
  if (best && root && best.id === root.id && tree.order.length > 1) notes.push('no node beat the baseline on validation: the best pick is the task data unchanged');
  return {
    run: state.run ?? '',
    task: state.task?.id ?? '',
    runDir,
    nodes: tree.order.length,
    baseline: { val: root?.score ?? null, test: baselineTest },
    best: { id: best?.id ?? null, val: best?.score ?? null, test: bestTest, ...(state.graded.best?.medal ? { medal: state.graded.best.medal } : {}) },
    rejectedSources: state.pool.order
      .map((id) => state.pool.sources[id]!)
      .filter((e) => e.status === 'rejected')
      .map((e) => ({ id: e.source.id, code: e.rejection?.code ?? '', reason: e.rejection?.message ?? '' })),
    finished: state.finished?.reason ?? null,
    sources,
    notes,
  };
}

/** One line that says what the benchmark prepared and inferred (label, task type, id column, split, learner). */
export function preparedLine(taskId: string, prepared: { label: string; info?: Record<string, unknown> }): string {
  const show = (v: unknown): string => {
    if (v === null || typeof v !== 'object') return String(v);
    if (Array.isArray(v)) return v.length > 8 ? `${v.slice(0, 8).map(show).join(',')},… (${v.length})` : v.map(show).join(',');
    return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k} ${show(x)}`).join(', ')}}`;
  };
  const info = Object.entries(prepared.info ?? {}).map(([k, v]) => `${k}: ${show(v)}`);
  const line = `task ${taskId}: label '${prepared.label}'${info.length ? `; ${info.join('; ')}` : ''}`;
  return line.length > 400 ? `${line.slice(0, 399)}…` : line;
}

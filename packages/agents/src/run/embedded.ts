import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  artifactOf,
  DataEngine,
  DataMasterError,
  errorInfo,
  fetchSafely,
  LevelEventLog,
  loadJsonFile,
  MemoryBus,
  PluginHost,
  searchSafely,
  type Budget,
  type DataFile,
  type LoadedPlugin,
  type Logger,
  type RunState,
  type SearchConfig,
  type SourcePlugin,
  type StoredEvent,
  type Task,
} from '@datamaster/core';
import { startCritic } from '../critic/agent.ts';
import { startCurator } from '../curator/agent.ts';
import { stateClient } from '../host/state-client.ts';
import { Planner } from '../planner/agent.ts';
import type { SearchKnobs } from '../planner/decide.ts';
import { Recorder } from '../recorder/recorder.ts';
import { startScout } from '../scout/agent.ts';
import { startTrainer } from '../trainer/agent.ts';
import { progressLine } from './progress.ts';

export const DEFAULT_CRITIC = '@datamaster/critic-default';
export const DEFAULT_POLICY = '@datamaster/policy-rules';
/** Per-source download limit (bytes) and time limit. */
export const FETCH_LIMITS = { maxBytes: 512 * 1024 * 1024, timeoutMs: 120_000 };

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
  best: { id: string | null; val: number | null; test: number | null };
  rejectedSources: { id: string; code: string; reason: string }[];
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

function knobsOf(task: Task, o: { budget?: number; parallel?: number; seconds?: number; search?: Partial<SearchConfig> }): SearchKnobs {
  const b: Budget = task.budget ?? {};
  return {
    budget: { nodes: o.budget ?? b.nodes ?? 16, seconds: o.seconds ?? b.seconds ?? 600, parallel: o.parallel ?? b.parallel ?? 2 },
    search: { ...(task.search ?? {}), ...(o.search ?? {}) },
    seed: task.seed ?? 0,
  };
}

/** Wall-clock seconds a resumed run already spent: from its first to its last recorded event. */
function elapsedMs(state: RunState, events: StoredEvent[]): number {
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
  const baseDir = dirname(meta.taskFile);
  mkdirSync(runDir, { recursive: true });
  if (!o.resume) writeFileSync(join(runDir, 'run.json'), `${JSON.stringify(meta, null, 2)}\n`);
  const run = meta.run;

  const log = await LevelEventLog.open(runDir, { run });
  const bus = new MemoryBus({ onError: (err) => log_.warn(`bus: ${errorInfo(err).message}`) });
  let engine: DataEngine | null = null;
  const stops: (() => Promise<void>)[] = [];
  try {
    const host = new PluginHost({ runDir, logger: log_ });
    const benchmark = await host.loadBenchmark(task.benchmark, { baseDir, file: meta.taskFile });
    const sources: LoadedPlugin<SourcePlugin>[] = [];
    for (const ref of task.sources ?? []) {
      try {
        sources.push(await host.loadSource(ref, { baseDir, file: meta.taskFile }));
      } catch (err) {
        // A source plugin that cannot load costs its candidates only.
        log_.error(`source plugin ${ref.plugin} not loaded: ${errorInfo(err).message}`);
      }
    }
    const critic = await host.loadCritic(task.critic ?? { plugin: DEFAULT_CRITIC }, { baseDir, file: meta.taskFile });
    const policy = await host.loadPolicy(task.policy ?? { plugin: DEFAULT_POLICY }, { baseDir, file: meta.taskFile });
    const prepared = await benchmark.plugin.prepare(task, benchmark.ctx);

    const allowed = [runDir, dirname(resolve(prepared.base.path))];
    if (prepared.testInputs) allowed.push(dirname(resolve(prepared.testInputs.path)));
    engine = await DataEngine.open({ workDir: join(runDir, 'work'), allowedDirs: allowed });
    const eng = engine;

    const priorEvents: StoredEvent[] = [];
    for await (const e of log.read()) priorEvents.push(e);

    const recorder = await Recorder.start({
      bus,
      log,
      logger: log_,
      onRecorded: (e, state) => {
        const line = progressLine(e, state);
        if (line && o.progress) o.progress(line);
        o.onEvent?.(e);
      },
    });
    stops.push(() => recorder.stop());
    const getState = stateClient(bus, run);
    const byPlugin = new Map(sources.map((s) => [s.name, s]));

    const trainer = await startTrainer({
      bus, run, runDir, logger: log_, concurrency: knobs.budget.parallel,
      deps: {
        evaluate: (input) => benchmark.plugin.evaluate(input, benchmark.ctx),
        grade: (input) => benchmark.plugin.grade(input, benchmark.ctx),
      },
    });
    const curator = await startCurator({
      bus, run, label: prepared.label, logger: log_, concurrency: knobs.budget.parallel,
      deps: {
        getState,
        fetch: async (source) => {
          const loaded = byPlugin.get(source.plugin);
          if (!loaded) throw new DataMasterError('E_UNKNOWN_PLUGIN', `source ${source.id} comes from plugin ${source.plugin}, which this run has not loaded`);
          const dir = join(runDir, 'sources', source.id.replace(/[^A-Za-z0-9_.-]+/g, '_'));
          mkdirSync(dir, { recursive: true });
          const got = await fetchSafely(loaded, source, dir, FETCH_LIMITS);
          if (got.error) throw got.error;
          const file = got.files[0];
          if (!file) throw new DataMasterError('E_FETCH_EMPTY', `source ${source.id}: the plugin returned no usable file${got.dropped.length ? ` (${got.dropped.map((d) => d.reason).join('; ')})` : ''}`);
          return { path: file.path, format: file.format } satisfies DataFile;
        },
        profile: (file) =>
          eng.profile(file, {
            label: prepared.label,
            taskColumns: prepared.columns,
            ...(prepared.testInputs ? { testInputs: prepared.testInputs } : {}),
            ...(prepared.keyColumns ? { keyColumns: prepared.keyColumns } : {}),
          }),
        materialize: async (job, files) =>
          artifactOf(await eng.materialize({
            recipe: job.recipe,
            recipeHash: job.recipeHash,
            base: prepared.base,
            label: prepared.label,
            columns: prepared.columns,
            sources: Object.fromEntries(Object.entries(files).map(([id, file]) => [id, { file }])),
            ...(prepared.testInputs ? { testInputs: prepared.testInputs } : {}),
            ...(prepared.keyColumns ? { keyColumns: prepared.keyColumns } : {}),
            outDir: join(runDir, 'artifacts'),
            runDir,
          })),
      },
    });
    const criticHost = await startCritic({
      bus, run, logger: log_,
      deps: { getState, judge: (input) => critic.plugin.judge(input, critic.ctx) },
    });
    const scout = await startScout({
      bus, run, logger: log_,
      searchers: sources.map((s) => ({
        name: s.name,
        search: async (query) => {
          const r = await searchSafely(s, query);
          if (r.error) throw r.error;
          return { sources: r.sources, dropped: r.dropped.map((d) => ({ reason: d.reason })) };
        },
      })),
    });
    const planner = new Planner({
      bus, run, task, prepared, knobs, logger: log_,
      elapsedMs: o.resume ? elapsedMs(recorder.current(), priorEvents) : 0,
      deps: { getState, propose: (input) => policy.plugin.propose(input, policy.ctx) },
    });
    stops.unshift(
      () => planner.close(),
      () => scout.drain(),
      () => criticHost.drain(),
      () => curator.drain(),
      () => trainer.drain(),
    );

    if (o.resume) {
      // Work that was under way when the run stopped: judge evaluated nodes, profile discovered sources.
      const s = recorder.current();
      for (const e of priorEvents) {
        if (e.type === 'node.evaluated' && s.tree.nodes[e.data.nodeId]?.status === 'evaluated') criticHost.spawn(e);
        if (e.type === 'source.discovered' && s.pool.sources[e.data.source.id]?.status === 'discovered') curator.hosts[0].spawn(e);
      }
    }

    const onSignal = () => planner.stop();
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    try {
      await planner.start();
      await planner.done;
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    }
    for (const stop of stops.splice(0)) await stop();
    const state = recorder.current();
    return { state, summary: summarize(state, runDir) };
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    await bus.close().catch(() => undefined);
    await engine?.close().catch(() => undefined);
    await log.close();
  }
}

export function summarize(state: RunState, runDir: string): RunSummary {
  const tree = state.tree;
  const root = tree.rootId ? tree.nodes[tree.rootId] : undefined;
  const best = tree.bestId ? tree.nodes[tree.bestId] : undefined;
  const bestTest = state.graded.best?.score ?? null;
  const baselineTest = state.graded.baseline?.score ?? (best && root && best.id === root.id ? bestTest : null);
  return {
    run: state.run ?? '',
    task: state.task?.id ?? '',
    runDir,
    nodes: tree.order.length,
    baseline: { val: root?.score ?? null, test: baselineTest },
    best: { id: best?.id ?? null, val: best?.score ?? null, test: bestTest },
    rejectedSources: state.pool.order
      .map((id) => state.pool.sources[id]!)
      .filter((e) => e.status === 'rejected')
      .map((e) => ({ id: e.source.id, code: e.rejection?.code ?? '', reason: e.rejection?.message ?? '' })),
  };
}

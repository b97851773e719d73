import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  artifactOf,
  DataEngine,
  DataMasterError,
  errorInfo,
  fetchSafely,
  PluginHost,
  searchSafely,
  type BenchmarkPlugin,
  type Budget,
  type Bus,
  type CriticPlugin,
  type DataFile,
  type LoadedPlugin,
  type Logger,
  type PolicyPlugin,
  type PreparedTask,
  type SearchConfig,
  type SourcePlugin,
  type Task,
} from '@datamaster/core';
import { startCritic } from '../critic/agent.ts';
import { checkPrepared, checkTaskFields } from './check-task.ts';
import { startCurator } from '../curator/agent.ts';
import { stateClient, type GetState } from '../host/state-client.ts';
import { Planner } from '../planner/agent.ts';
import type { SearchKnobs } from '../planner/decide.ts';
import { startScout } from '../scout/agent.ts';
import { startTrainer } from '../trainer/agent.ts';

export const ROLES = ['scout', 'curator', 'planner', 'trainer', 'critic'] as const;
export type Role = (typeof ROLES)[number];

export const DEFAULT_CRITIC = '@datamaster/critic-default';
export const DEFAULT_POLICY = '@datamaster/policy-rules';
/** Per-source download limit (bytes) and time limit. */
export const FETCH_LIMITS = { maxBytes: 512 * 1024 * 1024, timeoutMs: 120_000 };

export interface KnobOverrides {
  budget?: number;
  parallel?: number;
  seconds?: number;
  search?: Partial<SearchConfig>;
}

export function knobsOf(task: Task, o: KnobOverrides): SearchKnobs {
  const b: Budget = task.budget ?? {};
  return {
    budget: { nodes: o.budget ?? b.nodes ?? 16, seconds: o.seconds ?? b.seconds ?? 600, parallel: o.parallel ?? b.parallel ?? 2 },
    search: { ...(task.search ?? {}), ...(o.search ?? {}) },
    seed: task.seed ?? 0,
  };
}

/** What every role of one run needs in one process: the task, its plugins, the prepared benchmark. */
export interface RunContext {
  run: string;
  runDir: string;
  task: Task;
  taskFile: string;
  knobs: SearchKnobs;
  bus: Bus;
  logger: Logger;
  getState: GetState;
  benchmark: LoadedPlugin<BenchmarkPlugin>;
  sources: LoadedPlugin<SourcePlugin>[];
  critic: LoadedPlugin<CriticPlugin>;
  policy: LoadedPlugin<PolicyPlugin>;
  prepared: PreparedTask;
  /** Opened on first use by a role that needs it (curator). */
  engine(): Promise<DataEngine>;
  close(): Promise<void>;
}

export async function loadRunContext(o: { run: string; runDir: string; task: Task; taskFile: string; knobs: SearchKnobs; bus: Bus; logger: Logger }): Promise<RunContext> {
  const { task, taskFile, logger, runDir } = o;
  const baseDir = dirname(taskFile);
  const origin = { baseDir, file: taskFile };
  checkTaskFields(task, taskFile);
  const host = new PluginHost({ runDir, logger });
  // Every plugin the task names must load with a valid config before the run starts: a source that cannot be
  // used is a misconfiguration, not a quieter run. Errors name the task file and the JSON path of the reference.
  const at = async <T>(path: string, plugin: string, fn: (o: typeof origin & { path: string }) => Promise<T>): Promise<T> => {
    try {
      return await fn({ ...origin, path: `${path}/config` });
    } catch (err) {
      if (err instanceof DataMasterError && err.code === 'E_PLUGIN_CONFIG') throw err;
      const info = errorInfo(err);
      throw new DataMasterError(info.code === 'E_INTERNAL' ? 'E_PLUGIN_LOAD' : info.code, `${taskFile} at ${path}: plugin '${plugin}' cannot be used: ${info.message}`, { file: taskFile, path, plugin }, { cause: err });
    }
  };
  const benchmark = await at('/benchmark', task.benchmark.plugin, (o) => host.loadBenchmark(task.benchmark, o));
  const sources: LoadedPlugin<SourcePlugin>[] = [];
  for (const [i, ref] of (task.sources ?? []).entries()) sources.push(await at(`/sources/${i}`, ref.plugin, (o) => host.loadSource(ref, o)));
  const criticRef = task.critic ?? { plugin: DEFAULT_CRITIC };
  const critic = await at('/critic', criticRef.plugin, (o) => host.loadCritic(criticRef, o));
  const policyRef = task.policy ?? { plugin: DEFAULT_POLICY };
  const policy = await at('/policy', policyRef.plugin, (o) => host.loadPolicy(policyRef, o));
  const prepared = await benchmark.plugin.prepare(task, benchmark.ctx);
  checkPrepared(task, taskFile, prepared);
  let engine: Promise<DataEngine> | null = null;
  return {
    ...o,
    getState: stateClient(o.bus, o.run),
    benchmark,
    sources,
    critic,
    policy,
    prepared,
    engine() {
      if (!engine) {
        // The engine reads fetched sources, artifacts and its own scratch space, the task's base data and the test
        // inputs (for the contamination filter), never the rest of the run directory: plugins keep their private
        // data (validation labels, answers) under <runDir>/plugins/, out of a recipe's reach.
        const own = ['sources', 'artifacts', 'work'].map((d) => join(runDir, d));
        for (const d of own) mkdirSync(d, { recursive: true });
        const allowed = [...own, dirname(resolve(prepared.base.path))];
        if (prepared.testInputs) allowed.push(dirname(resolve(prepared.testInputs.path)));
        engine = DataEngine.open({ workDir: join(runDir, 'work'), allowedDirs: allowed });
      }
      return engine;
    },
    async close() {
      if (engine) await (await engine).close();
    },
  };
}

export interface StartedRole {
  role: Role;
  drain(): Promise<void>;
  /** Planner only: resolves when the search is finished and graded. */
  done?: Promise<void>;
  /** Curator profiling host and critic host, for resuming work that was under way. */
  spawnProfile?: (e: Parameters<Awaited<ReturnType<typeof startCurator>>['hosts'][0]['spawn']>[0]) => void;
  spawnCritique?: (e: Parameters<Awaited<ReturnType<typeof startCritic>>['spawn']>[0]) => void;
  stop?: () => void;
}

/** Starts one agent role on the context's bus. The same code runs embedded and as `datamaster agent <role>`. */
export async function startRole(
  role: Role,
  ctx: RunContext,
  o: { concurrency?: number; elapsedMs?: number; actor?: string; ackWaitMs?: number } = {},
): Promise<StartedRole> {
  const { bus, run, logger, prepared, knobs } = ctx;
  const concurrency = o.concurrency ?? knobs.budget.parallel;
  const actor = o.actor ?? role;
  switch (role) {
    case 'trainer': {
      const host = await startTrainer({
        bus, run, runDir: ctx.runDir, logger, concurrency, actor,
        ...(o.ackWaitMs !== undefined ? { ackWaitMs: o.ackWaitMs } : {}),
        deps: {
          evaluate: (input) => ctx.benchmark.plugin.evaluate(input, ctx.benchmark.ctx),
          grade: (input) => ctx.benchmark.plugin.grade(input, ctx.benchmark.ctx),
        },
      });
      return { role, drain: () => host.drain() };
    }
    case 'curator': {
      const eng = await ctx.engine();
      const byPlugin = new Map(ctx.sources.map((s) => [s.name, s]));
      const keys = {
        ...(prepared.testInputs ? { testInputs: prepared.testInputs } : {}),
        ...(prepared.keyColumns ? { keyColumns: prepared.keyColumns } : {}),
      };
      const curator = await startCurator({
        bus, run, label: prepared.label, logger, concurrency, actor,
        ...(o.ackWaitMs !== undefined ? { ackWaitMs: o.ackWaitMs } : {}),
        deps: {
          getState: ctx.getState,
          fetch: async (source) => {
            const loaded = byPlugin.get(source.plugin);
            if (!loaded) throw new DataMasterError('E_UNKNOWN_PLUGIN', `source ${source.id} comes from plugin ${source.plugin}, which this process has not loaded (check the task's "sources")`);
            const dir = join(ctx.runDir, 'sources', source.id.replace(/[^A-Za-z0-9_.-]+/g, '_'));
            mkdirSync(dir, { recursive: true });
            const got = await fetchSafely(loaded, source, dir, FETCH_LIMITS);
            if (got.error) throw got.error;
            const file = got.files[0];
            if (!file) throw new DataMasterError('E_FETCH_EMPTY', `source ${source.id}: the plugin returned no usable file${got.dropped.length ? ` (${got.dropped.map((d) => d.reason).join('; ')})` : ''}`);
            return { path: file.path, format: file.format } satisfies DataFile;
          },
          profile: (file) => eng.profile(file, { label: prepared.label, taskColumns: prepared.columns, ...keys }),
          materialize: async (job, files) =>
            artifactOf(
              await eng.materialize({
                recipe: job.recipe,
                recipeHash: job.recipeHash,
                base: prepared.base,
                label: prepared.label,
                columns: prepared.columns,
                sources: Object.fromEntries(Object.entries(files).map(([id, file]) => [id, { file }])),
                ...keys,
                outDir: join(ctx.runDir, 'artifacts'),
                runDir: ctx.runDir,
              }),
            ),
        },
      });
      return { role, drain: () => curator.drain(), spawnProfile: (e) => curator.hosts[0].spawn(e) };
    }
    case 'critic': {
      const host = await startCritic({ bus, run, logger, actor, concurrency, deps: { getState: ctx.getState, judge: (input) => ctx.critic.plugin.judge(input, ctx.critic.ctx) } });
      return { role, drain: () => host.drain(), spawnCritique: (e) => host.spawn(e) };
    }
    case 'scout': {
      const host = await startScout({
        bus, run, logger, actor,
        searchers: ctx.sources.map((s) => ({
          name: s.name,
          search: async (query) => {
            const r = await searchSafely(s, query);
            if (r.error) throw r.error;
            return { sources: r.sources, dropped: r.dropped.map((d) => ({ reason: d.reason })) };
          },
        })),
      });
      return { role, drain: () => host.drain() };
    }
    case 'planner': {
      const planner = new Planner({
        bus, run, task: ctx.task, prepared, knobs, logger, actor,
        elapsedMs: o.elapsedMs ?? 0,
        deps: { getState: ctx.getState, propose: (input) => ctx.policy.plugin.propose(input, ctx.policy.ctx) },
      });
      await planner.start();
      return { role, drain: () => planner.close(), done: planner.done, stop: () => planner.stop() };
    }
  }
}

/**
 * @datamaster/agents: the five agents (Scout, Curator, Planner, Trainer, Critic), the recorder, the actor host,
 * and the ways to run them (runEmbedded in one process, startRole per process). See ../README.md.
 * The CLI (bin/datamaster.js -> src/cli/main.ts) is not re-exported: importing it would parse argv.
 */

// Running a whole search
export { runEmbedded, summarize, newRunId, type RunOptions, type RunResult, type RunSummary } from './run/embedded.ts';
export {
  ROLES,
  DEFAULT_CRITIC,
  DEFAULT_POLICY,
  FETCH_LIMITS,
  knobsOf,
  loadRunContext,
  startRole,
  type KnobOverrides,
  type Role,
  type RunContext,
  type StartedRole,
} from './run/roles.ts';
export { progressLine } from './run/progress.ts';
export { replayPath, replayCommand } from './cli/replay-command.ts';
export {
  checkPlugin,
  formatCheckReport,
  scaffoldPlugin,
  type CheckOptions,
  type PluginCheck,
  type PluginCheckReport,
  type ScaffoldOptions,
  type ScaffoldResult,
} from './cli/plugin-commands.ts';

// Recorder: the one writer of a run's log, and the state queries
export { Recorder, QUERIES, type EventsQuery, type RecorderOptions, type StateQuery } from './recorder/recorder.ts';

// Actor host and the worker statechart
export { ActorHost, type ActorHostOptions, type Outcome, type WorkSink } from './host/actor-host.ts';
export {
  createWorkerMachine,
  type WorkerContext,
  type WorkerEmitted,
  type WorkerEvent,
  type WorkerInput,
  type WorkerMachine,
  type WorkInput,
} from './host/worker-machine.ts';
export { bindEvents, bindJobs } from './host/bind.ts';
export { stateClient, type GetState } from './host/state-client.ts';
export { createLogger, type LogLevel } from './host/logger.ts';

// The agents
export { startScout, queriesOf, dedupeSources, type ScoutOptions, type ScoutSearcher } from './scout/agent.ts';
export { scoutMachine, type Discovery } from './scout/machine.ts';
export { startCurator, admitProfile, type CuratorDeps, type CuratorOptions } from './curator/agent.ts';
export { profilerMachine, materializerMachine, type ProfileOutcome } from './curator/machine.ts';
export { Planner, type PlannerDeps, type PlannerOptions } from './planner/agent.ts';
export {
  plannerMachine,
  type FinishReason,
  type PlannerContext,
  type PlannerEvent,
  type PlannerInput,
} from './planner/machine.ts';
export { candidates, childRecipe, inFlight, poolView, toPrune, IN_FLIGHT, type SearchKnobs } from './planner/decide.ts';
export { startTrainer, type TrainerDeps, type TrainerOptions } from './trainer/agent.ts';
export { trainerMachine } from './trainer/machine.ts';
export { startCritic, bestExcept, type CriticDeps, type CriticOptions } from './critic/agent.ts';
export { criticMachine } from './critic/machine.ts';

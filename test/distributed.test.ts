import t, { type Test } from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { consumerNames, DEFAULT_STREAMS, LevelEventLog, NatsBus, replay, type StoredEvent } from '@datamaster/core';
import { startNatsServer, type NatsServer } from '@datamaster/core/testing';

// Distributed mode for real: a private nats-server and one OS process per role
// (`datamaster agent <role>`), sharing one run directory, exactly as deploy/local-cluster.sh starts them.

const root = fileURLToPath(new URL('..', import.meta.url));
const taskFile = join(root, 'plugins/bench-local/tasks/seattle-weather.task.json');
const cli = join(root, 'packages/agents/bin/datamaster.js');
const BUDGET = 6;
/** Guards only: a wait that runs out fails the test instead of hanging it; nothing asserts a duration. */
const JOIN_GUARD_MS = 120_000;
const RUN_GUARD_MS = 240_000;

t.setTimeout(600_000);

interface Child {
  role: string;
  proc: ChildProcess;
  /** The actor name the process puts on its events (`<role>@<pid>`). */
  actor: string;
  stdout: string;
  stderr: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Waits until `ok()` holds, polling; fails with `what` (and the children's stderr tails) after the guard. */
async function until(ok: () => boolean | Promise<boolean>, guardMs: number, what: string, children: Child[] = []): Promise<void> {
  const deadline = Date.now() + guardMs;
  while (!(await ok())) {
    if (Date.now() > deadline) {
      const tails = children.map((c) => `--- ${c.actor} stderr\n${c.stderr.slice(-1500)}`).join('\n');
      throw new Error(`gave up waiting for ${what}\n${tails}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

class Cluster {
  readonly children: Child[] = [];
  readonly dir = mkdtempSync(join(tmpdir(), 'dm-dist-'));
  readonly runDir = join(this.dir, 'run');
  constructor(
    readonly nats: NatsServer,
    readonly run: string,
  ) {}

  start(role: string, extra: string[] = []): Child {
    const args = [cli, 'agent', role, '--nats', this.nats.url, '--run', this.run, '--task', taskFile, '--run-dir', this.runDir, '--budget', String(BUDGET), ...extra];
    const proc = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const child: Child = {
      role,
      proc,
      actor: `${role}@${proc.pid}`,
      stdout: '',
      stderr: '',
      exit: new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal }))),
    };
    proc.stdout!.setEncoding('utf8').on('data', (s: string) => (child.stdout += s));
    proc.stderr!.setEncoding('utf8').on('data', (s: string) => (child.stderr += s));
    this.children.push(child);
    return child;
  }

  /** Every role logs `<role> joined run` (the recorder: `recording run`) once its subscriptions are in place. */
  async joined(child: Child): Promise<void> {
    const mark = child.role === 'recorder' ? 'recording run' : `${child.role} joined run`;
    let exited = false;
    void child.exit.then(() => (exited = true));
    await until(() => {
      if (exited) throw new Error(`${child.actor} exited before joining:\n${child.stderr.slice(-2000)}`);
      return child.stderr.includes(mark);
    }, JOIN_GUARD_MS, `${child.actor} to join`, [child]);
  }

  /** SIGTERM (graceful drain) to every child still running, by pid, and wait for each exit. */
  async stopAll(): Promise<void> {
    for (const c of [...this.children].reverse()) {
      if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGTERM');
      await c.exit;
    }
  }

  /** Teardown: whatever is still alive is killed by pid; temp dirs removed. */
  async destroy(): Promise<void> {
    for (const c of this.children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await Promise.all(this.children.map((c) => c.exit));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function readLog(runDir: string): Promise<{ events: StoredEvent[]; state: Awaited<ReturnType<typeof replay>> }> {
  const log = await LevelEventLog.open(runDir, { create: false });
  try {
    const events: StoredEvent[] = [];
    for await (const e of log.read()) events.push(e);
    return { events, state: await replay(log) };
  } finally {
    await log.close();
  }
}

/** The checks both tests share: one start, the whole budget, distinct recipes, no node evaluated twice, graded. */
function assertCompleteRun(t: Test, events: StoredEvent[], state: Awaited<ReturnType<typeof replay>>): void {
  const of = (type: string) => events.filter((e) => e.type === type);
  t.equal(of('run.started').length, 1, 'run.started is recorded once');
  const proposed = of('node.proposed');
  t.equal(proposed.length, BUDGET, `${BUDGET} nodes are proposed (the whole budget)`);
  const hashes = proposed.map((e) => (e.data as { recipeHash: string }).recipeHash);
  t.equal(new Set(hashes).size, hashes.length, 'every proposed node has its own recipe hash');
  const evaluated = of('node.evaluated').map((e) => (e.data as { nodeId: string }).nodeId);
  t.equal(new Set(evaluated).size, evaluated.length, `no node is evaluated twice (${evaluated.join(', ')})`);
  const settled = new Set([...evaluated, ...of('node.failed').map((e) => (e.data as { nodeId: string }).nodeId)]);
  t.same([...settled].sort(), proposed.map((e) => (e.data as { nodeId: string }).nodeId).sort(), 'every proposed node is evaluated (or failed)');
  t.equal(of('run.finished').length, 1, 'run.finished is recorded');
  t.ok(of('run.graded').length >= 1, 'the pick is graded on the held-out test');
  t.ok(events.findIndex((e) => e.type === 'run.graded') > events.findIndex((e) => e.type === 'run.finished'), 'grading comes after the search');
  const seqs = events.map((e) => e.seq);
  t.same(seqs, seqs.map((_, i) => i + 1), 'the log has one gap-free sequence (one recorder owns it)');
  t.equal(state.tree.order.length, BUDGET, `the replayed tree has ${BUDGET} nodes`);
  t.ok(state.tree.bestId && state.tree.nodes[state.tree.bestId], `the replayed tree has a best node (${state.tree.bestId})`);
}

t.test('one process per role over NATS runs seattle-weather to the end', async (t) => {
  const nats = await startNatsServer();
  const cluster = new Cluster(nats, `dist-${process.pid}`);
  t.teardown(async () => {
    await cluster.destroy();
    await nats.stop();
  });

  const recorder = cluster.start('recorder');
  await cluster.joined(recorder);
  const workers = ['trainer', 'trainer', 'curator', 'critic', 'scout'].map((r) => cluster.start(r));
  for (const w of workers) await cluster.joined(w);
  const planner = cluster.start('planner');

  let plannerExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void planner.exit.then((e) => (plannerExit = e));
  await until(() => plannerExit !== undefined, RUN_GUARD_MS, 'the planner to finish the search', cluster.children);
  t.same(plannerExit, { code: 0, signal: null }, 'the planner exits 0 by itself once the search is finished and graded');

  await cluster.stopAll();
  for (const c of cluster.children) t.same(await c.exit, { code: 0, signal: null }, `${c.actor} exits 0 (the planner by itself, the others drain on SIGTERM)`);
  t.match(recorder.stdout, /search finished \(budget\) after 6 nodes/, 'the recorder printed the progress');

  const { events, state } = await readLog(cluster.runDir);
  assertCompleteRun(t, events, state);
  const trainers = new Set(events.filter((e) => e.type === 'node.evaluated').map((e) => e.actor));
  t.ok([...trainers].every((a) => a.startsWith('trainer@')), `evaluations come from trainer processes (${[...trainers].join(', ')})`);
});

t.test('a trainer SIGKILLed while it holds a job: the job goes to the other trainer, the run finishes', async (t) => {
  const nats = await startNatsServer();
  const run = `kill-${process.pid}`;
  const cluster = new Cluster(nats, run);
  const observer = await NatsBus.connect({ servers: nats.url, name: 'test-observer' });
  t.teardown(async () => {
    await observer.close();
    await cluster.destroy();
    await nats.stop();
  });
  const jsm = await jetstreamManager(observer.nc);
  const trainConsumer = consumerNames.jobs(run, 'train');
  const pendingTrainJobs = async (): Promise<number> => {
    try {
      return (await jsm.consumers.info(DEFAULT_STREAMS.jobs, trainConsumer)).num_ack_pending;
    } catch {
      return 0; // not created yet
    }
  };

  const recorder = cluster.start('recorder');
  await cluster.joined(recorder);
  // Only the victim trains at first, so the first train job in flight is certainly the victim's.
  const victim = cluster.start('trainer', ['--concurrency', '1']);
  const workers = ['curator', 'critic', 'scout'].map((r) => cluster.start(r));
  for (const w of [victim, ...workers]) await cluster.joined(w);
  const planner = cluster.start('planner');

  await until(async () => (await pendingTrainJobs()) >= 1, RUN_GUARD_MS, 'the victim trainer to hold a train job', cluster.children);
  victim.proc.kill('SIGKILL');
  t.same(await victim.exit, { code: null, signal: 'SIGKILL' }, 'the victim trainer is killed mid-job');
  t.equal(await pendingTrainJobs(), 1, 'its job is still unacked on the server');

  const survivor = cluster.start('trainer');
  await cluster.joined(survivor);

  let plannerExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void planner.exit.then((e) => (plannerExit = e));
  await until(() => plannerExit !== undefined, RUN_GUARD_MS, 'the planner to finish the search', cluster.children);
  t.same(plannerExit, { code: 0, signal: null }, 'the planner exits 0');
  await cluster.stopAll();

  const { events, state } = await readLog(cluster.runDir);
  assertCompleteRun(t, events, state);
  const evaluators = new Set(events.filter((e) => e.type === 'node.evaluated' || e.type === 'run.graded').map((e) => e.actor));
  t.same([...evaluators], [survivor.actor], 'the survivor did every evaluation, the redelivered job included; the victim published nothing');
});

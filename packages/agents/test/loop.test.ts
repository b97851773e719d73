import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  foldEvents,
  MemoryBus,
  MemoryEventLog,
  type Artifact,
  type CriticInput,
  type CriticVerdict,
  type PolicyInput,
  type PreparedTask,
  type Proposal,
  type StoredEvent,
  type Task,
} from '@datamaster/core';
import { startCritic } from '../src/critic/agent.ts';
import { startCurator } from '../src/curator/agent.ts';
import { createLogger } from '../src/host/logger.ts';
import { stateClient } from '../src/host/state-client.ts';
import { Planner } from '../src/planner/agent.ts';
import { Recorder } from '../src/recorder/recorder.ts';
import { startScout } from '../src/scout/agent.ts';
import { startTrainer } from '../src/trainer/agent.ts';

const task: Task = {
  id: 'toy',
  description: 'toy task',
  benchmark: { plugin: 'fake' },
  metric: { name: 'acc', direction: 'max' },
  budget: { nodes: 7, seconds: 60, parallel: 2 },
  seed: 1,
};
const prepared: PreparedTask = { base: { path: '/dev/null', format: 'csv' }, label: 'y', columns: [{ name: 'y', type: 'VARCHAR' }] };

/** Scores a recipe: each good source +0.1, each bad one -0.2, each dedupe +0.01. The "leaky" source never arrives. */
function scoreOf(steps: { op: string; source?: string }[]): number {
  let s = 0.5;
  for (const st of steps) {
    if (st.op === 'add_source' && st.source === 'fake:good') s += 0.1;
    if (st.op === 'add_source' && st.source === 'fake:bad') s -= 0.2;
    if (st.op === 'dedupe') s += 0.01;
  }
  return s;
}

t.test('the five agents improve a toy task end to end, and replay equals the live tree', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dm-loop-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const logger = createLogger('test', (process.env.DM_LOG as 'debug') ?? 'error');
  const bus = new MemoryBus();
  const log = new MemoryEventLog('toy-run');
  const run = 'toy-run';
  const recorder = await Recorder.start({ bus, log, logger, onRecorded: (e) => { if (process.env.DM_LOG) console.error('recorded', e.seq, e.type, JSON.stringify(e.data).slice(0, 120)); } });
  const getState = stateClient(bus, run);
  const trained: string[] = [];
  const artifacts = new Map<string, { path: string; steps: { op: string; source?: string }[] }>();

  const trainer = await startTrainer({
    bus, run, runDir: dir, logger, concurrency: 2,
    deps: {
      evaluate: async (input) => {
        const a = artifacts.get(input.artifact.path)!;
        trained.push(input.artifact.path);
        return { score: scoreOf(a.steps), metrics: { acc: scoreOf(a.steps) } };
      },
      grade: async (input) => ({ score: scoreOf(artifacts.get(input.artifact.path)!.steps) - 0.01 }),
    },
  });
  const curator = await startCurator({
    bus, run, label: 'y', logger,
    deps: {
      getState,
      fetch: async (source) => ({ path: `/data/${source.id}`, format: 'csv' }),
      profile: async (file) => ({
        rows: 100, columns: [{ name: 'y', type: 'VARCHAR', nulls: 0 }], duplicates: 0, quality: 0.8, mapping: { y: 'y' },
        testOverlap: file.path.includes('leaky') ? 90 : 0,
      }),
      materialize: async (job): Promise<Artifact> => {
        const path = `artifacts/${job.recipeHash}.parquet`;
        artifacts.set(join(dir, path), { path, steps: job.recipe.steps as { op: string; source?: string }[] });
        return { path, rows: 10, format: 'parquet' };
      },
    },
  });
  const critic = await startCritic({
    bus, run, logger,
    deps: {
      getState,
      judge: async (input: CriticInput): Promise<CriticVerdict> => {
        const best = input.best?.score ?? -Infinity;
        const better = input.node.score! > best;
        return { reward: better ? 2 : input.node.score! >= (input.parent?.score ?? 0) ? 1 : -0.5, verdict: input.parent ? (better ? 'new_best' : 'worse') : 'baseline', findings: [] };
      },
    },
  });
  const scout = await startScout({
    bus, run, logger,
    searchers: [{
      name: 'fake',
      search: async () => ({
        sources: ['good', 'bad', 'leaky'].map((n) => ({ id: `fake:${n}`, plugin: 'fake', uri: `file:///${n}.csv`, format: 'csv' as const })),
        dropped: [],
      }),
    }],
  });
  const proposals = async (input: PolicyInput): Promise<Proposal[]> => {
    const out: Proposal[] = [];
    for (const id of input.pool.order) {
      const e = input.pool.sources[id]!;
      if (e.status !== 'profiled') continue;
      if (input.node.recipe.steps.some((s) => s.op === 'add_source' && s.source === id)) continue;
      out.push({ kind: 'expand', steps: [{ op: 'add_source', source: id, mapping: { y: 'y' } }], rationale: `add ${id}` });
    }
    out.push({ kind: 'refine', steps: [{ op: 'dedupe' }], rationale: 'dedupe' });
    return out;
  };
  const planner = new Planner({
    bus, run, task, prepared, logger,
    knobs: { budget: { nodes: 7, seconds: 60, parallel: 2 }, search: {}, seed: 1 },
    deps: { getState, propose: proposals },
  });
  await planner.start();
  await planner.done;
  const step = (m: string) => process.env.DM_LOG && console.error('step', m);
  step('done');
  await planner.close();
  step('planner closed');
  for (const h of [scout, critic, trainer]) { await h.drain(); step(`${h.name} drained`); }
  await curator.drain();
  step('curator drained');
  await recorder.stop();
  step('recorder stopped');

  const live = recorder.current();
  const events: StoredEvent[] = [];
  for await (const e of log.read()) events.push(e);
  t.same(foldEvents(events), live, 'replay of the log equals the live state');
  t.equal(live.tree.order.length, 7, 'budget of 7 nodes used');
  const hashes = live.tree.order.map((id) => live.tree.nodes[id]!.recipeHash);
  t.equal(new Set(hashes).size, hashes.length, 'no recipe proposed twice');
  t.equal(new Set(trained).size, trained.length, 'no artifact trained twice');
  t.equal(live.pool.sources['fake:leaky']?.status, 'rejected', 'the leaking source is rejected');
  t.equal(live.pool.sources['fake:leaky']?.rejection?.code, 'E_LEAK');
  const best = live.tree.nodes[live.tree.bestId!]!;
  t.ok(best.score! > live.tree.nodes['n0']!.score!, 'best beats the baseline on validation');
  t.ok(best.recipe.steps.some((s) => s.op === 'add_source' && s.source === 'fake:good'), 'best uses the helpful source');
  t.ok(live.finished, 'run.finished recorded');
  t.ok(live.graded.best, 'best graded on test');
  t.ok(live.graded.baseline, 'baseline graded on test');
  t.equal(live.tree.nodes['n0']!.visits, live.tree.order.filter((id) => ['critiqued', 'failed', 'pruned'].includes(live.tree.nodes[id]!.status) || live.tree.nodes[id]!.reward !== undefined).length);
  await bus.close();
});

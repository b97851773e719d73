import fc from 'fast-check';
import type { DmEvent, EventDataMap, EventType, StoredEvent } from '../events/types.ts';
import { recipeHash } from '../recipe/hash.ts';
import type { Direction, NodeKind, Recipe, RecipeStep, RunConfig, Source, Task } from '../schema/types.ts';

/**
 * Test fixtures for the event log and projections:
 * - `RunEventsBuilder`: writes a run's events with fixed ids, timestamps and seqs (deterministic);
 * - `runEventsArb()`: fast-check arbitrary of VALID random runs (every event passes validateEvent, proposals
 *   name existing parents, lifecycle events follow each node's lifecycle);
 * - `buildExampleRun()`: a small realistic run (examples/runs/demo/events.jsonl is written from it).
 */

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 2025-01-01T00:00:00Z: the clock of every fixture. */
export const FIXTURE_EPOCH_MS = Date.UTC(2025, 0, 1);

/** A valid, sortable ULID made from a time and a counter (no randomness), e.g. for the n-th fixture event. */
export function fixedUlid(counter: number, timeMs: number = FIXTURE_EPOCH_MS): string {
  let time = '';
  let t = Math.floor(timeMs);
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  let rest = '';
  let c = Math.floor(counter);
  for (let i = 0; i < 16; i++) {
    rest = CROCKFORD[c % 32]! + rest;
    c = Math.floor(c / 32);
  }
  return time + rest;
}

/** Appends events with seq 1, 2, ...; ids and timestamps derive from the seq, so two builds are identical. */
export class RunEventsBuilder {
  readonly events: StoredEvent[] = [];
  constructor(
    readonly run: string,
    private readonly stepMs = 1000,
  ) {}

  emit<T extends EventType>(type: T, data: EventDataMap[T], actor: string, cause?: string): StoredEvent {
    const seq = this.events.length + 1;
    const timeMs = FIXTURE_EPOCH_MS + seq * this.stepMs;
    const e: DmEvent<T> & { seq: number } = {
      id: fixedUlid(seq, timeMs),
      run: this.run,
      seq,
      type,
      v: 1,
      actor,
      at: new Date(timeMs).toISOString(),
      data,
    };
    if (cause) e.cause = cause;
    this.events.push(e as unknown as StoredEvent);
    return e as unknown as StoredEvent;
  }

  /** node.proposed with the recipe hash computed; returns the event. */
  propose(nodeId: string, parent: string | null, kind: NodeKind, recipe: Recipe, rationale?: string): StoredEvent {
    const data: EventDataMap['node.proposed'] = { nodeId, parent, kind, recipe, recipeHash: recipeHash(recipe) };
    if (rationale) data.rationale = rationale;
    return this.emit('node.proposed', data, 'planner');
  }
}

export function fixtureTask(direction: Direction = 'max', id = 'gen-run'): Task {
  return {
    id,
    title: 'Generated run',
    description: 'A generated task for property tests.',
    benchmark: { plugin: '@datamaster/bench-local' },
    metric: { name: direction === 'max' ? 'accuracy' : 'rmse', direction },
  };
}

export const FIXTURE_CONFIG: RunConfig = {
  budget: { nodes: 16, parallel: 2 },
  search: { c: 1.414, cMin: 0.5, cDecay: 0.95, failedPenalty: 1 },
  seed: 7,
};

// ---------------------------------------------------------------------------------------------------------
// Random valid runs: fast-check draws abstract commands; `interpretCommands` turns them into events against a
// model of the run, skipping commands that have nothing to act on. Shrinking works on the commands.

export type RunCommandOp =
  | 'propose'
  | 'advance'
  | 'fail'
  | 'refail'
  | 'prune'
  | 'discover'
  | 'profile'
  | 'reject'
  | 'finding';

export interface RunCommand {
  op: RunCommandOp;
  /** Chooses among the candidates of the op (modulo their count). */
  pick: number;
  /** Drives scores, rows, seeds and step kinds. */
  value: number;
  /** Critic reward: binary fractions only, so sums of rewards are exact in any order. */
  reward: number;
}

export interface RunPlan {
  direction: Direction;
  commands: RunCommand[];
  finish: boolean;
}

const opArb: fc.Arbitrary<RunCommandOp> = fc.oneof(
  { arbitrary: fc.constant<RunCommandOp>('propose'), weight: 5 },
  // One step along a node's lifecycle (materialise, evaluate or critique), so deep lifecycles are common.
  { arbitrary: fc.constant<RunCommandOp>('advance'), weight: 9 },
  { arbitrary: fc.constant<RunCommandOp>('fail'), weight: 2 },
  { arbitrary: fc.constant<RunCommandOp>('refail'), weight: 1 },
  { arbitrary: fc.constant<RunCommandOp>('prune'), weight: 1 },
  { arbitrary: fc.constant<RunCommandOp>('discover'), weight: 2 },
  { arbitrary: fc.constant<RunCommandOp>('profile'), weight: 1 },
  { arbitrary: fc.constant<RunCommandOp>('reject'), weight: 1 },
  { arbitrary: fc.constant<RunCommandOp>('finding'), weight: 2 },
);

export const runCommandArb: fc.Arbitrary<RunCommand> = fc.record({
  op: opArb,
  pick: fc.nat({ max: 1000 }),
  value: fc.nat({ max: 10000 }),
  reward: fc.constantFrom(-1, 0, 0.5, 1, 2),
});

export function runPlanArb(opts: { maxCommands?: number } = {}): fc.Arbitrary<RunPlan> {
  return fc.record({
    direction: fc.constantFrom<Direction>('max', 'min'),
    // size 'max': lengths spread over the whole range, not only the small ones (long runs matter here).
    commands: fc.array(runCommandArb, { maxLength: opts.maxCommands ?? 60, size: 'max' }),
    finish: fc.boolean(),
  });
}

/** Valid random runs as stored events (seq 1..n): run.started first, then the root, then the commands. */
export function runEventsArb(opts: { maxCommands?: number } = {}): fc.Arbitrary<StoredEvent[]> {
  return runPlanArb(opts).map(interpretCommands);
}

type ModelStatus = 'proposed' | 'materialized' | 'evaluated' | 'critiqued' | 'failed';
interface ModelNode {
  id: string;
  recipe: Recipe;
  hash: string;
  status: ModelStatus;
  pruned: boolean;
}

function pickOf<T>(items: T[], pick: number): T | undefined {
  return items.length ? items[pick % items.length] : undefined;
}

function refineStep(value: number): RecipeStep {
  switch (value % 5) {
    case 0:
      return { op: 'dedupe', scope: 'all' };
    case 1:
      return { op: 'filter', where: `x${value % 7} IS NOT NULL` };
    case 2:
      return { op: 'sample', fraction: 0.5 + (value % 50) / 100, seed: value };
    case 3:
      return { op: 'drop_outliers', columns: ['x0'], z: 3 + (value % 3) };
    default:
      return { op: 'impute', columns: { [`x${value % 4}`]: 'median' } };
  }
}

/** Turns a plan into the events of a valid run (deterministic: same plan, same events). */
export function interpretCommands(plan: RunPlan): StoredEvent[] {
  const b = new RunEventsBuilder('gen-run');
  b.emit('run.started', { task: fixtureTask(plan.direction), config: FIXTURE_CONFIG }, 'cli');
  const root: Recipe = { v: 1, base: 'task', steps: [] };
  b.propose('n0', null, 'root', root);
  const nodes: ModelNode[] = [{ id: 'n0', recipe: root, hash: recipeHash(root), status: 'proposed', pruned: false }];
  const sources: { id: string; status: 'discovered' | 'profiled' | 'rejected' }[] = [];
  const withStatus = (...s: ModelStatus[]) => nodes.filter((n) => s.includes(n.status));

  for (const c of plan.commands) {
    switch (c.op) {
      case 'propose': {
        const parent = pickOf(nodes.filter((n) => !n.pruned), c.pick);
        if (!parent || parent.recipe.steps.length >= 64) break;
        const usable = sources.filter((s) => s.status !== 'rejected');
        const src = c.value % 2 === 0 ? pickOf(usable, c.value) : undefined;
        const step: RecipeStep = src ? { op: 'add_source', source: src.id, mapping: { x0: 'a', y: 'label' } } : refineStep(c.value);
        const recipe: Recipe = { v: 1, base: 'task', steps: [...parent.recipe.steps, step] };
        const id = `n${nodes.length}`;
        b.propose(id, parent.id, src ? 'expand' : 'refine', recipe);
        nodes.push({ id, recipe, hash: recipeHash(recipe), status: 'proposed', pruned: false });
        break;
      }
      case 'advance': {
        const n = pickOf(withStatus('proposed', 'materialized', 'evaluated'), c.pick);
        if (!n) break;
        if (n.status === 'proposed') {
          b.emit('node.materialized', { nodeId: n.id, recipeHash: n.hash, artifact: { path: `artifacts/${n.hash.slice(0, 16)}.parquet`, rows: c.value, format: 'parquet' } }, 'curator');
          n.status = 'materialized';
        } else if (n.status === 'materialized') {
          b.emit('node.evaluated', { nodeId: n.id, score: c.value / 10000, split: 'val', metrics: { loss: (10000 - c.value) / 10000 } }, 'trainer');
          n.status = 'evaluated';
        } else {
          const verdict = c.reward >= 2 ? 'new_best' : c.reward > 0 ? 'improved' : c.reward === 0 ? 'neutral' : 'worse';
          b.emit('node.critiqued', { nodeId: n.id, reward: c.reward, verdict }, 'critic');
          n.status = 'critiqued';
        }
        break;
      }
      case 'fail': {
        const n = pickOf(withStatus('proposed', 'materialized', 'evaluated'), c.pick);
        if (!n) break;
        const stage = n.status === 'proposed' ? 'materialize' : n.status === 'materialized' ? 'evaluate' : 'critique';
        b.emit('node.failed', { nodeId: n.id, stage, error: { code: 'E_GEN', message: `generated ${stage} failure` } }, stage === 'materialize' ? 'curator' : stage === 'evaluate' ? 'trainer' : 'critic');
        n.status = 'failed';
        break;
      }
      case 'refail': {
        // A redelivered failure: the fold must not back it up twice.
        const n = pickOf(withStatus('failed'), c.pick);
        if (!n) break;
        b.emit('node.failed', { nodeId: n.id, stage: 'evaluate', error: { code: 'E_GEN', message: 'repeated failure' }, attempts: 2 }, 'trainer');
        break;
      }
      case 'prune': {
        const n = pickOf(nodes.filter((m) => !m.pruned && m.id !== 'n0'), c.pick);
        if (!n) break;
        b.emit('node.pruned', { nodeId: n.id, reason: `mean reward below threshold (${c.value})` }, 'planner');
        n.pruned = true;
        break;
      }
      case 'discover': {
        const id = `gen:src-${sources.length}`;
        const source: Source = { id, plugin: '@datamaster/source-local', uri: `file:///data/src-${sources.length}.csv`, format: 'csv', sizeBytes: c.value };
        b.emit('source.discovered', { source, query: 'generated' }, 'scout');
        sources.push({ id, status: 'discovered' });
        break;
      }
      case 'profile': {
        const s = pickOf(sources.filter((x) => x.status === 'discovered'), c.pick);
        if (!s) break;
        b.emit('source.profiled', { sourceId: s.id, profile: { rows: c.value, columns: [{ name: 'a', type: 'DOUBLE', nulls: 0 }], duplicates: c.value % 7, quality: (c.value % 101) / 100 } }, 'curator');
        s.status = 'profiled';
        break;
      }
      case 'reject': {
        const s = pickOf(sources.filter((x) => x.status !== 'rejected'), c.pick);
        if (!s) break;
        b.emit('source.rejected', { sourceId: s.id, reason: { code: 'E_LICENSE', message: 'no license' } }, 'curator');
        s.status = 'rejected';
        break;
      }
      case 'finding': {
        const n = pickOf(nodes, c.pick);
        if (!n) break;
        const src = c.value % 2 === 0 ? pickOf(sources, c.value) : undefined;
        b.emit('finding.recorded', { findingId: `f${b.events.length}`, nodeId: n.id, kind: src ? 'source_effect' : 'note', subject: src ? src.id : 'dedupe', delta: (c.value % 200 - 100) / 1024, text: 'generated finding' }, 'critic');
        break;
      }
    }
  }
  if (plan.finish) {
    b.emit('run.finished', { reason: 'budget', nodes: nodes.length, bestNodeId: null }, 'planner');
    b.emit('run.graded', { nodeId: 'n0', split: 'test', score: 0.5, role: 'baseline' }, 'trainer');
  }
  return b.events;
}

// ---------------------------------------------------------------------------------------------------------
// The example run: Seattle house prices (King County sales), log-RMSE on a validation split, lower is better.
// Round 1 expands the root with one discovery child and three refinements (one fails); round 2 expands the
// best child; one branch is pruned; the best node is graded on test next to the baseline.

export const EXAMPLE_RUN_ID = 'seattle-demo';

export function buildExampleRun(): StoredEvent[] {
  const b = new RunEventsBuilder(EXAMPLE_RUN_ID, 37_000);
  const task: Task = {
    id: EXAMPLE_RUN_ID,
    title: 'Seattle house prices',
    description: 'Predict the sale price of Seattle homes from their features; the learner is a fixed gradient-boosting script.',
    benchmark: { plugin: '@datamaster/bench-local', config: { script: 'train_gbm.py', label: 'log_price' } },
    metric: { name: 'rmse_log_price', direction: 'min' },
    data: {
      label: 'log_price',
      columns: [
        { name: 'sqft_living', type: 'DOUBLE', unit: 'sqft' },
        { name: 'bedrooms', type: 'BIGINT' },
        { name: 'year_built', type: 'BIGINT' },
        { name: 'zipcode', type: 'VARCHAR' },
        { name: 'log_price', type: 'DOUBLE' },
      ],
    },
    sources: [{ plugin: '@datamaster/source-hf' }, { plugin: '@datamaster/source-kaggle' }, { plugin: '@datamaster/source-web' }],
    queries: ['seattle house sales', 'king county home prices'],
    budget: { nodes: 9, parallel: 4 },
    seed: 7,
  };
  const start = b.emit('run.started', { task, config: { budget: { nodes: 9, parallel: 4, seconds: 3600 }, search: { c: 1.414, cMin: 0.5, cDecay: 0.95, failedPenalty: 1 }, seed: 7 } }, 'cli');

  const kc = 'hf:kc-house-data';
  const ks = 'kaggle:seattle-home-sales-2019';
  const permits = 'web:data.seattle.gov/building-permits';
  b.emit('source.discovered', { query: 'king county home prices', source: { id: kc, plugin: '@datamaster/source-hf', uri: 'https://huggingface.co/datasets/kc-house-data', format: 'csv', title: 'King County house sales 2014-2015', license: 'CC0-1.0', origin: 'hub', sizeBytes: 2_515_206, files: ['kc_house_data.csv'] } }, 'scout', start.id);
  b.emit('source.discovered', { query: 'seattle house sales', source: { id: ks, plugin: '@datamaster/source-kaggle', uri: 'https://www.kaggle.com/datasets/seattle-home-sales-2019', format: 'csv', title: 'Seattle home sales 2019', license: 'CC-BY-4.0', origin: 'hub', sizeBytes: 812_331 } }, 'scout', start.id);
  b.emit('source.discovered', { query: 'seattle house sales', source: { id: permits, plugin: '@datamaster/source-web', uri: 'https://data.seattle.gov/building-permits.csv', format: 'csv', title: 'Seattle building permits', origin: 'portal' } }, 'scout', start.id);

  const root: Recipe = { v: 1, base: 'task', steps: [] };
  b.propose('n0', null, 'root', root, 'baseline: the task data as given');
  b.emit('source.profiled', { sourceId: kc, profile: { file: 'kc_house_data.csv', format: 'csv', rows: 21_613, columns: [{ name: 'price', type: 'DOUBLE', nulls: 0, min: 75_000, max: 7_700_000, mean: 540_088 }, { name: 'sqft_living', type: 'BIGINT', nulls: 0 }, { name: 'bedrooms', type: 'BIGINT', nulls: 0 }, { name: 'yr_built', type: 'BIGINT', nulls: 0 }, { name: 'zipcode', type: 'BIGINT', nulls: 0, distinct: 70 }], duplicates: 177, testOverlap: 0, mapping: { sqft_living: 'sqft_living', bedrooms: 'bedrooms', year_built: 'yr_built', zipcode: 'CAST(zipcode AS VARCHAR)', log_price: 'ln(price)' }, quality: 0.86 } }, 'curator');
  b.emit('source.profiled', { sourceId: ks, profile: { rows: 4_122, columns: [{ name: 'sale_price', type: 'DOUBLE', nulls: 31 }, { name: 'living_area', type: 'DOUBLE', nulls: 12 }], duplicates: 40, testOverlap: 3, mapping: { sqft_living: 'living_area', log_price: 'ln(sale_price)' }, quality: 0.62, notes: ['3 rows match test inputs: drop them before use'] } }, 'curator');
  b.emit('source.rejected', { sourceId: permits, reason: { code: 'E_SOURCE_NO_LICENSE', message: 'web:data.seattle.gov/building-permits states no license; sources must carry one' } }, 'curator');

  // Root: materialise, evaluate, critique.
  const lifecycle = (nodeId: string, recipe: Recipe, rows: number, score: number, reward: number, verdict: EventDataMap['node.critiqued']['verdict'], deltaParent?: number) => {
    const hash = recipeHash(recipe);
    b.emit('node.materialized', { nodeId, recipeHash: hash, artifact: { path: `artifacts/${hash.slice(0, 16)}.parquet`, rows, format: 'parquet', sha256: hash } }, 'curator');
    b.emit('node.evaluated', { nodeId, score, split: 'val', metrics: { rmse_log_price: score, r2: Number((1 - score * score * 3.1).toFixed(4)) }, seconds: 42 }, 'trainer');
    const critique: EventDataMap['node.critiqued'] = { nodeId, reward, verdict };
    if (deltaParent !== undefined) critique.deltaParent = deltaParent;
    b.emit('node.critiqued', critique, 'critic');
  };
  lifecycle('n0', root, 8_000, 0.1873, 1, 'baseline');

  // Round 1: one discovery child and three local refinements of the root.
  const addKc: RecipeStep = { op: 'add_source', source: kc, mapping: { sqft_living: 'sqft_living', bedrooms: 'bedrooms', year_built: 'yr_built', zipcode: 'CAST(zipcode AS VARCHAR)', log_price: 'ln(price)' } };
  const r1: Recipe = { v: 1, base: 'task', steps: [addKc] };
  const r2: Recipe = { v: 1, base: 'task', steps: [{ op: 'dedupe', scope: 'all' }] };
  const r3: Recipe = { v: 1, base: 'task', steps: [{ op: 'drop_outliers', columns: ['log_price', 'sqft_living'], z: 4 }] };
  const r4: Recipe = { v: 1, base: 'task', steps: [{ op: 'sql', query: 'SELECT *, sqft_living / bedrooms AS sqft_per_bedroom FROM data' }] };
  b.propose('n1', 'n0', 'expand', r1, 'add King County sales (quality 0.86, same columns)');
  b.propose('n2', 'n0', 'refine', r2, 'drop duplicate rows');
  b.propose('n3', 'n0', 'refine', r3, 'drop extreme prices and sizes (|z| > 4)');
  b.propose('n4', 'n0', 'refine', r4, 'add living area per bedroom');
  lifecycle('n1', r1, 29_436, 0.1712, 2, 'new_best', 0.0161);
  lifecycle('n2', r2, 7_903, 0.1869, 1, 'improved', 0.0004);
  b.emit('node.failed', { nodeId: 'n4', stage: 'materialize', error: { code: 'E_SQL', message: 'Binder Error: division by zero is not allowed for BIGINT bedrooms = 0 in 13 rows', path: 'recipe/steps/0/query' }, attempts: 1 }, 'curator');
  b.emit('finding.recorded', { findingId: 'f1', nodeId: 'n1', kind: 'source_effect', subject: kc, delta: 0.0161, text: 'Adding King County sales lowered validation log-RMSE by 0.0161 on the root branch', evidence: { parent: 0.1873, node: 0.1712 } }, 'critic');
  b.emit('finding.recorded', { findingId: 'f2', nodeId: 'n4', kind: 'failure', subject: 'sql', text: 'Ratio features need a guard for bedrooms = 0 (NULLIF)' }, 'critic');
  lifecycle('n3', r3, 7_951, 0.1881, 1, 'worse', -0.0008);
  b.emit('finding.recorded', { findingId: 'f3', nodeId: 'n3', kind: 'step_effect', subject: 'drop_outliers z=4', delta: -0.0008, text: 'Dropping outliers at |z| > 4 did not help the base data' }, 'critic');

  // Round 2: UCB picks n1 (best mean reward); refine it and add the second source.
  const r5: Recipe = { v: 1, base: 'task', steps: [addKc, { op: 'dedupe', columns: ['sqft_living', 'bedrooms', 'year_built', 'zipcode'], scope: kc }] };
  const addKs: RecipeStep = { op: 'add_source', source: ks, mapping: { sqft_living: 'living_area', log_price: 'ln(sale_price)' }, where: 'log_price IS NOT NULL' };
  const r6: Recipe = { v: 1, base: 'task', steps: [addKc, addKs] };
  const r7: Recipe = { v: 1, base: 'task', steps: [addKc, { op: 'filter', where: 'year_built >= 1950', scope: 'added' }] };
  b.propose('n5', 'n1', 'refine', r5, 'dedupe the added rows on the task key');
  b.propose('n6', 'n1', 'expand', r6, 'add 2019 Seattle sales (quality 0.62)');
  b.propose('n7', 'n1', 'refine', r7, 'keep added homes built from 1950 on');
  lifecycle('n5', r5, 29_101, 0.1690, 2, 'new_best', 0.0022);
  lifecycle('n6', r6, 33_520, 0.1755, 1, 'worse', -0.0043);
  b.emit('finding.recorded', { findingId: 'f4', nodeId: 'n6', kind: 'source_effect', subject: ks, delta: -0.0043, text: 'Adding 2019 Seattle sales on top of King County hurt by 0.0043' }, 'critic');
  b.emit('node.pruned', { nodeId: 'n6', reason: 'worse than its parent by 0.0043 with a low-quality source' }, 'planner');
  lifecycle('n7', r7, 24_870, 0.1731, 1, 'worse', -0.0019);

  // Round 3: expand the new best once more.
  const r8: Recipe = { v: 1, base: 'task', steps: [...r5.steps, { op: 'impute', columns: { year_built: 'median' }, scope: 'all' }] };
  b.propose('n8', 'n5', 'refine', r8, 'impute missing year_built with the median');
  lifecycle('n8', r8, 29_101, 0.1694, 1, 'neutral', -0.0004);
  b.emit('finding.recorded', { findingId: 'f5', nodeId: 'n5', kind: 'step_effect', subject: 'dedupe scope=hf:kc-house-data', delta: 0.0022, text: 'Deduplicating the added King County rows helped by 0.0022' }, 'critic');

  b.emit('run.finished', { reason: 'budget', nodes: 9, bestNodeId: 'n5' }, 'planner');
  b.emit('run.graded', { nodeId: 'n5', split: 'test', score: 0.1702, metrics: { rmse_log_price: 0.1702 }, role: 'best' }, 'trainer');
  b.emit('run.graded', { nodeId: 'n0', split: 'test', score: 0.1880, metrics: { rmse_log_price: 0.188 }, role: 'baseline' }, 'trainer');
  return b.events;
}

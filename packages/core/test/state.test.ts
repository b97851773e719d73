import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Recipe, StoredEvent } from '../src/index.ts';
import {
  applyEvent,
  foldEvents,
  initialRunState,
  parseEventsJsonl,
  renderTreeText,
  replaySummary,
  type RunState,
} from '../src/state/index.ts';
import { buildExampleRun, FIXTURE_CONFIG, fixtureTask, RunEventsBuilder } from '../src/testing/event-gen.ts';
import { exampleRunJsonl, EXAMPLE_DIR } from '../src/testing/write-example.ts';

const recipe = (...ops: string[]): Recipe => ({ v: 1, base: 'task', steps: ops.map((o) => ({ op: 'filter', where: o })) });

/** Root n0, children n1 (expand, adds src:a), n2 (refine); n3 under n1. */
function smallRun(direction: 'max' | 'min' = 'max'): RunEventsBuilder {
  const b = new RunEventsBuilder('r1');
  b.emit('run.started', { task: fixtureTask(direction, 'r1'), config: FIXTURE_CONFIG }, 'cli');
  b.emit('source.discovered', { source: { id: 'src:a', plugin: 'p', uri: 'file:///a.csv', format: 'csv' } }, 'scout');
  b.propose('n0', null, 'root', recipe());
  b.propose('n1', 'n0', 'expand', { v: 1, base: 'task', steps: [{ op: 'add_source', source: 'src:a', mapping: {} }] });
  b.propose('n2', 'n0', 'refine', recipe('a > 1'));
  b.propose('n3', 'n1', 'refine', { v: 1, base: 'task', steps: [{ op: 'add_source', source: 'src:a', mapping: {} }, { op: 'dedupe' }] });
  return b;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}

t.test('run.started and node.proposed build the tree', async (t) => {
  const s = foldEvents(smallRun('min').events);
  t.equal(s.run, 'r1');
  t.equal(s.task?.metric.direction, 'min');
  t.equal(s.tree.direction, 'min');
  t.same(s.config, FIXTURE_CONFIG);
  t.equal(s.tree.rootId, 'n0');
  t.same(s.tree.order, ['n0', 'n1', 'n2', 'n3']);
  t.same(s.tree.nodes.n0!.children, ['n1', 'n2']);
  t.same([s.tree.nodes.n0!.depth, s.tree.nodes.n1!.depth, s.tree.nodes.n3!.depth], [0, 1, 2]);
  t.same(s.tree.nodes.n3!.seq, 6);
  t.equal(s.tree.nodes.n1!.status, 'proposed');
  t.same(s.pool.sources['src:a']!.usedBy, ['n1', 'n3']);
  t.same(s.memory.outcomes.n2, { nodeId: 'n2', recipeHash: s.tree.nodes.n2!.recipeHash, status: 'proposed' });
  t.equal(s.events, 6);
  t.equal(s.lastSeq, 6);
  t.same(s.anomalies, []);
});

t.test('the same recipe twice: byRecipe keeps the first node, tried lists both', async (t) => {
  const b = smallRun();
  b.propose('n4', 'n1', 'refine', recipe('a > 1'));
  const s = foldEvents(b.events);
  const h = s.tree.nodes.n2!.recipeHash;
  t.equal(s.tree.byRecipe[h], 'n2');
  t.same(s.memory.tried[h], ['n2', 'n4']);
});

t.test('bad proposals and events about unknown nodes are recorded as anomalies and change nothing else', async (t) => {
  const good = smallRun();
  const bad = smallRun();
  bad.propose('n9', 'ghost', 'refine', recipe('x'));
  bad.propose('n2', 'n0', 'refine', recipe('y'));
  bad.propose('r2', null, 'root', recipe());
  bad.emit('node.evaluated', { nodeId: 'ghost', score: 1, split: 'val' }, 'trainer');
  bad.emit('source.profiled', { sourceId: 'src:none', profile: { rows: 1, columns: [], duplicates: 0, quality: 1 } }, 'curator');
  const s = foldEvents(bad.events);
  t.same(s.anomalies.map((a) => a.code), ['E_NODE_UNKNOWN_PARENT', 'E_NODE_DUPLICATE', 'E_ROOT_DUPLICATE', 'E_NODE_UNKNOWN', 'E_SOURCE_UNKNOWN']);
  t.same(s.anomalies.map((a) => a.seq), [7, 8, 9, 10, 11]);
  t.match(s.anomalies[0]!.message, /ghost/);
  const clean = foldEvents(good.events);
  t.same({ ...s, events: 0, lastSeq: 0, anomalies: [] }, { ...clean, events: 0, lastSeq: 0, anomalies: [] });
});

t.test('lifecycle, backup to the root and the failure penalty', async (t) => {
  const b = smallRun();
  const hash = (id: string, s: RunState) => s.tree.nodes[id]!.recipeHash;
  const s0 = foldEvents(b.events);
  b.emit('node.materialized', { nodeId: 'n3', recipeHash: hash('n3', s0), artifact: { path: 'a/n3.parquet', rows: 10, format: 'parquet' } }, 'curator');
  b.emit('node.evaluated', { nodeId: 'n3', score: 0.7, split: 'val', metrics: { f1: 0.6 } }, 'trainer');
  b.emit('node.critiqued', { nodeId: 'n3', reward: 2, verdict: 'new_best' }, 'critic');
  b.emit('node.failed', { nodeId: 'n2', stage: 'materialize', error: { code: 'E_X', message: 'boom' } }, 'curator');
  b.emit('node.failed', { nodeId: 'n2', stage: 'materialize', error: { code: 'E_X', message: 'boom again' } }, 'curator');
  const s = foldEvents(b.events);
  const n = s.tree.nodes;
  t.equal(n.n3!.status, 'critiqued');
  t.same(n.n3!.artifact, { path: 'a/n3.parquet', rows: 10, format: 'parquet' });
  t.same([n.n3!.score, n.n3!.metrics, n.n3!.reward, n.n3!.verdict], [0.7, { f1: 0.6 }, 2, 'new_best']);
  // n3 (+2) backs up to n1 and n0; n2 (-1, once) backs up to n0.
  t.same([n.n3!.visits, n.n3!.totalReward], [1, 2]);
  t.same([n.n1!.visits, n.n1!.totalReward], [1, 2]);
  t.same([n.n2!.visits, n.n2!.totalReward], [1, -1]);
  t.same([n.n0!.visits, n.n0!.totalReward], [2, 1]);
  t.equal(n.n2!.status, 'failed');
  t.same(n.n2!.error, { code: 'E_X', message: 'boom', stage: 'materialize' });
  t.same(s.anomalies.map((a) => a.code), ['E_NODE_OUTCOME_REPEATED']);
  t.same(s.memory.outcomes.n2, { nodeId: 'n2', recipeHash: n.n2!.recipeHash, status: 'failed', reward: -1, error: { code: 'E_X', message: 'boom', stage: 'materialize' } });
  t.same(s.memory.outcomes.n3, { nodeId: 'n3', recipeHash: n.n3!.recipeHash, status: 'critiqued', score: 0.7, reward: 2, verdict: 'new_best' });
  t.equal(s.tree.bestId, 'n3');
});

t.test('a late lifecycle event never moves a node back; a materialisation of another recipe is refused', async (t) => {
  const b = smallRun();
  const h1 = foldEvents(b.events).tree.nodes.n1!.recipeHash;
  b.emit('node.evaluated', { nodeId: 'n1', score: 0.5, split: 'val' }, 'trainer');
  b.emit('node.materialized', { nodeId: 'n1', recipeHash: h1, artifact: { path: 'a', rows: 1, format: 'jsonl' } }, 'curator');
  b.emit('node.materialized', { nodeId: 'n2', recipeHash: h1, artifact: { path: 'b', rows: 1, format: 'jsonl' } }, 'curator');
  const s = foldEvents(b.events);
  t.equal(s.tree.nodes.n1!.status, 'evaluated');
  t.equal(s.tree.nodes.n1!.artifact?.path, 'a');
  t.equal(s.tree.nodes.n2!.artifact, undefined);
  t.same(s.anomalies.map((a) => a.code), ['E_RECIPE_MISMATCH']);
});

t.test('best is direction-aware, ties go to the earlier node, failed nodes drop out, pruned ones stay', async (t) => {
  for (const direction of ['max', 'min'] as const) {
    const b = smallRun(direction);
    b.emit('node.evaluated', { nodeId: 'n2', score: 0.5, split: 'val' }, 'trainer');
    b.emit('node.evaluated', { nodeId: 'n1', score: 0.5, split: 'val' }, 'trainer');
    t.equal(foldEvents(b.events).tree.bestId, 'n1', `${direction}: tie goes to the earlier-proposed n1`);
    b.emit('node.evaluated', { nodeId: 'n3', score: 0.9, split: 'val' }, 'trainer');
    t.equal(foldEvents(b.events).tree.bestId, direction === 'max' ? 'n3' : 'n1');
    b.emit('node.evaluated', { nodeId: 'n0', score: 0.1, split: 'val' }, 'trainer');
    t.equal(foldEvents(b.events).tree.bestId, direction === 'max' ? 'n3' : 'n0');
  }
  const b = smallRun('max');
  b.emit('node.evaluated', { nodeId: 'n1', score: 0.9, split: 'val' }, 'trainer');
  b.emit('node.evaluated', { nodeId: 'n2', score: 0.6, split: 'val' }, 'trainer');
  b.emit('node.pruned', { nodeId: 'n2', reason: 'weak' }, 'planner');
  b.emit('node.failed', { nodeId: 'n1', stage: 'critique', error: { code: 'E_C', message: 'critic died' } }, 'critic');
  const s = foldEvents(b.events);
  t.equal(s.tree.bestId, 'n2', 'failed n1 is no longer best; pruned n2 still counts');
  t.equal(s.tree.nodes.n1!.score, 0.9, 'a failed node keeps its score');
  t.same([s.tree.nodes.n2!.status, s.tree.nodes.n2!.statusBeforePrune, s.tree.nodes.n2!.pruned], ['pruned', 'evaluated', { reason: 'weak' }]);
  // A re-evaluation that worsens the best recomputes it.
  b.emit('node.evaluated', { nodeId: 'n2', score: 0.1, split: 'val' }, 'trainer');
  b.emit('node.evaluated', { nodeId: 'n3', score: 0.2, split: 'val' }, 'trainer');
  t.equal(foldEvents(b.events).tree.bestId, 'n3');
});

t.test('pruned nodes stay pruned while in-flight work lands; a second prune is an anomaly', async (t) => {
  const b = smallRun();
  b.emit('node.pruned', { nodeId: 'n1', reason: 'budget' }, 'planner');
  b.emit('node.evaluated', { nodeId: 'n1', score: 0.3, split: 'val' }, 'trainer');
  b.emit('node.critiqued', { nodeId: 'n1', reward: 1, verdict: 'neutral' }, 'critic');
  b.emit('node.pruned', { nodeId: 'n1', reason: 'again' }, 'planner');
  const s = foldEvents(b.events);
  const n1 = s.tree.nodes.n1!;
  t.same([n1.status, n1.statusBeforePrune, n1.pruned?.reason, n1.visits, n1.reward], ['pruned', 'critiqued', 'budget', 1, 1]);
  t.same(s.anomalies.map((a) => a.code), ['E_NODE_ALREADY_PRUNED']);
});

t.test('pool: profiled, rejected, usedBy, comments from findings; memory: findings; finished and graded', async (t) => {
  const b = smallRun();
  b.emit('source.discovered', { source: { id: 'src:b', plugin: 'p', uri: 'file:///b.csv', format: 'csv' } }, 'scout');
  b.emit('source.discovered', { source: { id: 'src:b', plugin: 'p2', uri: 'file:///b2.csv', format: 'csv' } }, 'scout');
  b.emit('source.profiled', { sourceId: 'src:a', profile: { rows: 5, columns: [], duplicates: 0, quality: 0.5 } }, 'curator');
  b.emit('source.rejected', { sourceId: 'src:b', reason: { code: 'E_LICENSE', message: 'none' } }, 'curator');
  b.emit('source.profiled', { sourceId: 'src:b', profile: { rows: 7, columns: [], duplicates: 0, quality: 0.1 } }, 'curator');
  b.emit('finding.recorded', { findingId: 'f1', nodeId: 'n1', kind: 'source_effect', subject: 'src:a', delta: 0.02, text: 'helped' }, 'critic');
  b.emit('finding.recorded', { findingId: 'f2', nodeId: 'n2', kind: 'note', subject: 'dedupe', text: 'meh' }, 'critic');
  b.emit('run.finished', { reason: 'budget', nodes: 4, bestNodeId: null }, 'planner');
  b.emit('run.graded', { nodeId: 'n1', split: 'test', score: 0.8, medal: 'bronze' }, 'trainer');
  b.emit('run.graded', { nodeId: 'n0', split: 'test', score: 0.7, role: 'baseline' }, 'trainer');
  const s = foldEvents(b.events);
  const a = s.pool.sources['src:a']!;
  const bb = s.pool.sources['src:b']!;
  t.same([a.status, a.profile?.rows, a.usedBy], ['profiled', 5, ['n1', 'n3']]);
  t.same(a.comments, [{ nodeId: 'n1', text: 'helped', delta: 0.02 }]);
  t.same([bb.status, bb.source.plugin, bb.profile?.rows, bb.rejection?.code], ['rejected', 'p', 7, 'E_LICENSE']);
  t.same(s.pool.order, ['src:a', 'src:b']);
  t.same(s.memory.findings.map((f) => [f.findingId, f.seq]), [['f1', 12], ['f2', 13]]);
  t.same(s.finished, { reason: 'budget', nodes: 4, bestNodeId: null, seq: 14 });
  t.same(s.graded, { best: { nodeId: 'n1', score: 0.8, medal: 'bronze' }, baseline: { nodeId: 'n0', score: 0.7 } });
  t.same(s.anomalies.map((x) => x.code), ['E_SOURCE_DUPLICATE']);
});

t.test('a source discovered after a node that adds it still lists that node', async (t) => {
  const b = new RunEventsBuilder('r1');
  b.propose('n0', null, 'root', { v: 1, base: 'task', steps: [{ op: 'add_source', source: 'late:x', mapping: {} }] });
  b.emit('source.discovered', { source: { id: 'late:x', plugin: 'p', uri: 'u', format: 'csv' } }, 'scout');
  t.same(foldEvents(b.events).pool.sources['late:x']!.usedBy, ['n0']);
});

t.test('events of another run are refused', async (t) => {
  const b = smallRun();
  const other = new RunEventsBuilder('r2');
  other.propose('x', 'n0', 'refine', recipe('z'));
  const s = foldEvents([...b.events, { ...other.events[0]!, seq: 99 }]);
  t.same(s.anomalies.map((a) => a.code), ['E_RUN_MISMATCH']);
  t.notOk(s.tree.nodes.x);
});

t.test('applyEvent and foldEvents never mutate their inputs', async (t) => {
  const events = deepFreeze(smallRun().events);
  const before = deepFreeze(foldEvents(events.slice(0, 4)));
  const copy = structuredClone(before);
  const next = applyEvent(before, events[4]!);
  t.not(next, before);
  t.same(before, copy);
  t.equal(next.tree.order.length, before.tree.order.length + 1);
  const folded = foldEvents(events.slice(4), before);
  t.same(folded, foldEvents(events));
  // The state shares nothing with the events: changing it cannot change the log's objects.
  folded.tree.nodes.n1!.recipe.steps.push({ op: 'dedupe' });
  t.equal((events[3]!.data as { recipe: Recipe }).recipe.steps.length, 1);
});

t.test('initialRunState is fresh each time', async (t) => {
  const a = initialRunState();
  a.tree.order.push('x');
  t.same(initialRunState().tree.order, []);
});

t.test('renderTreeText and replaySummary', async (t) => {
  const b = smallRun();
  b.emit('node.evaluated', { nodeId: 'n3', score: 0.1 + 0.2, split: 'val' }, 'trainer');
  b.emit('node.failed', { nodeId: 'n2', stage: 'materialize', error: { code: 'E', message: 'x' } }, 'curator');
  const s = foldEvents(b.events);
  t.equal(renderTreeText(s), ['n0 root proposed -', '  n1 expand proposed -', '    n3 refine evaluated 0.3 *best', '  n2 refine failed -', ''].join('\n'));
  t.equal(renderTreeText(initialRunState()), '(empty tree)\n');
  const sum = replaySummary(s);
  t.same(Object.keys(sum), ['run', 'events', 'nodes', 'best']);
  t.same(sum.nodes[3], { id: 'n3', parent: 'n1', kind: 'refine', status: 'evaluated', score: 0.1 + 0.2, recipeHash: s.tree.nodes.n3!.recipeHash });
  t.same(sum.nodes[0]!.score, null);
  t.same(sum.best, { id: 'n3', score: 0.1 + 0.2 });
  t.same(replaySummary(initialRunState()), { run: null, events: 0, nodes: [], best: null });
});

t.test('the example run: its committed events.jsonl is current and folds to the documented tree', async (t) => {
  const text = readFileSync(join(EXAMPLE_DIR, 'events.jsonl'), 'utf8');
  t.equal(text, exampleRunJsonl(), 'regenerate with: npx tsx packages/core/src/testing/write-example.ts');
  const fromFile: StoredEvent[] = parseEventsJsonl(text, 'examples/runs/demo/events.jsonl');
  const s = foldEvents(fromFile);
  t.same(s, foldEvents(buildExampleRun()));
  t.same(s.anomalies, []);
  t.equal(s.run, 'seattle-demo');
  t.same(replaySummary(s).best, { id: 'n5', score: 0.169 });
  t.same([s.tree.nodes.n0!.visits, s.tree.nodes.n0!.totalReward], [9, 9]);
  t.equal(renderTreeText(s), [
    'n0 root critiqued 0.1873',
    '  n1 expand critiqued 0.1712',
    '    n5 refine critiqued 0.169 *best',
    '      n8 refine critiqued 0.1694',
    '    n6 expand pruned 0.1755',
    '    n7 refine critiqued 0.1731',
    '  n2 refine critiqued 0.1869',
    '  n3 refine critiqued 0.1881',
    '  n4 refine failed -',
    '',
  ].join('\n'));
  t.same(s.pool.sources['web:data.seattle.gov/building-permits']!.status, 'rejected');
  t.same(s.graded.baseline, { nodeId: 'n0', score: 0.188, metrics: { rmse_log_price: 0.188 } });
});

t.test('parseEventsJsonl names the file and line of a bad line', async (t) => {
  const [e1, e2] = buildExampleRun();
  const err1 = t.throws(() => parseEventsJsonl(`${JSON.stringify(e1)}\n{oops\n`, 'x.jsonl')) as { code?: string; message?: string };
  t.equal(err1.code, 'E_EVENTS_JSONL');
  t.match(err1.message, /x\.jsonl:2/);
  const err2 = t.throws(() => parseEventsJsonl(`${JSON.stringify(e2)}\n${JSON.stringify(e1)}\n`, 'x.jsonl')) as { code?: string };
  t.equal(err2.code, 'E_EVENTS_JSONL');
  const err3 = t.throws(() => parseEventsJsonl(JSON.stringify({ ...e1, type: 'node.bogus' }), 'x.jsonl')) as { code?: string; message?: string };
  t.equal(err3.code, 'E_SCHEMA');
  t.match(err3.message, /x\.jsonl:1/);
});

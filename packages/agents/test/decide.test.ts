import t from 'tap';
import { foldEvents, makeEvent, recipeHash, type AnyEvent, type Recipe } from '@datamaster/core';
import { candidates, childRecipe, poolView, toPrune } from '../src/planner/decide.ts';

const RUN = 'decide-run';
const ev = (type: AnyEvent['type'], data: unknown): AnyEvent => makeEvent(RUN, type as never, data as never, { actor: 'test' }) as AnyEvent;
const task = { id: 't', description: 'd', benchmark: { plugin: 'x' }, metric: { name: 'acc', direction: 'max' as const } };

function recipe(...sources: string[]): Recipe {
  return { v: 1, base: 'task', steps: sources.map((s) => ({ op: 'add_source' as const, source: s, mapping: { y: 'y' } })) };
}
function node(id: string, parent: string | null, r: Recipe, score: number, reward: number, verdict: string): AnyEvent[] {
  return [
    ev('node.proposed', { nodeId: id, parent, kind: parent ? 'expand' : 'root', recipe: r, recipeHash: recipeHash(r) }),
    ev('node.materialized', { nodeId: id, recipeHash: recipeHash(r), artifact: { path: `${id}.parquet`, rows: 1, format: 'parquet' } }),
    ev('node.evaluated', { nodeId: id, score, split: 'val' }),
    ev('node.critiqued', { nodeId: id, reward, verdict }),
  ];
}

const events: AnyEvent[] = [
  ev('run.started', { task, config: { budget: { nodes: 10, seconds: 60, parallel: 2 }, search: {}, seed: 1 } }),
  ev('source.discovered', { source: { id: 's:a', plugin: 's', uri: 'a', format: 'csv' } }),
  ev('source.discovered', { source: { id: 's:b', plugin: 's', uri: 'b', format: 'csv' } }),
  ...node('n0', null, recipe(), 0.5, 1, 'baseline'),
  ...node('n1', 'n0', recipe('s:a'), 0.6, 2, 'new_best'),
  ...node('n2', 'n0', recipe('s:b'), 0.4, 1, 'worse'),
  ...node('n3', 'n1', recipe('s:a', 's:b'), 0.6, 0.2, 'neutral'),
];
const state = foldEvents(events);

t.test('pruning: a worse verdict, and a low mean reward once pruneBelow is set', async (t) => {
  t.same(toPrune(state).map((p) => p.node.id), ['n2'], 'by default only the node judged worse');
  const low = toPrune(state, { pruneBelow: 0.5, pruneAfter: 1 });
  t.same(low.map((p) => p.node.id), ['n2', 'n3']);
  t.match(low[1]!.reason, /mean reward 0\.200 below 0\.5 after 1 visits/);
  t.same(toPrune(state, { pruneBelow: 0.5, pruneAfter: 2 }).map((p) => p.node.id), ['n2'], 'not before pruneAfter visits');
});

t.test('candidates: UCB order is deterministic; the random ablation is a seeded permutation', async (t) => {
  const knobs = { budget: { nodes: 10, seconds: 60, parallel: 2 }, search: {}, seed: 1 };
  const ucb = candidates(state, knobs, () => false).map((n) => n.id);
  t.same(ucb, candidates(state, knobs, () => false).map((n) => n.id));
  t.same([...ucb].sort(), ['n0', 'n1', 'n2', 'n3']);
  const rnd = candidates(state, { ...knobs, search: { selection: 'random' } }, () => false).map((n) => n.id);
  t.same([...rnd].sort(), ['n0', 'n1', 'n2', 'n3'], 'every selectable node, none dropped');
  t.same(rnd, candidates(state, { ...knobs, search: { selection: 'random' } }, () => false).map((n) => n.id), 'same seed, same order');
  t.same(candidates(state, knobs, (n) => n.id === 'n1').map((n) => n.id).includes('n1'), false, 'skipped nodes are left out');
});

t.test('pool view without reuse hides sources other branches used', async (t) => {
  const n2 = state.tree.nodes['n2']!;
  t.same(poolView(state, n2, true).order, ['s:a', 's:b']);
  t.same(poolView(state, n2, false).order, [], 's:a is used on n1, s:b on n3 (another branch)');
  const n3 = state.tree.nodes['n3']!;
  t.same(poolView(state, n3, false).order, ['s:a'], 'n3 keeps s:a (its own branch) but not s:b, which n2 on another branch used too');
  const { recipe: r, hash } = childRecipe(state.tree.nodes['n0']!, { kind: 'refine', steps: [{ op: 'dedupe' }], rationale: 'x' });
  t.same(r.steps, [{ op: 'dedupe' }]);
  t.equal(hash, recipeHash(r));
});

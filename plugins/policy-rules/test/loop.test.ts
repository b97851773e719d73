// The policy and the default critic driven through the real fold: proposals become events, a fake learner scores
// them, the critic's findings are recorded, and the next proposals read that memory. Checks that the shapes the
// policy assumes (tree.byRecipe, memory.tried, memory.findings) are the ones the fold builds.
import t from 'tap';
import { ROOT_RECIPE, foldEvents, makeEvent, recipeHash, validateEvent, type AnyEvent, type EventDataMap, type Recipe, type RunState } from '@datamaster/core';
import { judge } from '../../critic-default/src/judge.ts';
import { resolveCriticConfig } from '../../critic-default/src/config.ts';
import { resolvePolicyConfig } from '../src/config.ts';
import { childRecipe } from '../src/memory.ts';
import { propose } from '../src/propose.ts';
import { prepared, task } from './fixture.ts';

const RUN = 'seattle';
const events: AnyEvent[] = [];
function emit<T extends keyof EventDataMap>(type: T, data: EventDataMap[T]): void {
  const e = makeEvent(RUN, type, data, { actor: 'test' }) as AnyEvent;
  validateEvent(e, `loop test ${type}`);
  events.push({ ...e, seq: events.length + 1 } as AnyEvent);
}
const state = (): RunState => foldEvents(events);

/** A fake learner: each good source adds 0.03, local:bad costs 0.02, each cleaning step 0.001. */
function score(recipe: Recipe): number {
  let s = 0.7;
  for (const step of recipe.steps) {
    if (step.op === 'add_source') s += step.source === 'local:bad' ? -0.02 : 0.03;
    else s += 0.001;
  }
  return Number(s.toFixed(6));
}

let nodeCount = 0;
function train(parent: string | null, kind: 'root' | 'expand' | 'refine', recipe: Recipe, rationale: string): string {
  const nodeId = `n${nodeCount++}`;
  const hash = recipeHash(recipe);
  emit('node.proposed', { nodeId, parent, kind, recipe, recipeHash: hash, rationale });
  emit('node.materialized', { nodeId, recipeHash: hash, artifact: { path: `a/${hash}.parquet`, rows: 1000, format: 'parquet' } });
  emit('node.evaluated', { nodeId, score: score(recipe), split: 'val' });
  const s = state();
  const node = s.tree.nodes[nodeId]!;
  const parentNode = node.parent ? s.tree.nodes[node.parent]! : null;
  let best = null;
  for (const id of s.tree.order) {
    const n = s.tree.nodes[id]!;
    if (id !== nodeId && typeof n.score === 'number' && (!best || n.score > best.score!)) best = n;
  }
  const verdict = judge({ node, parent: parentNode, best, tree: s.tree, pool: s.pool, memory: s.memory, direction: 'max' }, resolveCriticConfig({}));
  verdict.findings.forEach((f, i) => emit('finding.recorded', { findingId: `${nodeId}.f${i + 1}`, nodeId, ...f }));
  const { findings: _f, ...critiqued } = verdict;
  emit('node.critiqued', { nodeId, ...critiqued });
  return nodeId;
}

emit('run.started', { task, config: { budget: { nodes: 30 }, search: {}, seed: 7 } });
for (const [id, quality, mapping] of [
  ['local:bad', 0.95, { weather: 'w', temp_max: 't' }],
  ['local:good', 0.9, { weather: 'label', temp_max: 'tmax' }],
  ['local:good2', 0.8, { weather: 'cond' }],
] as const) {
  emit('source.discovered', { source: { id, plugin: 'local', uri: `file:///${id}`, format: 'csv' } });
  emit('source.profiled', { sourceId: id, profile: { rows: 500, columns: [], duplicates: 0, quality, mapping: { ...mapping } } });
}

t.test('a short search: no recipe twice, and a source that hurt twice is held back', async (t) => {
  const config = resolvePolicyConfig({});
  const root = train(null, 'root', ROOT_RECIPE, 'baseline');
  // Expand every node a couple of times, breadth first, as a planner would.
  const frontier = [root];
  for (let round = 0; round < 6 && frontier.length; round++) {
    const id = frontier.shift()!;
    const s = state();
    const node = s.tree.nodes[id]!;
    for (const p of propose({ node, tree: s.tree, pool: s.pool, memory: s.memory, task, prepared, want: 3 }, config)) {
      frontier.push(train(id, p.kind, childRecipe(node, p.steps), p.rationale));
    }
  }
  let s = state();
  const hashes = s.tree.order.map((id) => s.tree.nodes[id]!.recipeHash);
  t.equal(new Set(hashes).size, hashes.length, `${hashes.length} nodes, all recipes distinct`);
  const hurt = () => state().memory.findings.filter((f) => f.subject === 'local:bad' && (f.delta ?? 0) < 0);
  t.ok(hurt().length >= 1, 'the critic recorded that local:bad hurt');
  t.match(hurt()[0]?.text ?? '', /^source local:bad via mapping .*: -0\.02 val vs parent n\d+ on branch n0>/);

  const lacking = s.tree.order.map((id) => s.tree.nodes[id]!).filter((n) => !n.recipe.steps.some((st) => st.op === 'add_source' && st.source === 'local:bad'));
  // Hurt once in the short search: demoted behind the other sources despite its higher profile quality.
  t.equal(hurt().length, 1, 'the policy did not try local:bad again on its own');
  {
    const all = resolvePolicyConfig({ expandShare: 1, rootExpansions: 10 });
    const orders = lacking.map((node) =>
      propose({ node, tree: s.tree, pool: s.pool, memory: s.memory, task, prepared, want: 20 }, all)
        .flatMap((p) => p.steps)
        .flatMap((st) => (st.op === 'add_source' ? [st.source] : [])),
    );
    const order = orders.find((o) => o.length >= 2 && o.includes('local:bad')) ?? [];
    t.ok(order.length >= 2, 'some node can add local:bad and another source');
    t.equal(order.at(-1), 'local:bad', `demoted: ${order.join(', ')}`);
  }
  // Another policy (an LLM, a user) tries it on other branches until it has hurt twice.
  for (const node of lacking) {
    if (hurt().length >= 2) break;
    const p = state().pool.sources['local:bad']!.profile!;
    const recipe = childRecipe(node, [{ op: 'add_source', source: 'local:bad', mapping: p.mapping! }]);
    if (state().tree.byRecipe[recipeHash(recipe)]) continue;
    train(node.id, 'expand', recipe, 'forced');
  }
  t.ok(hurt().length >= 2, `local:bad hurt ${hurt().length} times`);
  s = state();

  // Every node that could still add local:bad does not get it proposed, while other sources remain.
  for (const id of s.tree.order) {
    const node = s.tree.nodes[id]!;
    const proposals = propose({ node, tree: s.tree, pool: s.pool, memory: s.memory, task, prepared, want: 6 }, config);
    const adds = proposals.flatMap((p) => p.steps).filter((st) => st.op === 'add_source').map((st) => (st.op === 'add_source' ? st.source : ''));
    if (proposals.length > 1) t.notOk(adds.includes('local:bad'), `${id}: local:bad held back (${adds.join(', ') || 'no adds'})`);
    for (const p of proposals) t.notOk(s.tree.byRecipe[recipeHash(childRecipe(node, p.steps))], `${id}: ${p.rationale} is new`);
  }
  t.equal(s.tree.nodes[s.tree.bestId!]?.verdict !== undefined, true, 'the best node was critiqued');
});

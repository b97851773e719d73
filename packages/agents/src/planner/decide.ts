import {
  ancestorsOf,
  explorationConstant,
  evaluatedCount,
  mulberry32,
  selectableNodes,
  rankNodes,
  recipeHash,
  searchSettings,
  type Budget,
  type DataPool,
  type GlobalMemory,
  type Proposal,
  type Recipe,
  type RunState,
  type SearchConfig,
  type TreeNode,
} from '@datamaster/core';

export const IN_FLIGHT = new Set(['proposed', 'materialized', 'evaluated']);

export interface SearchKnobs {
  budget: Required<Budget>;
  search: SearchConfig;
  seed: number;
}

export function inFlight(state: RunState): TreeNode[] {
  return state.tree.order.map((id) => state.tree.nodes[id]!).filter((n) => IN_FLIGHT.has(n.status));
}

/**
 * Candidates to expand, best first: UCB over critiqued nodes (failed nodes are never expanded: their data did not
 * build or train), or a seeded random order for the 'random' ablation.
 */
export function candidates(state: RunState, knobs: SearchKnobs, skip: (n: TreeNode) => boolean): TreeNode[] {
  const s = searchSettings(knobs.search);
  const tree = state.tree;
  if (s.selection === 'random') {
    // Ablation: every selectable node in a seeded random order (Fisher-Yates), instead of by UCB.
    const rng = mulberry32((knobs.seed ^ Math.imul(tree.order.length, 2654435761)) >>> 0);
    const nodes = selectableNodes(tree).filter((n) => n.status !== 'failed' && !skip(n));
    for (let i = nodes.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [nodes[i], nodes[j]] = [nodes[j]!, nodes[i]!];
    }
    return nodes;
  }
  const c = explorationConstant(s.c, s.cMin, s.cDecay, evaluatedCount(tree));
  return rankNodes(tree, { c, failedPenalty: s.failedPenalty, mode: 'global' })
    .map((r) => r.node)
    .filter((n) => n.status !== 'failed' && !skip(n));
}

/** The pool a policy sees for a node: everything, or (no-reuse ablation) only sources no other branch has used. */
export function poolView(state: RunState, node: TreeNode, reuse: boolean): DataPool {
  if (reuse) return state.pool;
  const mine = new Set([node.id, ...ancestorsOf(state.tree, node.id).map((a) => a.id)]);
  const sources: DataPool['sources'] = {};
  for (const id of state.pool.order) {
    const e = state.pool.sources[id]!;
    if (e.usedBy.every((n) => mine.has(n))) sources[id] = e;
  }
  return { sources, order: state.pool.order.filter((id) => id in sources) };
}

export const EMPTY_MEMORY: GlobalMemory = { outcomes: {}, findings: [], tried: {} };

/** The child recipe of a proposal: the parent's steps, then the proposal's. */
export function childRecipe(parent: TreeNode, p: Proposal): { recipe: Recipe; hash: string } {
  const recipe: Recipe = { v: 1, base: 'task', steps: [...parent.recipe.steps, ...p.steps] };
  return { recipe, hash: recipeHash(recipe) };
}

/**
 * Pruning: a critiqued non-root node with nothing in flight below it is dropped from selection (its branch is not
 * expanded again) when the critic judged it worse than its parent, or, with `search.pruneBelow` set, when its mean
 * backed-up reward is below that after at least `search.pruneAfter` visits.
 */
export function toPrune(state: RunState, search: SearchConfig = {}): { node: TreeNode; reason: string }[] {
  const out: { node: TreeNode; reason: string }[] = [];
  const after = search.pruneAfter ?? 2;
  for (const id of state.tree.order) {
    const n = state.tree.nodes[id]!;
    if (n.parent === null || n.status !== 'critiqued') continue;
    const busyBelow = n.children.some((c) => IN_FLIGHT.has(state.tree.nodes[c]?.status ?? ''));
    if (busyBelow) continue;
    const mean = n.visits > 0 ? n.totalReward / n.visits : 0;
    if (n.verdict === 'worse') out.push({ node: n, reason: `verdict worse than parent ${n.parent} (reward ${n.reward ?? '-'})` });
    else if (search.pruneBelow !== undefined && n.visits >= after && mean < search.pruneBelow) {
      out.push({ node: n, reason: `mean reward ${mean.toFixed(3)} below ${search.pruneBelow} after ${n.visits} visits` });
    }
  }
  return out;
}

export function poolVersion(pool: DataPool): string {
  let profiled = 0;
  for (const id of pool.order) if (pool.sources[id]!.status === 'profiled') profiled++;
  return `${pool.order.length}:${profiled}`;
}

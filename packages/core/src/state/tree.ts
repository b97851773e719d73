import type { Direction } from '../schema/types.ts';
import type { DataTree, NodeOutcome, NodeStatus, RunState, TreeNode } from './types.ts';

/** Reward backed up for a failed node, as in the paper's code (a critiqued node gets the critic's reward). */
export const FAILURE_REWARD = -1;

/** Lifecycle order; status only moves forward along it ('failed' and 'pruned' sit outside it). */
const LIFECYCLE_RANK: Record<NodeStatus, number> = {
  proposed: 0,
  materialized: 1,
  evaluated: 2,
  critiqued: 3,
  failed: 4,
  pruned: 4,
};

/**
 * Moves a node forward in its lifecycle. A late or repeated event never moves it back; a failed node stays
 * failed; a pruned node stays pruned while `statusBeforePrune` follows the lifecycle of work already in flight.
 */
export function advanceStatus(node: TreeNode, to: 'materialized' | 'evaluated' | 'critiqued'): void {
  if (node.status === 'pruned') {
    const before = node.statusBeforePrune ?? 'proposed';
    if (before !== 'failed' && LIFECYCLE_RANK[to] > LIFECYCLE_RANK[before]) node.statusBeforePrune = to;
    return;
  }
  if (node.status === 'failed') return;
  if (LIFECYCLE_RANK[to] > LIFECYCLE_RANK[node.status]) node.status = to;
}

/** Adds `reward` and one visit to the node and every ancestor up to the root. */
export function backUp(tree: DataTree, nodeId: string, reward: number): void {
  let cur: TreeNode | undefined = tree.nodes[nodeId];
  while (cur) {
    cur.visits += 1;
    cur.totalReward += reward;
    cur = cur.parent === null ? undefined : tree.nodes[cur.parent];
  }
}

/** A node can be the best when it has a validation score and never failed (a pruned node still can). */
export function eligibleForBest(node: TreeNode): boolean {
  return node.score !== undefined && node.error === undefined;
}

/** True when score `a` beats `b` in the task's direction (equal scores do not beat). */
export function scoreBeats(a: number, b: number, direction: Direction): boolean {
  return direction === 'max' ? a > b : a < b;
}

/** Whether `a` should replace `b` as best: a better score, or an equal score on an earlier-proposed node. */
function betterNode(a: TreeNode, b: TreeNode, direction: Direction): boolean {
  const as = a.score as number;
  const bs = b.score as number;
  if (scoreBeats(as, bs, direction)) return true;
  return as === bs && a.seq < b.seq;
}

/** Recomputes the best node over the whole tree (after a score changed on the best node, a failure, a new direction). */
export function recomputeBest(tree: DataTree): void {
  let best: TreeNode | undefined;
  for (const id of tree.order) {
    const n = tree.nodes[id];
    if (!n || !eligibleForBest(n)) continue;
    if (!best || betterNode(n, best, tree.direction)) best = n;
  }
  tree.bestId = best ? best.id : null;
}

/** Updates the best after one node's score changed; O(1) unless that node was the best. */
export function considerBest(tree: DataTree, node: TreeNode): void {
  if (tree.bestId === node.id) {
    recomputeBest(tree);
    return;
  }
  const best = tree.bestId === null ? undefined : tree.nodes[tree.bestId];
  if (!eligibleForBest(node)) return;
  if (!best || betterNode(node, best, tree.direction)) tree.bestId = node.id;
}

/** Mirrors a node's latest outcome into Global Memory (no keys set to undefined, so states compare deeply). */
export function syncOutcome(state: RunState, node: TreeNode): void {
  const o: NodeOutcome = { nodeId: node.id, recipeHash: node.recipeHash, status: node.status };
  if (node.score !== undefined) o.score = node.score;
  if (node.reward !== undefined) o.reward = node.reward;
  if (node.verdict !== undefined) o.verdict = node.verdict;
  if (node.error !== undefined) o.error = { ...node.error };
  state.memory.outcomes[node.id] = o;
}

/** The node's ancestors, nearest first. */
export function ancestorsOf(tree: DataTree, nodeId: string): TreeNode[] {
  const out: TreeNode[] = [];
  const start = tree.nodes[nodeId];
  let cur = start && start.parent !== null ? tree.nodes[start.parent] : undefined;
  while (cur) {
    out.push(cur);
    cur = cur.parent === null ? undefined : tree.nodes[cur.parent];
  }
  return out;
}

/** Mean backed-up reward, or undefined for an unvisited node. */
export function meanReward(node: TreeNode): number | undefined {
  return node.visits > 0 ? node.totalReward / node.visits : undefined;
}

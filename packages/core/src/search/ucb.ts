import { DataMasterError } from '../errors.ts';
import type { DataTree, TreeNode } from '../state/types.ts';

export interface UcbOptions {
  /** Subtracted from a failed node's score (schema default 1). */
  failedPenalty?: number;
}

/** In flight (no outcome yet) or pruned: selection never picks these. */
export function isSelectableStatus(node: TreeNode): boolean {
  return node.status === 'critiqued' || node.status === 'failed';
}

/**
 * UCB1: mean reward + c * sqrt(ln(parentVisits) / visits).
 * - pruned and in-flight nodes (proposed, materialized, evaluated) score -Infinity: never selected;
 * - a selectable node with no visits scores +Infinity: unvisited first;
 * - a failed node loses `failedPenalty`.
 * parentVisits below 1 counts as 1 (ln 1 = 0: no exploration bonus).
 */
export function ucbScore(node: TreeNode, parentVisits: number, c: number, opts: UcbOptions = {}): number {
  if (!isSelectableStatus(node)) return -Infinity;
  if (node.visits <= 0) return Infinity;
  const mean = node.totalReward / node.visits;
  const explore = c * Math.sqrt(Math.log(Math.max(1, parentVisits)) / node.visits);
  const penalty = node.status === 'failed' ? (opts.failedPenalty ?? 1) : 0;
  return mean + explore - penalty;
}

/**
 * The exploration constant after `evaluatedCount` evaluated nodes: c0 * decay^n, never below cMin (and never
 * above c0, should c0 be configured under the floor).
 */
export function explorationConstant(c0: number, cMin: number, decay: number, evaluatedCount: number): number {
  for (const [name, v] of [['c', c0], ['cMin', cMin], ['cDecay', decay], ['evaluatedCount', evaluatedCount]] as const) {
    if (!Number.isFinite(v) || v < 0) {
      throw new DataMasterError('E_SEARCH_CONFIG', `search.${name} must be a finite number >= 0, got ${String(v)}; fix the task's "search" settings`, { [name]: v });
    }
  }
  if (decay > 1) {
    throw new DataMasterError('E_SEARCH_CONFIG', `search.cDecay must be at most 1 (c only decays), got ${decay}; fix the task's "search" settings`, { cDecay: decay });
  }
  return Math.max(Math.min(c0, cMin), c0 * decay ** evaluatedCount);
}

/** Nodes with a validation score: what c decays by. */
export function evaluatedCount(tree: DataTree): number {
  let n = 0;
  for (const id of tree.order) if (tree.nodes[id]!.score !== undefined) n++;
  return n;
}

import type { DataTree, TreeNode } from '../state/types.ts';
import type { Rng } from './rng.ts';
import { isSelectableStatus, ucbScore, type UcbOptions } from './ucb.ts';

export interface SelectOptions extends UcbOptions {
  /** Exploration constant (see explorationConstant). */
  c: number;
  /**
   * 'uct' (default): walk down from the root; at each node choose between the node itself (expand it again)
   * and its selectable children, stop when the node itself wins. 'global': the selectable node with the
   * highest UCB anywhere in the tree.
   */
  mode?: 'uct' | 'global';
}

export interface RankedNode {
  node: TreeNode;
  ucb: number;
}

/**
 * Nodes selection may pick: critiqued or failed, with no pruned node on the path from the root (pruning drops
 * the whole branch). In tree order (parents before children, siblings in proposal order).
 */
export function selectableNodes(tree: DataTree): TreeNode[] {
  const out: TreeNode[] = [];
  if (tree.rootId === null) return out;
  const stack: string[] = [tree.rootId];
  while (stack.length) {
    const n = tree.nodes[stack.pop()!];
    if (!n || n.status === 'pruned') continue;
    if (isSelectableStatus(n)) out.push(n);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return out;
}

/** A node's UCB in its tree: parentVisits is its parent's visits; the root uses its own. */
export function nodeUcb(tree: DataTree, node: TreeNode, c: number, opts: UcbOptions = {}): number {
  const parent = node.parent === null ? undefined : tree.nodes[node.parent];
  return ucbScore(node, parent ? parent.visits : node.visits, c, opts);
}

/** Deterministic order: higher UCB first, then the earlier-proposed node (seq), then the smaller id. */
export function compareRanked(a: RankedNode, b: RankedNode): number {
  if (a.ucb !== b.ucb) return a.ucb > b.ucb ? -1 : 1;
  if (a.node.seq !== b.node.seq) return a.node.seq - b.node.seq;
  return a.node.id < b.node.id ? -1 : a.node.id > b.node.id ? 1 : 0;
}

/** Every selectable node with its UCB, best first (what a planner filling several parallel slots walks down). */
export function rankNodes(tree: DataTree, opts: SelectOptions): RankedNode[] {
  return selectableNodes(tree)
    .map((node) => ({ node, ucb: nodeUcb(tree, node, opts.c, opts) }))
    .sort(compareRanked);
}

/** The node to expand next, or null when nothing is selectable (empty tree, all in flight or pruned). */
export function selectNode(tree: DataTree, opts: SelectOptions): TreeNode | null {
  if ((opts.mode ?? 'uct') === 'global') return selectGlobal(tree, opts);
  return selectUct(tree, opts);
}

function selectGlobal(tree: DataTree, opts: SelectOptions): TreeNode | null {
  // A linear scan: same order as rankNodes()[0] without sorting the whole tree.
  let best: RankedNode | undefined;
  for (const node of selectableNodes(tree)) {
    const r = { node, ucb: nodeUcb(tree, node, opts.c, opts) };
    if (!best || compareRanked(r, best) < 0) best = r;
  }
  return best ? best.node : null;
}

function selectUct(tree: DataTree, opts: SelectOptions): TreeNode | null {
  let cur = tree.rootId === null ? undefined : tree.nodes[tree.rootId];
  if (!cur || cur.status === 'pruned') return null;
  for (;;) {
    const options: RankedNode[] = [];
    if (isSelectableStatus(cur)) options.push({ node: cur, ucb: nodeUcb(tree, cur, opts.c, opts) });
    for (const id of cur.children) {
      const child = tree.nodes[id];
      if (child && isSelectableStatus(child)) options.push({ node: child, ucb: ucbScore(child, cur.visits, opts.c, opts) });
    }
    if (!options.length) return null;
    options.sort(compareRanked);
    const pick = options[0]!.node;
    // The node itself has the lowest seq of its options, so it wins ties: stay rather than descend.
    if (pick === cur) return cur;
    cur = pick;
  }
}

/** Ablation: a uniformly random selectable node, drawn with the seeded rng (e.g. mulberry32(task.seed)). */
export function randomSelect(tree: DataTree, rng: Rng): TreeNode | null {
  const nodes = selectableNodes(tree);
  if (!nodes.length) return null;
  const i = Math.min(nodes.length - 1, Math.floor(rng() * nodes.length));
  return nodes[i]!;
}

import type { RunState, TreeNode } from './types.ts';

/** What `datamaster replay --json` prints: a stable, small view of the tree. */
export interface ReplaySummary {
  run: string | null;
  events: number;
  nodes: { id: string; parent: string | null; kind: TreeNode['kind']; status: TreeNode['status']; score: number | null; recipeHash: string }[];
  best: { id: string; score: number | null } | null;
}

export function replaySummary(state: RunState): ReplaySummary {
  const { tree } = state;
  const nodes = tree.order.map((id) => {
    const n = tree.nodes[id]!;
    return { id: n.id, parent: n.parent, kind: n.kind, status: n.status, score: n.score ?? null, recipeHash: n.recipeHash };
  });
  const best = tree.bestId === null ? null : { id: tree.bestId, score: tree.nodes[tree.bestId]?.score ?? null };
  return { run: state.run, events: state.events, nodes, best };
}

/** Scores to 6 significant digits, so float noise (0.30000000000000004) does not reach the screen. */
export function formatScore(score: number | undefined): string {
  return score === undefined ? '-' : String(Number(score.toPrecision(6)));
}

/**
 * The tree as text, one line per node, children under their parent in proposal order, two spaces per depth:
 * `<id> <kind> <status> <score or ->`, and ` *best` on the best node.
 */
export function renderTreeText(state: RunState): string {
  const { tree } = state;
  if (tree.rootId === null) return '(empty tree)\n';
  const lines: string[] = [];
  // Iterative depth-first walk: deep trees must not overflow the stack.
  const stack: string[] = [tree.rootId];
  while (stack.length) {
    const n = tree.nodes[stack.pop()!]!;
    const best = tree.bestId === n.id ? ' *best' : '';
    lines.push(`${'  '.repeat(n.depth)}${n.id} ${n.kind} ${n.status} ${formatScore(n.score)}${best}`);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return `${lines.join('\n')}\n`;
}

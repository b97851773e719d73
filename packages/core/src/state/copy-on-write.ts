import type { AnyEvent } from '../events/types.ts';
import type { PoolEntry, RunState, TreeNode } from './types.ts';

/**
 * A copy of `state` in which everything `e` can change is new and everything else is shared: every container
 * is copied shallowly (pointer copies), and the nodes and pool entries the event touches (a node, its ancestors
 * for the backup, the parent of a proposal, sources and their comments) are copied one level deep.
 * applyEventInPlace on the result leaves `state` as it was, at a fraction of a deep copy's cost.
 * The fold relies on one rule for this: it replaces nested values of nodes and pool entries (artifact,
 * metrics, error, profile, ...) and only pushes onto the arrays copied here.
 */
export function copyForEvent(state: RunState, e: AnyEvent): RunState {
  const next: RunState = {
    ...state,
    tree: { ...state.tree, nodes: { ...state.tree.nodes }, order: [...state.tree.order], byRecipe: { ...state.tree.byRecipe } },
    pool: { sources: { ...state.pool.sources }, order: [...state.pool.order] },
    memory: { outcomes: { ...state.memory.outcomes }, findings: [...state.memory.findings], tried: { ...state.memory.tried } },
    graded: { ...state.graded },
    anomalies: [...state.anomalies],
  };
  const nodes = next.tree.nodes;
  const copyNode = (n: TreeNode): TreeNode => (nodes[n.id] = { ...n, children: [...n.children] });
  const copyPathToRoot = (id: string | null): void => {
    let cur = id === null ? undefined : nodes[id];
    while (cur) {
      copyNode(cur);
      cur = cur.parent === null ? undefined : nodes[cur.parent];
    }
  };
  const copyEntry = (id: string | undefined): void => {
    const entry: PoolEntry | undefined = id === undefined ? undefined : next.pool.sources[id];
    if (entry && id !== undefined) next.pool.sources[id] = { ...entry, usedBy: [...entry.usedBy], comments: [...entry.comments] };
  };
  switch (e.type) {
    case 'node.proposed': {
      copyPathToRoot(e.data.parent);
      const tried = next.memory.tried[e.data.recipeHash];
      if (tried) next.memory.tried[e.data.recipeHash] = [...tried];
      for (const step of e.data.recipe.steps) if (step.op === 'add_source') copyEntry(step.source);
      break;
    }
    case 'node.materialized':
    case 'node.evaluated':
    case 'node.critiqued':
    case 'node.failed':
    case 'node.pruned':
      copyPathToRoot(e.data.nodeId);
      break;
    case 'source.discovered':
      copyEntry(e.data.source.id);
      break;
    case 'source.profiled':
    case 'source.rejected':
      copyEntry(e.data.sourceId);
      break;
    case 'finding.recorded':
      copyEntry(e.data.subject);
      break;
    default:
      break;
  }
  return next;
}

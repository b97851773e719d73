import type { AnyEvent, DmEvent } from '../events/types.ts';
import type { AddSourceStep, Recipe } from '../schema/types.ts';
import { cloneJson } from './clone.ts';
import { copyForEvent } from './copy-on-write.ts';
import { initialRunState } from './initial.ts';
import {
  advanceStatus,
  backUp,
  considerBest,
  FAILURE_REWARD,
  recomputeBest,
  syncOutcome,
} from './tree.ts';
import type { RunState, TreeNode } from './types.ts';

/**
 * The projection: RunState is a pure fold over a run's events (no clock, no randomness, no I/O), so replaying
 * a log gives exactly the state the live planner had. Event data is copied on the way in: a state never shares
 * objects with the events it was built from.
 */

/**
 * Applies one event and returns a new state; `state` is left untouched. The new state shares what the event
 * did not change with the old one (copy-on-write), so treat states as read-only values.
 */
export function applyEvent(state: RunState, event: AnyEvent): RunState {
  const next = copyForEvent(state, event);
  applyEventInPlace(next, event);
  return next;
}

/** Folds events, in order, over `from` (default the empty state); `from` is left untouched. */
export function foldEvents(events: Iterable<AnyEvent>, from?: RunState): RunState {
  const state = from ? cloneJson(from) : initialRunState();
  for (const e of events) applyEventInPlace(state, e);
  return state;
}

/**
 * Applies one event to a state the caller owns, mutating it (what foldEvents and replay use: O(1) per event
 * instead of a copy). Never call it on a state someone else holds.
 */
export function applyEventInPlace(state: RunState, e: AnyEvent): void {
  state.events += 1;
  const seq = e.seq ?? state.events;
  if (e.seq !== undefined && e.seq > state.lastSeq) state.lastSeq = e.seq;
  const ctx: Ctx = { state, e, seq };
  if (state.run !== null && e.run !== state.run) {
    anomaly(ctx, 'E_RUN_MISMATCH', `event belongs to run '${e.run}', not '${state.run}'; fold each run's log on its own`);
    return;
  }
  switch (e.type) {
    case 'run.started':
      return onRunStarted(ctx, e);
    case 'node.proposed':
      return onNodeProposed(ctx, e);
    case 'node.materialized':
      return onNodeMaterialized(ctx, e);
    case 'node.evaluated':
      return onNodeEvaluated(ctx, e);
    case 'node.critiqued':
      return onNodeCritiqued(ctx, e);
    case 'node.failed':
      return onNodeFailed(ctx, e);
    case 'node.pruned':
      return onNodePruned(ctx, e);
    case 'source.discovered':
      return onSourceDiscovered(ctx, e);
    case 'source.profiled':
      return onSourceProfiled(ctx, e);
    case 'source.rejected':
      return onSourceRejected(ctx, e);
    case 'finding.recorded':
      return onFindingRecorded(ctx, e);
    case 'run.finished':
      state.finished = { reason: e.data.reason, nodes: e.data.nodes, bestNodeId: e.data.bestNodeId ?? null, seq };
      return;
    case 'run.graded':
      return onRunGraded(ctx, e);
    default: {
      // Only reachable with data from outside the type system (a newer log, a hand-edited file).
      const unknown = e as { type?: unknown };
      anomaly(ctx, 'E_EVENT_UNKNOWN_TYPE', `event type '${String(unknown.type)}' is not known to this version; it was skipped`);
    }
  }
}

interface Ctx {
  state: RunState;
  e: AnyEvent;
  seq: number;
}

function anomaly(ctx: Ctx, code: string, message: string): void {
  ctx.state.anomalies.push({ seq: ctx.seq, eventId: ctx.e.id, type: ctx.e.type, code, message });
}

/** The node an event is about, or undefined after recording an E_NODE_UNKNOWN anomaly. */
function knownNode(ctx: Ctx, nodeId: string): TreeNode | undefined {
  const node = ctx.state.tree.nodes[nodeId];
  if (!node) anomaly(ctx, 'E_NODE_UNKNOWN', `${ctx.e.type} names node '${nodeId}', which no earlier node.proposed created; skipped`);
  return node;
}

function onRunStarted(ctx: Ctx, e: DmEvent<'run.started'>): void {
  const { state } = ctx;
  state.run = e.run;
  state.task = cloneJson(e.data.task);
  state.config = cloneJson(e.data.config);
  const direction = e.data.task.metric.direction;
  if (direction !== state.tree.direction) {
    state.tree.direction = direction;
    recomputeBest(state.tree);
  }
}

/** Source ids a recipe adds, once each, in step order. */
export function sourcesAddedBy(recipe: Recipe): string[] {
  const ids: string[] = [];
  for (const step of recipe.steps) {
    if (step.op === 'add_source') {
      const id = (step as AddSourceStep).source;
      if (!ids.includes(id)) ids.push(id);
    }
  }
  return ids;
}

function onNodeProposed(ctx: Ctx, e: DmEvent<'node.proposed'>): void {
  const { state, seq } = ctx;
  const { tree } = state;
  const d = e.data;
  if (tree.nodes[d.nodeId]) {
    anomaly(ctx, 'E_NODE_DUPLICATE', `node '${d.nodeId}' was already proposed at seq ${tree.nodes[d.nodeId]!.seq}; this proposal was skipped`);
    return;
  }
  let depth = 0;
  if (d.parent === null) {
    if (tree.rootId !== null) {
      anomaly(ctx, 'E_ROOT_DUPLICATE', `node '${d.nodeId}' has no parent but the tree already has root '${tree.rootId}'; skipped`);
      return;
    }
  } else {
    const parent = tree.nodes[d.parent];
    if (!parent) {
      anomaly(ctx, 'E_NODE_UNKNOWN_PARENT', `node '${d.nodeId}' names parent '${d.parent}', which is not in the tree; skipped`);
      return;
    }
    depth = parent.depth + 1;
    parent.children.push(d.nodeId);
  }
  const node: TreeNode = {
    id: d.nodeId,
    parent: d.parent,
    children: [],
    kind: d.kind,
    depth,
    recipe: cloneJson(d.recipe),
    recipeHash: d.recipeHash,
    status: 'proposed',
    visits: 0,
    totalReward: 0,
    seq,
  };
  if (d.rationale !== undefined) node.rationale = d.rationale;
  tree.nodes[node.id] = node;
  tree.order.push(node.id);
  if (d.parent === null) tree.rootId = node.id;
  if (tree.byRecipe[node.recipeHash] === undefined) tree.byRecipe[node.recipeHash] = node.id;
  (state.memory.tried[node.recipeHash] ??= []).push(node.id);
  for (const sourceId of sourcesAddedBy(node.recipe)) {
    const entry = state.pool.sources[sourceId];
    if (entry && !entry.usedBy.includes(node.id)) entry.usedBy.push(node.id);
  }
  syncOutcome(state, node);
}

function onNodeMaterialized(ctx: Ctx, e: DmEvent<'node.materialized'>): void {
  const node = knownNode(ctx, e.data.nodeId);
  if (!node) return;
  if (e.data.recipeHash !== node.recipeHash) {
    anomaly(ctx, 'E_RECIPE_MISMATCH', `node '${node.id}' was proposed with recipe ${node.recipeHash.slice(0, 12)}… but materialised ${e.data.recipeHash.slice(0, 12)}…; skipped`);
    return;
  }
  node.artifact = cloneJson(e.data.artifact);
  advanceStatus(node, 'materialized');
  syncOutcome(ctx.state, node);
}

function onNodeEvaluated(ctx: Ctx, e: DmEvent<'node.evaluated'>): void {
  const node = knownNode(ctx, e.data.nodeId);
  if (!node) return;
  node.score = e.data.score;
  if (e.data.metrics !== undefined) node.metrics = { ...e.data.metrics };
  advanceStatus(node, 'evaluated');
  considerBest(ctx.state.tree, node);
  syncOutcome(ctx.state, node);
}

function onNodeCritiqued(ctx: Ctx, e: DmEvent<'node.critiqued'>): void {
  const node = knownNode(ctx, e.data.nodeId);
  if (!node) return;
  if (node.reward !== undefined) {
    anomaly(ctx, 'E_NODE_OUTCOME_REPEATED', `node '${node.id}' already has its outcome (reward ${node.reward}); a node backs up once, so this critique was skipped`);
    return;
  }
  node.reward = e.data.reward;
  node.verdict = e.data.verdict;
  advanceStatus(node, 'critiqued');
  backUp(ctx.state.tree, node.id, e.data.reward);
  syncOutcome(ctx.state, node);
}

function onNodeFailed(ctx: Ctx, e: DmEvent<'node.failed'>): void {
  const node = knownNode(ctx, e.data.nodeId);
  if (!node) return;
  if (node.reward !== undefined) {
    anomaly(ctx, 'E_NODE_OUTCOME_REPEATED', `node '${node.id}' already has its outcome (reward ${node.reward}); a node backs up once, so this failure was skipped`);
    return;
  }
  node.error = { ...cloneJson(e.data.error), stage: e.data.stage };
  node.reward = FAILURE_REWARD;
  if (node.status === 'pruned') node.statusBeforePrune = 'failed';
  else node.status = 'failed';
  backUp(ctx.state.tree, node.id, FAILURE_REWARD);
  // A failed node can no longer be best, even if it was evaluated before failing.
  if (ctx.state.tree.bestId === node.id) recomputeBest(ctx.state.tree);
  syncOutcome(ctx.state, node);
}

function onNodePruned(ctx: Ctx, e: DmEvent<'node.pruned'>): void {
  const node = knownNode(ctx, e.data.nodeId);
  if (!node) return;
  if (node.status === 'pruned') {
    anomaly(ctx, 'E_NODE_ALREADY_PRUNED', `node '${node.id}' was already pruned (${node.pruned?.reason ?? 'no reason'}); skipped`);
    return;
  }
  node.statusBeforePrune = node.status;
  node.status = 'pruned';
  node.pruned = { reason: e.data.reason };
  syncOutcome(ctx.state, node);
}

function onSourceDiscovered(ctx: Ctx, e: DmEvent<'source.discovered'>): void {
  const { pool, tree } = ctx.state;
  const id = e.data.source.id;
  if (pool.sources[id]) {
    anomaly(ctx, 'E_SOURCE_DUPLICATE', `source '${id}' was already discovered at seq ${pool.sources[id]!.seq}; the first record is kept`);
    return;
  }
  // Normally nothing uses a source before it is discovered; a log that says otherwise still links them.
  const usedBy = tree.order.filter((nodeId) => sourcesAddedBy(tree.nodes[nodeId]!.recipe).includes(id));
  pool.sources[id] = { source: cloneJson(e.data.source), status: 'discovered', usedBy, comments: [], seq: ctx.seq };
  pool.order.push(id);
}

function onSourceProfiled(ctx: Ctx, e: DmEvent<'source.profiled'>): void {
  const entry = ctx.state.pool.sources[e.data.sourceId];
  if (!entry) {
    anomaly(ctx, 'E_SOURCE_UNKNOWN', `source.profiled names source '${e.data.sourceId}', which was never discovered; skipped`);
    return;
  }
  entry.profile = cloneJson(e.data.profile);
  // A rejection is final: a profile that arrives later is kept for the record only.
  if (entry.status !== 'rejected') entry.status = 'profiled';
}

function onSourceRejected(ctx: Ctx, e: DmEvent<'source.rejected'>): void {
  const entry = ctx.state.pool.sources[e.data.sourceId];
  if (!entry) {
    anomaly(ctx, 'E_SOURCE_UNKNOWN', `source.rejected names source '${e.data.sourceId}', which was never discovered; skipped`);
    return;
  }
  entry.status = 'rejected';
  entry.rejection = cloneJson(e.data.reason);
}

function onFindingRecorded(ctx: Ctx, e: DmEvent<'finding.recorded'>): void {
  const d = e.data;
  if (!knownNode(ctx, d.nodeId)) return;
  ctx.state.memory.findings.push({ ...cloneJson(d), seq: ctx.seq });
  const entry = d.subject === undefined ? undefined : ctx.state.pool.sources[d.subject];
  if (entry) {
    const comment: { nodeId: string; text: string; delta?: number } = { nodeId: d.nodeId, text: d.text };
    if (d.delta !== undefined) comment.delta = d.delta;
    entry.comments.push(comment);
  }
}

function onRunGraded(ctx: Ctx, e: DmEvent<'run.graded'>): void {
  const d = e.data;
  if (!knownNode(ctx, d.nodeId)) return;
  const grade: RunState['graded'][string] = { nodeId: d.nodeId, score: d.score };
  if (d.medal !== undefined) grade.medal = d.medal;
  if (d.metrics !== undefined) grade.metrics = { ...d.metrics };
  ctx.state.graded[d.role ?? 'best'] = grade;
}

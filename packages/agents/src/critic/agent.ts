import {
  makeEvent,
  validateEvent,
  type AnyEvent,
  type Bus,
  type CriticInput,
  type CriticVerdict,
  type DataTree,
  type DmEvent,
  type Logger,
  type TreeNode,
} from '@datamaster/core';
import { ActorHost } from '../host/actor-host.ts';
import { bindEvents } from '../host/bind.ts';
import type { GetState } from '../host/state-client.ts';
import type { WorkerInput } from '../host/worker-machine.ts';
import { criticMachine } from './machine.ts';

export interface CriticDeps {
  judge(input: CriticInput, signal: AbortSignal): Promise<CriticVerdict>;
  getState: GetState;
}

export interface CriticOptions {
  bus: Bus;
  run: string;
  deps: CriticDeps;
  logger: Logger;
  actor?: string;
  concurrency?: number;
  retry?: Partial<WorkerInput>;
}

/** The best scored, non-failed node other than `exclude` (ties go to the earlier node). */
export function bestExcept(tree: DataTree, exclude: string): TreeNode | null {
  let best: TreeNode | null = null;
  for (const id of tree.order) {
    const n = tree.nodes[id];
    if (!n || id === exclude || n.score === undefined || n.status === 'failed') continue;
    if (!best || (tree.direction === 'max' ? n.score > best.score! : n.score < best.score!)) best = n;
  }
  return best;
}

export async function startCritic(o: CriticOptions) {
  const actor = o.actor ?? 'critic';
  const host = new ActorHost<DmEvent<'node.evaluated'>, AnyEvent[]>({
    name: actor,
    bus: o.bus,
    machine: criticMachine,
    concurrency: o.concurrency ?? 1,
    retry: { maxAttempts: 2, timeoutMs: 60_000, ...o.retry },
    logger: o.logger,
    work: async ({ item, signal }) => {
      const state = await o.deps.getState([item.id]);
      const node = state.tree.nodes[item.data.nodeId];
      if (!node) throw Object.assign(new Error(`critic: node ${item.data.nodeId} is not in the tree`), { code: 'E_UNKNOWN_NODE' });
      const parent = node.parent ? (state.tree.nodes[node.parent] ?? null) : null;
      const verdict = await o.deps.judge(
        { node, parent, best: bestExcept(state.tree, node.id), tree: state.tree, pool: state.pool, memory: state.memory, direction: state.tree.direction },
        signal,
      );
      const data: Extract<AnyEvent, { type: 'node.critiqued' }>['data'] = {
        nodeId: node.id,
        reward: verdict.reward,
        verdict: verdict.verdict,
      };
      if (verdict.deltaParent !== undefined) data.deltaParent = verdict.deltaParent;
      if (verdict.deltaBest !== undefined) data.deltaBest = verdict.deltaBest;
      if (verdict.notes?.length) data.notes = verdict.notes;
      const events: AnyEvent[] = [
        ...verdict.findings.map((f, i) =>
          makeEvent(o.run, 'finding.recorded', { findingId: `${node.id}.f${i + 1}`, nodeId: node.id, ...f }, { actor, cause: item.id }),
        ),
        makeEvent(o.run, 'node.critiqued', data, { actor, cause: item.id }),
      ];
      // The plugin's answer is checked here, so a bad answer is retried and then reported, not silently dropped.
      for (const e of events) validateEvent(e, `critic plugin answer for ${node.id} (${e.type})`);
      return events;
    },
    onDone: (_e, events) => events,
    onFailed: (e, error, attempts): AnyEvent[] => [
      makeEvent(o.run, 'node.failed', { nodeId: e.data.nodeId, stage: 'critique', error, attempts }, { actor, cause: e.id }),
    ],
  });
  await bindEvents(host, { bus: o.bus, run: o.run, types: ['node.evaluated'], queue: 'critic', logger: o.logger });
  return host;
}

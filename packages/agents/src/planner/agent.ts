import { createActor, fromPromise } from 'xstate';
import {
  errorInfo,
  makeEvent,
  ROOT_RECIPE,
  recipeHash,
  type AnyEvent,
  type Bus,
  type Logger,
  type MaterializeJob,
  type PolicyInput,
  type PreparedTask,
  type Proposal,
  type RunState,
  type Subscription,
  type Task,
  type TrainJob,
} from '@datamaster/core';
import type { GetState } from '../host/state-client.ts';
import { candidates, childRecipe, EMPTY_MEMORY, inFlight, poolVersion, poolView, toPrune, type SearchKnobs } from './decide.ts';
import { plannerMachine, type FinishReason } from './machine.ts';

export interface PlannerDeps {
  getState: GetState;
  propose(input: PolicyInput, signal?: AbortSignal): Promise<Proposal[]>;
}

export interface PlannerOptions {
  bus: Bus;
  run: string;
  task: Task;
  prepared: PreparedTask;
  knobs: SearchKnobs;
  deps: PlannerDeps;
  logger: Logger;
  actor?: string;
  /** Search time already spent (resume). */
  elapsedMs?: number;
  gradeTimeoutMs?: number;
  /** Proposals asked of the policy per selected node (paper: 1 discovery + 5 refinements). */
  want?: number;
}

/**
 * The Planner keeps the search going: it reads the recorder's tree, selects by UCB, asks the policy for children,
 * proposes them, enqueues materialise and train jobs, stops at the budget and asks for final grading.
 */
export class Planner {
  private readonly actor;
  private readonly enqueued = new Set<string>();
  /** node id -> pool version at which the policy had nothing new for it. */
  private readonly exhausted = new Map<string, string>();
  private pendingIds: string[] = [];
  private sub: Subscription | null = null;
  readonly done: Promise<void>;
  private readonly name: string;

  constructor(private readonly o: PlannerOptions) {
    this.name = o.actor ?? 'planner';
    const machine = plannerMachine.provide({
      actors: {
        boot: fromPromise(() => this.logged('boot', () => this.boot())),
        decide: fromPromise(() => this.logged('decide', () => this.decide())),
        finish: fromPromise(({ input }: { input: { reason: FinishReason } }) => this.logged('finish', () => this.finish(input.reason))),
      },
    });
    const deadlineMs = o.knobs.budget.seconds * 1000 - (o.elapsedMs ?? 0);
    this.actor = createActor(machine, { input: { deadlineMs, gradeTimeoutMs: o.gradeTimeoutMs ?? 600_000 } });
    const ended = new Promise<void>((resolve) => {
      this.actor.subscribe({ complete: () => resolve(), error: () => resolve() });
    });
    // Done means recorded: wait until every event the planner has seen (the final grades included) is in the log.
    this.done = ended.then(() => this.state().then(() => undefined, () => undefined));
  }

  private async logged<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      this.o.logger.warn(`${this.name}: ${what} failed: ${errorInfo(err).message}`);
      throw err;
    }
  }

  async start(): Promise<void> {
    this.sub = await this.o.bus.subscribeEvents(this.o.run, '>', (msg) => {
      this.pendingIds.push(msg.data.id);
      this.actor.send({ type: 'EVENT', event: msg.data });
    });
    this.actor.start();
  }

  stop(): void {
    this.actor.send({ type: 'STOP' });
  }

  /** The machine's state value (for progress and tests). */
  get status(): unknown {
    return this.actor.getSnapshot().value;
  }

  async close(): Promise<void> {
    await this.sub?.unsubscribe();
    this.actor.stop();
  }

  private async publish(e: AnyEvent): Promise<void> {
    await this.o.bus.publishEvent(e);
    this.pendingIds.push(e.id);
  }

  private async state(): Promise<RunState> {
    const ids = [...this.pendingIds];
    const s = await this.o.deps.getState(ids);
    this.pendingIds = this.pendingIds.slice(ids.length);
    return s;
  }

  private async enqueue(role: 'materialize' | 'train', id: string, data: MaterializeJob | TrainJob): Promise<void> {
    if (this.enqueued.has(id)) return;
    await this.o.bus.enqueueJob(this.o.run, role, id, data);
    this.enqueued.add(id);
  }

  private async boot(): Promise<void> {
    const s = await this.state();
    if (s.run === null) {
      const { budget, search, seed } = this.o.knobs;
      const p = this.o.prepared;
      const prepared = { label: p.label, ...(p.keyColumns ? { keyColumns: p.keyColumns } : {}), ...(p.info ? { info: JSON.parse(JSON.stringify(p.info)) as Record<string, unknown> } : {}) };
      await this.publish(makeEvent(this.o.run, 'run.started', { task: this.o.task, config: { budget, search, seed }, prepared }, { actor: this.name }));
    }
  }

  private async decide(): Promise<{ finished: FinishReason | null }> {
    const { budget, search, seed } = this.o.knobs;
    const s = await this.state();
    const tree = s.tree;

    // Jobs due: idempotent by job id, so a resumed planner re-enqueues exactly what is unfinished.
    for (const id of tree.order) {
      const n = tree.nodes[id]!;
      if (n.status === 'proposed') await this.enqueue('materialize', `materialize:${id}`, { nodeId: id, recipe: n.recipe, recipeHash: n.recipeHash });
      if (n.status === 'materialized' && n.artifact) {
        await this.enqueue('train', `train:${id}`, { nodeId: id, mode: 'evaluate', artifact: { path: n.artifact.path, format: n.artifact.format }, fidelity: 1, seed });
      }
    }
    const pruning = toPrune(s, search);
    for (const { node, reason } of pruning) {
      await this.publish(makeEvent(this.o.run, 'node.pruned', { nodeId: node.id, reason }, { actor: this.name }));
    }

    // The baseline failed to build or train: no node can be compared with it, so the run fails at once.
    if (tree.rootId !== null && tree.nodes[tree.rootId]?.status === 'failed') return { finished: 'root_failed' };
    if (tree.rootId === null) {
      await this.proposeNode('n0', null, 'root', ROOT_RECIPE, recipeHash(ROOT_RECIPE), 'the task data unchanged: the baseline');
      return { finished: null };
    }

    let busy = inFlight(s).length;
    let count = tree.order.length;
    this.o.logger.debug(`${this.name}: decide at seq ${s.lastSeq}: ${count} nodes, ${busy} in flight`);
    if (count >= budget.nodes) return { finished: busy === 0 ? 'budget' : null };

    const memoryOn = search.memory !== false;
    const version = poolVersion(s.pool);
    const taken = new Set<string>(memoryOn ? Object.keys(tree.byRecipe) : []);
    let proposedNow = 0;
    const pruned = new Set(pruning.map((p) => p.node.id));
    const ranked = candidates(s, this.o.knobs, (n) => pruned.has(n.id) || this.exhausted.get(n.id) === version);
    for (const node of ranked) {
      if (busy >= budget.parallel || count >= budget.nodes) break;
      let proposals: Proposal[];
      try {
        proposals = await this.o.deps.propose({
          node,
          tree: memoryOn ? tree : { ...tree, byRecipe: {} },
          pool: poolView(s, node, search.poolReuse !== false),
          memory: memoryOn ? s.memory : EMPTY_MEMORY,
          task: this.o.task,
          prepared: this.o.prepared,
          want: this.o.want ?? 6,
        });
      } catch (err) {
        this.o.logger.warn(`${this.name}: policy failed for ${node.id}: ${errorInfo(err).message}`);
        proposals = [];
      }
      let any = false;
      for (const p of proposals) {
        if (busy >= budget.parallel || count >= budget.nodes) break;
        const { recipe, hash } = childRecipe(node, p);
        if (taken.has(hash)) continue;
        taken.add(hash);
        await this.proposeNode(`n${count}`, node.id, p.kind, recipe, hash, p.rationale);
        count++;
        busy++;
        proposedNow++;
        any = true;
      }
      if (!any) this.exhausted.set(node.id, version);
    }
    if (busy === 0 && proposedNow === 0) return { finished: 'exhausted' };
    return { finished: null };
  }

  private async proposeNode(nodeId: string, parent: string | null, kind: 'root' | 'expand' | 'refine', recipe: typeof ROOT_RECIPE, hash: string, rationale: string) {
    await this.publish(makeEvent(this.o.run, 'node.proposed', { nodeId, parent, kind, recipe, recipeHash: hash, rationale }, { actor: this.name }));
    await this.enqueue('materialize', `materialize:${nodeId}`, { nodeId, recipe, recipeHash: hash });
  }

  private async finish(reason: FinishReason): Promise<{ grades: number }> {
    const s = await this.state();
    const tree = s.tree;
    if (!s.finished) {
      await this.publish(makeEvent(this.o.run, 'run.finished', { reason, nodes: tree.order.length, bestNodeId: tree.bestId }, { actor: this.name }));
    }
    const jobs: [string, 'best' | 'baseline'][] = [];
    if (reason === 'root_failed') return { grades: 0 };
    if (tree.bestId) jobs.push([tree.bestId, 'best']);
    if (tree.rootId && tree.rootId !== tree.bestId) jobs.push([tree.rootId, 'baseline']);
    let grades = 0;
    for (const [id, role] of jobs) {
      const n = tree.nodes[id];
      if (!n?.artifact || s.graded[role]) continue;
      await this.enqueue('train', `grade:${role}:${id}`, { nodeId: id, mode: 'grade', role, artifact: { path: n.artifact.path, format: n.artifact.format }, seed: this.o.knobs.seed });
      grades++;
    }
    return { grades };
  }
}


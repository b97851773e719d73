import t from 'tap';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { validateEvent, type AnyEvent, type StoredEvent } from '../src/index.ts';
import type { AppendResult, EventLog, ReadRange } from '../src/log/types.ts';
import { MemoryEventLog } from '../src/log/memory.ts';
import { applyEvent, foldEvents, initialRunState, replay, replayEvents, type RunState } from '../src/state/index.ts';
import { buildExampleRun, runEventsArb } from '../src/testing/event-gen.ts';

/** The smallest EventLog that replay needs: an array, read by range. Keeps these tests independent of log/. */
class ArrayLog implements EventLog {
  constructor(readonly run: string, private readonly events: StoredEvent[]) {}
  async append(): Promise<AppendResult> {
    throw new Error('read-only');
  }
  async *read(range: ReadRange = {}): AsyncIterable<StoredEvent> {
    const from = range.from ?? 1;
    const to = range.to ?? Infinity;
    for (const e of this.events) if (e.seq >= from && e.seq <= to) yield structuredClone(e);
  }
  async *tail(): AsyncIterable<StoredEvent> {}
  async seqOf(id: string) {
    return this.events.find((e) => e.id === id)?.seq;
  }
  async lastSeq() {
    return this.events.length;
  }
  async close() {}
}

const RUNS = { numRuns: 80 };

t.test('replay of a log equals the fold of its events; until gives the state at that seq', async (t) => {
  const events = buildExampleRun();
  const log = new ArrayLog('seattle-demo', events);
  const full = await replay(log);
  t.same(full, foldEvents(events));
  t.equal(full.lastSeq, events.length);
  for (const until of [0, 1, 5, 23]) t.same(await replay(log, { until }), foldEvents(events.slice(0, until)), `until ${until}`);
  t.same(await replay(log, { until: 0 }), initialRunState());
  const err = await t.rejects(replay(log, { until: -1 }));
  t.equal((err as unknown as { code?: string }).code, 'E_REPLAY_UNTIL');
  t.same(await replayEvents(events, { until: 10 }), foldEvents(events.slice(0, 10)));
});

t.test('replay works on MemoryEventLog (the log helper\'s in-memory implementation)', async (t) => {
  const events = buildExampleRun();
  const log = new MemoryEventLog('seattle-demo');
  // Appending the stored events again stores them under the same seqs (1..n) in a fresh log.
  await log.append(events.map(({ seq: _seq, ...e }) => e as AnyEvent));
  t.equal(await log.lastSeq(), events.length);
  t.same(await replay(log), foldEvents(events));
  t.same(await replay(log, { until: 12 }), foldEvents(events.slice(0, 12)));
  await log.close();
});

t.test('generated runs: every event validates', async (t) => {
  let checked = 0;
  fc.assert(
    fc.property(runEventsArb(), (events) => {
      events.forEach((e, i) => {
        validateEvent(e, `generated event #${i}`);
        if (e.seq !== i + 1) throw new Error(`seq ${e.seq} at position ${i}`);
      });
      checked += events.length;
    }),
    RUNS,
  );
  t.ok(checked > RUNS.numRuns * 2, `${checked} events validated`);
});

t.test('replay is deterministic and folds compose: fold(prefix) then suffix == fold(all)', async (t) => {
  fc.assert(
    fc.asyncProperty(runEventsArb(), fc.nat(), async (events, cut) => {
      const k = cut % (events.length + 1);
      const all = foldEvents(events);
      if (!deepEqual(all, foldEvents(events))) return false;
      if (!deepEqual(all, await replayEvents(events))) return false;
      if (!deepEqual(all, foldEvents(events.slice(k), foldEvents(events.slice(0, k))))) return false;
      // One event at a time through the copy-on-write applyEvent gives the same state too; every earlier
      // state is frozen, so a write into something it shares with the next one throws.
      let s: RunState = deepFreeze(initialRunState());
      for (const e of events) s = deepFreeze(applyEvent(s, e));
      return deepEqual(all, s);
    }),
    RUNS,
  );
  t.pass('held for every generated run');
});

t.test('backup invariants: root visits = nodes with an outcome; rewards sum up the tree', async (t) => {
  fc.assert(
    fc.property(runEventsArb(), (events) => {
      const s = foldEvents(events);
      // Independent count from the events: each node's first critique or failure is its outcome.
      const outcome = new Map<string, number>();
      for (const e of events) {
        if (e.type === 'node.critiqued' && !outcome.has(e.data.nodeId)) outcome.set(e.data.nodeId, e.data.reward);
        if (e.type === 'node.failed' && !outcome.has(e.data.nodeId)) outcome.set(e.data.nodeId, -1);
      }
      const root = s.tree.nodes[s.tree.rootId!]!;
      const sum = [...outcome.values()].reduce((a, b) => a + b, 0);
      if (root.visits !== outcome.size) throw new Error(`root visits ${root.visits}, outcomes ${outcome.size}`);
      if (root.totalReward !== sum) throw new Error(`root totalReward ${root.totalReward}, rewards ${sum}`);
      for (const id of s.tree.order) {
        const n = s.tree.nodes[id]!;
        const kids = n.children.map((c) => s.tree.nodes[c]!);
        const own = outcome.get(id);
        const visits = (own === undefined ? 0 : 1) + kids.reduce((a, k) => a + k.visits, 0);
        const total = (own ?? 0) + kids.reduce((a, k) => a + k.totalReward, 0);
        if (n.visits !== visits || n.totalReward !== total) throw new Error(`node ${id}: ${n.visits}/${n.totalReward}, expected ${visits}/${total}`);
        if (n.reward !== own) throw new Error(`node ${id}: reward ${n.reward}, expected ${own}`);
      }
      // Valid runs only ever produce the benign "repeated outcome" anomaly (a redelivered failure).
      return s.anomalies.every((a) => a.code === 'E_NODE_OUTCOME_REPEATED');
    }),
    RUNS,
  );
  t.pass('held for every generated run');
});

t.test('best node: the best score among evaluated, never-failed nodes, ties to the earlier proposal', async (t) => {
  fc.assert(
    fc.property(runEventsArb(), (events) => {
      const s = foldEvents(events);
      const started = events[0]!;
      const dir = started.type === 'run.started' ? started.data.task.metric.direction : 'max';
      const score = new Map<string, number>();
      const failed = new Set<string>();
      const order: string[] = [];
      for (const e of events) {
        if (e.type === 'node.proposed') order.push(e.data.nodeId);
        if (e.type === 'node.evaluated') score.set(e.data.nodeId, e.data.score);
        if (e.type === 'node.failed') failed.add(e.data.nodeId);
      }
      let best: string | null = null;
      for (const id of order) {
        const v = score.get(id);
        if (v === undefined || failed.has(id)) continue;
        const b = best === null ? undefined : score.get(best)!;
        if (b === undefined || (dir === 'max' ? v > b : v < b)) best = id;
      }
      return s.tree.bestId === best;
    }),
    RUNS,
  );
  t.pass('held for every generated run');
});

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b) && isDeepStrictEqual(a, b);
}

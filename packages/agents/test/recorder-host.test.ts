import t from 'tap';
import { makeEvent, MemoryBus, MemoryEventLog, subjects, type AnyEvent, type RunState, type StoredEvent } from '@datamaster/core';
import { Recorder } from '../src/recorder/recorder.ts';
import { ActorHost } from '../src/host/actor-host.ts';
import { createWorkerMachine } from '../src/host/worker-machine.ts';
import { createLogger } from '../src/host/logger.ts';

const RUN = 'rec-run';
const logger = createLogger('test', 'silent');
const pruned = (n: string) => makeEvent(RUN, 'node.pruned', { nodeId: n, reason: 'test' }, { actor: 'test' });

t.test('the recorder stores each event once, refuses bad ones, and answers queries', async (t) => {
  const bus = new MemoryBus({ onError: () => undefined });
  const log = new MemoryEventLog(RUN);
  const lines: string[] = [];
  const rec = await Recorder.start({ bus, log, logger: createLogger('rec', 'error', (l) => lines.push(l)) });
  const e1 = pruned('n1');
  await bus.publishEvent(e1);
  await rec.record(e1); // a redelivery of the same id
  await rec.record({ ...pruned('n2'), run: 'other-run' } as AnyEvent);
  await rec.record({ ...pruned('n3'), data: { nodeId: 'n3' } } as unknown as AnyEvent);
  const e4 = pruned('n4');
  await bus.publishEvent(e4);

  const state = await bus.request<{ waitFor: string[] }, RunState>(subjects.query(RUN, 'state'), { waitFor: [e1.id, e4.id] });
  t.equal(state.events, 2, 'two events folded: the duplicate and the bad ones were not');
  t.equal(await log.lastSeq(), 2);
  t.ok(lines.some((l) => /of run 'other-run'/.test(l)), 'an event of another run is refused with a reason');
  t.ok(lines.some((l) => /\/data.*reason/.test(l)), 'an invalid event is refused naming the JSON path');

  const since = await bus.request<{ from: number }, StoredEvent[]>(subjects.query(RUN, 'events'), { from: 2 });
  t.same(since.map((e) => e.id), [e4.id], 'events since seq 2');
  const tree = await bus.request<object, RunState['tree']>(subjects.query(RUN, 'tree'), {});
  t.same(tree, state.tree);

  const err = await bus
    .request(subjects.query(RUN, 'state'), { waitFor: ['01ARZ3NDEKTSV4RRFFQ69G5FAV'], timeoutMs: 50 })
    .then(() => null, (e: { code?: string; message: string }) => e);
  t.equal(err?.code, 'E_TIMEOUT', 'waiting for an event that never comes times out with a code');
  t.match(err?.message, /01ARZ3NDEKTSV4RRFFQ69G5FAV/);

  await rec.stop();
  await bus.close();
});

t.test('the actor host bounds concurrency, publishes outcomes and drains', async (t) => {
  const bus = new MemoryBus();
  const got: AnyEvent[] = [];
  await bus.subscribeEvents(RUN, '>', (m) => void got.push(m.data));
  let running = 0;
  let peak = 0;
  const host = new ActorHost<{ n: number }, number>({
    name: 'worker',
    bus,
    machine: createWorkerMachine<{ n: number }, number>('worker'),
    concurrency: 2,
    retry: { maxAttempts: 2, backoffMs: 1, timeoutMs: 5_000 },
    logger,
    work: async ({ item }) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      if (item.n === 3) throw Object.assign(new Error('three is bad'), { code: 'E_THREE' });
      return item.n * 10;
    },
    onDone: (item, result) => [makeEvent(RUN, 'node.pruned', { nodeId: `n${item.n}`, reason: `done ${result}` }, { actor: 'worker' })],
    onFailed: (item, error, attempts) => [makeEvent(RUN, 'node.failed', { nodeId: `n${item.n}`, stage: 'evaluate', error, attempts }, { actor: 'worker' })],
  });
  const outcomes = await Promise.all([1, 2, 3, 4, 5].map((n) => host.handle({ n })));
  t.equal(peak, 2, 'never more than 2 at once');
  t.same(outcomes.map((o) => o.status), ['done', 'done', 'failed', 'done', 'done']);
  await host.drain();
  await bus.drain();
  const failed = got.find((e) => e.type === 'node.failed');
  t.same(failed?.data, { nodeId: 'n3', stage: 'evaluate', error: { code: 'E_THREE', message: 'three is bad' }, attempts: 2 }, 'a failure is reported as an event after its retries');
  t.equal(got.filter((e) => e.type === 'node.pruned').length, 4);
  await t.rejects(host.handle({ n: 9 }), { code: 'E_DRAINING' }, 'a drained host takes no new work');
  await bus.close();
});

t.test('an event that fails its schema never reaches an agent machine', async (t) => {
  const { bindEvents } = await import('../src/host/bind.ts');
  // A bus that hands the test its subscription handler: what a foreign client could put on the stream.
  let deliver: ((m: { subject: string; data: unknown }) => void) | undefined;
  const bus = {
    subscribeEvents: async (_run: string, _type: string, h: (m: { subject: string; data: unknown }) => void) => {
      deliver = h;
      return { subject: 'x', unsubscribe: async () => undefined };
    },
  } as unknown as MemoryBus;
  const lines: string[] = [];
  const seen: AnyEvent[] = [];
  const sink = { name: 'critic', handle: async () => ({ status: 'done' }), spawn: (e: AnyEvent) => void seen.push(e), track: () => undefined };
  await bindEvents(sink, { bus, run: RUN, types: ['node.pruned'], logger: createLogger('bind', 'error', (l) => lines.push(l)) });
  const subject = subjects.event(RUN, 'node.pruned');
  deliver!({ subject, data: { ...pruned('n1'), data: { nodeId: 'n1' } } });
  deliver!({ subject, data: { ...pruned('n3'), run: 'other-run' } });
  deliver!({ subject, data: pruned('n2') });
  t.same(seen.map((e) => (e.data as { nodeId: string }).nodeId), ['n2'], 'only the valid event of this run is delivered');
  t.ok(lines.some((l) => l.includes(subject) && l.includes('/data') && l.includes("'reason'")), 'logged with subject, path and reason');
  t.ok(lines.some((l) => l.includes("run 'other-run'")), 'an event of another run is refused');
});

t.test('a role that joins late still gets the events published before it (durable queue group)', async (t) => {
  const { startScout } = await import('../src/scout/agent.ts');
  const bus = new MemoryBus();
  const found: AnyEvent[] = [];
  await bus.subscribeEvents(RUN, 'source.discovered', (m) => void found.push(m.data));
  const task = { id: 'late', description: 'late joiner', benchmark: { plugin: 'x' }, metric: { name: 'acc', direction: 'max' as const } };
  await bus.publishEvent(makeEvent(RUN, 'run.started', { task, config: { budget: {}, search: {}, seed: 0 } }, { actor: 'planner' }));
  const scout = await startScout({
    bus,
    run: RUN,
    logger,
    searchers: [{ name: 'fake', search: async () => ({ sources: [{ id: 'fake:a', plugin: 'fake', uri: 'file:///a.csv', format: 'csv' }], dropped: [] }) }],
  });
  for (let i = 0; i < 100 && !found.length; i++) await new Promise((r) => setTimeout(r, 10));
  t.same(found.map((e) => (e.data as { source: { id: string } }).source.id), ['fake:a'], 'the scout answered a run.started published before it started');
  await scout.drain();
  await bus.close();
});

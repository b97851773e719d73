import type { Test } from 'tap';
import { DataMasterError } from '../errors.ts';
import { makeEvent } from '../events/make.ts';
import type { AnyEvent } from '../events/types.ts';
import type { AbortableBus, Bus, Job } from '../bus/types.ts';

/** tap's Test (a type-only import: the suite runs under tap, core has no runtime dependency on it). */
export type BusSuiteTest = Test;

/** Makes a new client of one shared medium each call (a MemoryBus on one broker, a NatsBus on one server). */
export type BusFactory = () => Bus | Promise<Bus>;

export interface BusSuiteOptions {
  /** Ack deadline for job and durable-event consumers in the suite (small, so redelivery is quick). */
  ackWaitMs?: number;
}

/** Waits until `ready()` holds; fails (does not hang) after a generous guard. Not a timing assertion. */
export async function eventually(ready: () => boolean, what: string, guardMs = 15_000): Promise<void> {
  const deadline = Date.now() + guardMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(5);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

let runCounter = 0;
/** A fresh run id per test, so tests sharing a server never see each other's events or jobs. */
export function freshRun(prefix = 'suite'): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${++runCounter}`;
}

/** A valid event (node.pruned) for transport tests. */
export function testEvent(run: string, n: number, opts: { id?: string } = {}): AnyEvent {
  return makeEvent(run, 'node.pruned', { nodeId: `n${n}`, reason: `test ${n}` }, { actor: 'bus-suite', ...opts });
}

function abortable(bus: Bus): bus is AbortableBus {
  return typeof (bus as Partial<AbortableBus>).abort === 'function';
}

/**
 * The conformance suite every Bus implementation passes (after abstract-level's shared suite):
 * ordering per subject, wildcards, queue groups, request/reply errors, durable jobs with redelivery,
 * dedupe by id, durable event consumers and drain. Usage: `busSuite(t, 'MemoryBus', () => new MemoryBus({ broker }))`.
 */
export function busSuite(t: BusSuiteTest, name: string, factory: BusFactory, opts: BusSuiteOptions = {}): void {
  const ackWaitMs = opts.ackWaitMs ?? 300;

  /** Opens buses for one test and closes (or has aborted) them all at its end. */
  async function open(tt: BusSuiteTest, n: number): Promise<Bus[]> {
    const buses: Bus[] = [];
    for (let i = 0; i < n; i++) buses.push(await factory());
    tt.teardown(() => Promise.all(buses.map((b) => b.close().catch(() => undefined))));
    return buses;
  }

  t.test(`${name}: plain publish keeps order per subject`, async (tt) => {
    const [a, b] = await open(tt, 2);
    const run = freshRun();
    const got: number[] = [];
    const subjectsSeen = new Set<string>();
    await a!.subscribe<{ n: number }>(`t.${run}.order`, (m) => {
      got.push(m.data.n);
      subjectsSeen.add(m.subject);
    });
    const want = Array.from({ length: 200 }, (_, i) => i);
    for (const n of want) await b!.publish(`t.${run}.order`, { n });
    await eventually(() => got.length >= want.length, '200 messages');
    tt.same(got, want, 'delivered in publish order');
    tt.same([...subjectsSeen], [`t.${run}.order`], 'message carries its subject');
  });

  t.test(`${name}: wildcards '*' and '>'`, async (tt) => {
    const [a, b] = await open(tt, 2);
    const run = freshRun();
    const star: string[] = [];
    const tail: string[] = [];
    const exact: string[] = [];
    await a!.subscribe(`w.${run}.*.end`, (m) => void star.push(m.subject));
    await a!.subscribe(`w.${run}.>`, (m) => void tail.push(m.subject));
    await a!.subscribe(`w.${run}.x.end`, (m) => void exact.push(m.subject));
    const sent = [`w.${run}.x.end`, `w.${run}.x.y.end`, `w.${run}`, `w.${run}.y.end`, `w.${run}.end`, 'w.other.x.end'];
    for (const s of sent) await b!.publish(s, {});
    await b!.publish(`w.${run}.done`, {});
    await eventually(() => tail.includes(`w.${run}.done`), 'the marker');
    tt.same(star, [`w.${run}.x.end`, `w.${run}.y.end`], "'*' matches exactly one token");
    tt.same(tail, [`w.${run}.x.end`, `w.${run}.x.y.end`, `w.${run}.y.end`, `w.${run}.end`, `w.${run}.done`], "'>' matches one or more tokens, not zero");
    tt.same(exact, [`w.${run}.x.end`], 'a literal pattern matches only itself');
  });

  t.test(`${name}: events in order, type wildcards, fromStart replay`, async (tt) => {
    const [a, b] = await open(tt, 2);
    const run = freshRun();
    const nodes: string[] = [];
    const all: string[] = [];
    const runOnly: string[] = [];
    await a!.subscribeEvents(run, 'node.*', (m) => void nodes.push(m.data.id));
    await a!.subscribeEvents(run, '>', (m) => void all.push(m.data.id));
    await a!.subscribeEvents(run, 'run.*', (m) => void runOnly.push(m.data.type));
    const sent: AnyEvent[] = Array.from({ length: 30 }, (_, i) => testEvent(run, i));
    for (const e of sent) await b!.publishEvent(e);
    const fin = makeEvent(run, 'run.finished', { reason: 'budget', nodes: 30 }, { actor: 'bus-suite' });
    await b!.publishEvent(fin);
    await b!.publishEvent(testEvent(freshRun(), 0)); // another run: never seen here
    await eventually(() => all.length >= 31, '31 events');
    tt.same(nodes, sent.map((e) => e.id), "'node.*' gets the node events in publish order");
    tt.same(all, [...sent.map((e) => e.id), fin.id], "'>' gets every event of the run, in order");
    tt.same(runOnly, ['run.finished'], "'run.*' gets only run events");
    const replay: string[] = [];
    await b!.subscribeEvents(run, '>', (m) => void replay.push(m.data.id), { fromStart: true });
    await eventually(() => replay.length >= 31, 'replay of 31 events');
    tt.same(replay, all, 'fromStart replays the stream from the beginning');
  });

  t.test(`${name}: publishEvent refuses an invalid event before sending`, async (tt) => {
    const [a, b] = await open(tt, 2);
    const run = freshRun();
    const seen: string[] = [];
    await a!.subscribeEvents(run, '>', (m) => void seen.push(m.data.id));
    const bad = { ...testEvent(run, 1), data: { nodeId: 'n1' } } as unknown as AnyEvent;
    await tt.rejects(b!.publishEvent(bad), { code: 'E_SCHEMA' }, 'SchemaError');
    const err = await b!.publishEvent(bad).catch((e: unknown) => e);
    tt.match((err as Error).message, /node\.pruned/, 'names the type');
    tt.match((err as Error).message, new RegExp(`dm\\.${run}\\.evt\\.node\\.pruned`), 'names the subject');
    tt.match((err as Error).message, /reason/, 'names what is missing');
    const good = testEvent(run, 2);
    await b!.publishEvent(good);
    await eventually(() => seen.length >= 1, 'the valid event');
    tt.same(seen, [good.id], 'only the valid event went out');
  });

  t.test(`${name}: a repeated event id is dropped`, async (tt) => {
    const [a, b] = await open(tt, 2);
    const run = freshRun();
    const seen: string[] = [];
    await a!.subscribeEvents(run, '>', (m) => void seen.push(m.data.id));
    const e = testEvent(run, 1);
    tt.same(await b!.publishEvent(e), { duplicate: false }, 'first publish stored');
    tt.same(await b!.publishEvent(e), { duplicate: true }, 'second publish is a duplicate');
    tt.same(await a!.publishEvent(e), { duplicate: true }, 'a duplicate from another client too');
    const marker = testEvent(run, 2);
    await b!.publishEvent(marker);
    await eventually(() => seen.includes(marker.id), 'the marker');
    tt.same(seen, [e.id, marker.id], 'the subscriber saw the event once');
  });

  t.test(`${name}: queue groups share the load, each message to one member`, async (tt) => {
    const [a, b, c] = await open(tt, 3);
    const run = freshRun();
    const byA: number[] = [];
    const byB: number[] = [];
    const everyone: number[] = [];
    await a!.subscribe<number>(`q.${run}.work`, (m) => void byA.push(m.data), { queue: 'workers' });
    await b!.subscribe<number>(`q.${run}.work`, (m) => void byB.push(m.data), { queue: 'workers' });
    await c!.subscribe<number>(`q.${run}.work`, (m) => void everyone.push(m.data));
    for (let i = 0; i < 60; i++) await c!.publish(`q.${run}.work`, i);
    await eventually(() => byA.length + byB.length >= 60 && everyone.length >= 60, '60 messages');
    tt.same([...byA, ...byB].sort((x, y) => x - y), everyone, 'every message went to exactly one member');
    tt.ok(byA.length > 0 && byB.length > 0, `both members worked (${byA.length} / ${byB.length})`);
  });

  t.test(`${name}: request/reply, remote errors, no responders, timeout`, async (tt) => {
    const [a, b] = await open(tt, 2);
    const run = freshRun();
    const stuck = gate();
    tt.teardown(stuck.open);
    await a!.respond<{ n: number }, { n: number }>(`dm.${run}.q.inc`, ({ n }) => ({ n: n + 1 }));
    await a!.respond(`dm.${run}.q.fail`, () => {
      throw new DataMasterError('E_NOPE', 'nope: the tree has no node n9');
    });
    await a!.respond(`dm.${run}.q.stuck`, () => stuck.wait);
    tt.same(await b!.request(`dm.${run}.q.inc`, { n: 41 }), { n: 42 }, 'reply');
    const remote = await b!.request(`dm.${run}.q.fail`, {}).catch((e: unknown) => e);
    tt.ok(remote instanceof DataMasterError, 'a remote error is a DataMasterError');
    tt.match(remote, { code: 'E_NOPE', message: 'nope: the tree has no node n9' }, 'with the remote code and message');
    const none = await b!.request(`dm.${run}.q.nobody`, {}, { timeoutMs: 2000 }).catch((e: unknown) => e);
    tt.match(none, { code: 'E_NO_RESPONDERS' }, 'no responders');
    tt.match((none as Error).message, `dm.${run}.q.nobody`, 'names the subject');
    const slow = await b!.request(`dm.${run}.q.stuck`, {}, { timeoutMs: 200 }).catch((e: unknown) => e);
    tt.match(slow, { code: 'E_TIMEOUT' }, 'timeout');
    tt.match((slow as Error).message, `dm.${run}.q.stuck`, 'names the subject');
    stuck.open();
  });

  t.test(`${name}: jobs go to one worker each; a repeated job id is dropped`, async (tt) => {
    const [a, b, c] = await open(tt, 3);
    const run = freshRun();
    const done: string[] = [];
    const workers = new Set<string>();
    const work = (who: string) => async (job: Job<{ n: number }>) => {
      await sleep(1);
      done.push(job.id);
      workers.add(who);
      await job.ack();
    };
    await a!.consumeJobs(run, 'train', work('a'), { ackWaitMs, concurrency: 2 });
    await b!.consumeJobs(run, 'train', work('b'), { ackWaitMs, concurrency: 2 });
    const ids = Array.from({ length: 20 }, (_, i) => `job-${i}`);
    for (const [i, id] of ids.entries()) tt.same(await c!.enqueueJob(run, 'train', id, { n: i }), { duplicate: false });
    tt.same(await c!.enqueueJob(run, 'train', 'job-3', { n: 3 }), { duplicate: true }, 'same id again is a duplicate');
    await eventually(() => done.length >= 20, '20 jobs');
    tt.same([...done].sort(), [...ids].sort(), 'each job done exactly once');
  });

  t.test(`${name}: nak with delay redelivers, attempt counts up, term gives up`, async (tt) => {
    const [a, b] = await open(tt, 2);
    const run = freshRun();
    const attempts: Array<[string, number]> = [];
    await a!.consumeJobs<{ mode: string }>(
      run,
      'curate',
      async (job) => {
        attempts.push([job.id, job.attempt]);
        if (job.data.mode === 'retry' && job.attempt === 1) return job.nak(50);
        if (job.data.mode === 'term') return job.term('cannot ever work');
        if (job.data.mode === 'throw' && job.attempt === 1) throw new Error('transient');
        await job.ack();
      },
      { ackWaitMs, retryDelayMs: 20 },
    );
    await b!.enqueueJob(run, 'curate', 'r', { mode: 'retry' });
    await b!.enqueueJob(run, 'curate', 't', { mode: 'term' });
    await b!.enqueueJob(run, 'curate', 'x', { mode: 'throw' });
    await eventually(() => attempts.filter(([id]) => id !== 't').length >= 4, 'retries');
    await b!.enqueueJob(run, 'curate', 'last', { mode: 'ok' });
    await eventually(() => attempts.some(([id]) => id === 'last'), 'the last job');
    const of = (id: string) => attempts.filter(([j]) => j === id).map(([, n]) => n);
    tt.same(of('r'), [1, 2], 'nak(delay): redelivered once, attempt 2');
    tt.same(of('x'), [1, 2], 'a handler that throws gets its job again');
    tt.same(of('t'), [1], 'term: never redelivered');
  });

  t.test(`${name}: a job is redelivered when its consumer dies without acking`, async (tt) => {
    const [a, b, c] = await open(tt, 3);
    if (!abortable(a!)) {
      tt.pass('skipped: the bus has no abort(), so a dying consumer cannot be simulated');
      return;
    }
    const run = freshRun();
    const never = gate();
    tt.teardown(never.open);
    const startedOnA: number[] = [];
    const doneOnB: Array<{ id: string; attempt: number; data: unknown }> = [];
    await a.consumeJobs(run, 'materialize', async (job) => {
      startedOnA.push(job.attempt);
      await never.wait; // dies before acking
      await job.ack();
    }, { ackWaitMs });
    await c!.enqueueJob(run, 'materialize', 'm1', { recipe: 'r1' });
    await eventually(() => startedOnA.length === 1, 'the first delivery');
    await a.abort();
    await b!.consumeJobs(run, 'materialize', async (job) => {
      doneOnB.push({ id: job.id, attempt: job.attempt, data: job.data });
      await job.ack();
    }, { ackWaitMs });
    await eventually(() => doneOnB.length >= 1, 'redelivery to the other consumer');
    never.open(); // the dead consumer's late ack must change nothing
    await c!.enqueueJob(run, 'materialize', 'm2', { recipe: 'r2' });
    await eventually(() => doneOnB.some((d) => d.id === 'm2'), 'the next job');
    await sleep(ackWaitMs * 2);
    tt.same(startedOnA, [1], 'the dead consumer got it first');
    tt.same(doneOnB.filter((d) => d.id === 'm1').map((d) => d.data), [{ recipe: 'r1' }], 'done once, by the other consumer');
    tt.ok(doneOnB[0]!.attempt >= 2, `redelivery counts as attempt ${doneOnB[0]!.attempt}`);
  });

  t.test(`${name}: durable event subscription resumes where it stopped`, async (tt) => {
    const [a, b, c] = await open(tt, 3);
    const run = freshRun();
    const first: string[] = [];
    const second: string[] = [];
    const sub = await a!.subscribeEvents(run, '>', (m) => void first.push(m.data.id), { durable: 'recorder', ackWaitMs });
    const early = Array.from({ length: 5 }, (_, i) => testEvent(run, i));
    for (const e of early) await c!.publishEvent(e);
    await eventually(() => first.length >= 5, 'first five');
    await sub.unsubscribe();
    const late = Array.from({ length: 5 }, (_, i) => testEvent(run, 10 + i));
    for (const e of late) await c!.publishEvent(e);
    await b!.subscribeEvents(run, '>', (m) => void second.push(m.data.id), { durable: 'recorder', ackWaitMs });
    await eventually(() => second.length >= 5, 'the five published while away');
    tt.same(first, early.map((e) => e.id), 'first subscriber: in order');
    tt.same(second, late.map((e) => e.id), 'the durable resumes after the last acked event, in order');
  });

  t.test(`${name}: drain lets handlers in flight finish and loses nothing`, async (tt) => {
    const [a, b, c] = await open(tt, 3);
    const run = freshRun();
    // plain subscription: everything the server routed before drain is handled
    const handled: number[] = [];
    await a!.subscribe<number>(`d.${run}.slow`, async (m) => {
      await sleep(5);
      handled.push(m.data);
    });
    for (let i = 0; i < 10; i++) await b!.publish(`d.${run}.slow`, i);
    await b!.drain(); // flushes b's publishes
    await eventually(() => handled.length >= 1, 'the first slow message');
    await a!.drain();
    tt.same(handled, [...Array(10).keys()], 'every routed message handled before drain resolved');

    // a job in flight at drain time is finished and acked, not redelivered
    const release = gate();
    const started: string[] = [];
    const finished: string[] = [];
    await c!.consumeJobs(run, 'train', async (job) => {
      started.push(job.id);
      await release.wait;
      finished.push(job.id);
    }, { ackWaitMs });
    await b!.enqueueJob(run, 'train', 'long', {});
    await eventually(() => started.length === 1, 'the long job to start');
    const drained = c!.drain();
    await sleep(20);
    release.open();
    await drained;
    tt.same(finished, ['long'], 'drain waited for the job in flight');
    const again: string[] = [];
    await b!.consumeJobs(run, 'train', async (job) => void again.push(job.id), { ackWaitMs });
    await b!.enqueueJob(run, 'train', 'after', {});
    await eventually(() => again.includes('after'), 'the next job');
    await sleep(ackWaitMs * 2);
    tt.same(again, ['after'], 'the drained job was acked: never redelivered');
  });
}

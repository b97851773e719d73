import type { Test } from 'tap';
import { DataMasterError, SchemaError } from '../errors.ts';
import { makeEvent } from '../events/make.ts';
import type { AnyEvent, StoredEvent } from '../events/types.ts';
import type { EventLog, IndexedEventLog } from '../log/types.ts';

/**
 * The conformance suite every EventLog implementation runs (as abstract-level's shared suite does for
 * its backends). `factory(run)` opens a fresh, empty log for `run`; `reopen(log)` (persistent logs only)
 * opens the same storage again after the suite closed `log`.
 */
export interface EventLogSuiteOptions {
  reopen?: (log: EventLog) => Promise<EventLog>;
}

export type EventLogFactory = (run: string) => Promise<EventLog>;

/** The tap test object the suite registers its subtests on. */
export type EventLogSuiteTest = Test;

/** A small valid event; `n` makes its node id and reason distinct. */
export function prunedEvent(run: string, n: number, actor = 'planner'): AnyEvent {
  return makeEvent(run, 'node.pruned', { nodeId: `n${n}`, reason: `weak branch ${n}` }, { actor });
}

async function collect(it: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

const seqs = (events: StoredEvent[]) => events.map((e) => e.seq);
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const tick = () => new Promise<void>((r) => setImmediate(r));

function isIndexed(log: EventLog): log is IndexedEventLog {
  return typeof (log as Partial<IndexedEventLog>).seqsBy === 'function';
}

export function eventLogSuite(t: EventLogSuiteTest, name: string, factory: EventLogFactory, opts: EventLogSuiteOptions = {}): void {
  let runs = 0;
  /** Each subtest gets its own run id (and so its own fresh log), closed when the subtest ends. */
  const fresh = async (tt: Test): Promise<EventLog> => {
    const log = await factory(`suite-${++runs}`);
    tt.teardown(() => log.close());
    return log;
  };

  t.test(`${name}: an empty log has lastSeq 0 and reads nothing`, async (t) => {
    const log = await fresh(t);
    t.equal(await log.lastSeq(), 0);
    t.same(await collect(log.read()), []);
    t.equal(await log.seqOf(prunedEvent(log.run, 1).id), undefined);
  });

  t.test(`${name}: seqs run 1..N in append order, across single and batched appends`, async (t) => {
    const log = await fresh(t);
    const input = range(1, 8).map((n) => prunedEvent(log.run, n));
    for (const e of input.slice(0, 3)) t.equal((await log.append(e)).written, 1);
    const res = await log.append(input.slice(3));
    t.equal(res.written, 5);
    t.same(seqs(res.events), [4, 5, 6, 7, 8]);
    const all = await collect(log.read());
    t.same(seqs(all), range(1, 8));
    t.same(all.map((e) => e.id), input.map((e) => e.id));
    t.same(all[3], { ...input[3], seq: 4 }, 'stored event is the input plus its seq');
    t.equal(await log.lastSeq(), 8);
    t.equal(await log.seqOf(input[6]!.id), 7);
  });

  t.test(`${name}: an empty batch writes nothing`, async (t) => {
    const log = await fresh(t);
    t.same(await log.append([]), { events: [], written: 0 });
    t.equal(await log.lastSeq(), 0);
  });

  t.test(`${name}: appending a stored id again returns the first copy and writes nothing`, async (t) => {
    const log = await fresh(t);
    const a = prunedEvent(log.run, 1);
    const b = prunedEvent(log.run, 2);
    await log.append([a, b]);
    const again = await log.append({ ...a, data: { nodeId: 'n1', reason: 'a different reason' } } as AnyEvent);
    t.equal(again.written, 0);
    t.equal(again.events[0]!.seq, 1);
    t.equal(again.events[0]!.type === 'node.pruned' && again.events[0]!.data.reason, 'weak branch 1', 'first copy wins');
    const c = prunedEvent(log.run, 3);
    const mixed = await log.append([b, c]);
    t.equal(mixed.written, 1);
    t.same(seqs(mixed.events), [2, 3]);
    t.equal(await log.lastSeq(), 3);
    t.same(seqs(await collect(log.read())), [1, 2, 3]);
  });

  t.test(`${name}: an id older than the newest stored one is still new, and still deduped`, async (t) => {
    const log = await fresh(t);
    const older = prunedEvent(log.run, 1); // ULIDs are time-ordered: this id sorts before the next ones
    const newer = [prunedEvent(log.run, 2), prunedEvent(log.run, 3)];
    await log.append(newer);
    const res = await log.append(older);
    t.equal(res.written, 1, 'an older id that is not stored is written');
    t.equal(res.events[0]!.seq, 3);
    t.equal((await log.append(older)).written, 0, 'and deduped the next time');
    t.equal((await log.append(newer[0]!)).written, 0);
    t.equal(await log.lastSeq(), 3);
  });

  t.test(`${name}: duplicates within one batch are stored once`, async (t) => {
    const log = await fresh(t);
    const a = prunedEvent(log.run, 1);
    const b = prunedEvent(log.run, 2);
    const res = await log.append([a, a, b, a]);
    t.equal(res.written, 2);
    t.same(seqs(res.events), [1, 1, 2, 1]);
    t.equal(await log.lastSeq(), 2);
  });

  t.test(`${name}: a seq that comes with the event is replaced by the log's`, async (t) => {
    const log = await fresh(t);
    await log.append(prunedEvent(log.run, 1));
    const foreign = { ...prunedEvent(log.run, 2), seq: 99 } as AnyEvent;
    const res = await log.append(foreign);
    t.equal(res.events[0]!.seq, 2);
    t.same(seqs(await collect(log.read())), [1, 2]);
  });

  t.test(`${name}: concurrent appends are serialised without gaps`, async (t) => {
    const log = await fresh(t);
    const pending = range(1, 30).map((n) => log.append(n % 3 ? prunedEvent(log.run, n) : [prunedEvent(log.run, n), prunedEvent(log.run, 100 + n)]));
    const results = await Promise.all(pending);
    const given = results.flatMap((r) => seqs(r.events)).sort((x, y) => x - y);
    t.same(given, range(1, 40));
    t.same(seqs(await collect(log.read())), range(1, 40));
  });

  t.test(`${name}: range reads honour from, to and limit`, async (t) => {
    const log = await fresh(t);
    await log.append(range(1, 25).map((n) => prunedEvent(log.run, n)));
    t.same(seqs(await collect(log.read({ from: 5, to: 9 }))), [5, 6, 7, 8, 9]);
    t.same(seqs(await collect(log.read({ from: 20 }))), range(20, 25));
    t.same(seqs(await collect(log.read({ to: 3 }))), [1, 2, 3]);
    t.same(seqs(await collect(log.read({ from: 10, limit: 4 }))), [10, 11, 12, 13]);
    t.same(seqs(await collect(log.read({ from: 24, to: 100 }))), [24, 25]);
    t.same(await collect(log.read({ from: 26 })), []);
    t.same(await collect(log.read({ from: 9, to: 8 })), []);
    t.same(await collect(log.read({ limit: 0 })), []);
    t.same(seqs(await collect(log.read({ from: 3, to: 5, verify: true }))), [3, 4, 5], 'verify reads the same events');
    await t.rejects(collect(log.read({ from: -1 })), { code: 'E_LOG_RANGE' });
  });

  t.test(`${name}: a caller mutating an event it got back does not change the log`, async (t) => {
    const log = await fresh(t);
    const res = await log.append(prunedEvent(log.run, 1));
    const [first] = await collect(log.read());
    for (const e of [res.events[0]!, first!]) if (e.type === 'node.pruned') e.data.reason = 'mutated';
    const [again] = await collect(log.read());
    t.equal(again!.type === 'node.pruned' && again!.data.reason, 'weak branch 1');
  });

  t.test(`${name}: one invalid event refuses the whole batch and writes nothing`, async (t) => {
    const log = await fresh(t);
    await log.append(prunedEvent(log.run, 1));
    const good = prunedEvent(log.run, 2);
    const bad = { ...prunedEvent(log.run, 3), data: { nodeId: 'n3' } } as unknown as AnyEvent;
    const err = (await log.append([good, bad]).then(
      () => undefined,
      (e: unknown) => e,
    )) as SchemaError;
    t.ok(err instanceof SchemaError, 'a SchemaError');
    t.equal(err.code, 'E_SCHEMA');
    t.match(err.message, /node\.pruned/, 'names the event type');
    t.match(err.message, /reason/, 'names the missing property');
    t.equal(await log.lastSeq(), 1);
    t.equal(await log.seqOf(good.id), undefined, 'the valid event of the batch was not written either');
    const envelope = { ...prunedEvent(log.run, 4), v: 2 } as unknown as AnyEvent;
    await t.rejects(log.append(envelope), { code: 'E_SCHEMA' });
    t.same(seqs(await collect(log.read())), [1]);
  });

  t.test(`${name}: an event of another run is refused`, async (t) => {
    const log = await fresh(t);
    await t.rejects(log.append([prunedEvent(log.run, 1), prunedEvent('someone-else', 2)]), { code: 'E_LOG_RUN' });
    t.equal(await log.lastSeq(), 0);
  });

  t.test(`${name}: tail yields stored events, then live appends, and stops on abort`, async (t) => {
    const log = await fresh(t);
    await log.append([prunedEvent(log.run, 1), prunedEvent(log.run, 2), prunedEvent(log.run, 3)]);
    const ac = new AbortController();
    const got: number[] = [];
    let sawFour!: () => void;
    const four = new Promise<void>((r) => (sawFour = r));
    const reader = (async () => {
      for await (const e of log.tail(2, ac.signal)) {
        got.push(e.seq);
        if (e.seq === 4) sawFour();
      }
    })();
    await tick();
    await log.append(prunedEvent(log.run, 4));
    await four;
    await log.append([prunedEvent(log.run, 5), prunedEvent(log.run, 6)]);
    while (got.length < 5) await tick();
    t.same(got, [2, 3, 4, 5, 6]);
    ac.abort();
    await reader;
    await log.append(prunedEvent(log.run, 7));
    await tick();
    t.same(got, [2, 3, 4, 5, 6], 'nothing after abort');
  });

  t.test(`${name}: a tail waiting for events ends on abort and on close`, async (t) => {
    const log = await fresh(t);
    const ac = new AbortController();
    const waiting = (async () => (await collect(log.tail(1, ac.signal))).length)();
    await tick();
    ac.abort();
    t.equal(await waiting, 0, 'ended on abort');
    const untilClose = collect(log.tail(1));
    await tick();
    await log.close();
    t.same(await untilClose, [], 'ended on close');
  });

  t.test(`${name}: close waits for pending appends; append after close is refused`, async (t) => {
    const log = await factory(`suite-${++runs}`);
    const done: number[] = [];
    const pending = range(1, 10).map((n) => log.append(prunedEvent(log.run, n)).then((r) => done.push(r.events[0]!.seq)));
    await log.close();
    t.equal(done.length, 10, 'every append settled before close resolved');
    await Promise.all(pending);
    await log.close(); // a second close is harmless
    await t.rejects(log.append(prunedEvent(log.run, 11)), { code: 'E_LOG_CLOSED' });
    await t.rejects(collect(log.read()), { code: 'E_LOG_CLOSED' });
    if (opts.reopen) {
      const again = await opts.reopen(log);
      t.teardown(() => again.close());
      t.equal(await again.lastSeq(), 10, 'reopened log has every append');
      t.same(seqs(await collect(again.read())), range(1, 10));
      await again.append(prunedEvent(log.run, 11));
      t.equal(await again.lastSeq(), 11, 'seq continues after reopen');
      const [first] = await collect(again.read({ limit: 1 }));
      const { seq: _seq, ...asSent } = first!;
      t.equal((await again.append(asSent as AnyEvent)).written, 0, 'ids stored before the reopen still dedupe');
    }
  });

  t.test(`${name}: indexes find a node's, a source's and a subject's events`, async (t) => {
    const log = await fresh(t);
    if (!isIndexed(log)) {
      t.pass('not an IndexedEventLog');
      return;
    }
    const run = log.run;
    const source = { id: 'local:iris', plugin: 'source-local', uri: 'file:///data/iris.csv', format: 'csv' as const };
    await log.append([
      prunedEvent(run, 1),
      makeEvent(run, 'source.discovered', { source }, { actor: 'scout' }),
      makeEvent(run, 'source.rejected', { sourceId: 'local:iris', reason: { code: 'E_LICENSE', message: 'no license' } }, { actor: 'curator' }),
      makeEvent(run, 'finding.recorded', { findingId: 'f1', nodeId: 'n1', kind: 'source_effect', subject: 'local:iris', text: 'helped' }, { actor: 'critic' }),
      prunedEvent(run, 2),
    ]);
    t.same(await log.seqsBy('node', 'n1'), [1, 4]);
    t.same(await log.seqsBy('node', 'n2'), [5]);
    t.same(await log.seqsBy('node', 'n'), [], 'exact key, not a prefix');
    t.same(await log.seqsBy('source', 'local:iris'), [2, 3]);
    t.same(await log.seqsBy('finding', 'local:iris'), [4]);
    t.same((await collect(log.readBy('source', 'local:iris'))).map((e) => e.type), ['source.discovered', 'source.rejected']);
  });

  t.test(`${name}: errors are DataMasterErrors with stable codes`, async (t) => {
    const log = await fresh(t);
    const err = await log.append(prunedEvent('other-run', 1)).catch((e: unknown) => e);
    t.ok(err instanceof DataMasterError);
    t.match((err as Error).message, /other-run/);
  });
}

/**
 * Event log throughput next to the raw LevelDB it wraps (npm run bench:log [-- --n 100000 --batch 1000]).
 * append: LevelEventLog.append of small valid node.pruned events in batches (validation, dedupe, seq
 *   assignment, id and node index entries, one db.batch each) vs raw classic-level batched puts of the
 *   same evt! keys and JSON values. A third, informative column puts the same three rows per event that
 *   the log stores (evt!, id!, node index) raw, to separate the layout's cost from the wrapper's.
 * replay: LevelEventLog.read() of every event (parse, envelope shape, seq and run checks) vs a raw iteration;
 *   read({ verify: true }), which re-runs the schema check, is timed too (informative).
 * A fourth column puts 1 row per event with a chained batch, the form LevelEventLog uses.
 * The machine may be shared: log and raw work alternate batch by batch so that both see the same load.
 * Event construction is outside the timed sections. The last line printed is one JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { makeEvent, validateEvent } from '../packages/core/src/events/make.ts';
import type { AnyEvent, StoredEvent } from '../packages/core/src/events/types.ts';
import { LevelEventLog } from '../packages/core/src/log/index.ts';
import { idKey, indexEntryKey, seqKey } from '../packages/core/src/log/keys.ts';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : undefined;
  const n = raw === undefined ? fallback : Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number >= 1, got ${String(raw)}`);
  return n;
}

const N = flag('n', 1_000_000);
const BATCH = flag('batch', 1000);
const RUN = 'bench';
const AT = new Date().toISOString();
type Db = ClassicLevel<string, string>;
type Put = { type: 'put'; key: string; value: string };

function batchOf(start: number, size: number): AnyEvent[] {
  return Array.from({ length: size }, (_, i) =>
    makeEvent(RUN, 'node.pruned', { nodeId: `n${start + i}`, reason: 'reward below the branch mean' }, { actor: 'planner', at: AT }),
  );
}

/** Runs `fn` and adds its wall time in seconds to `acc[key]`. */
async function timed<K extends string>(acc: Record<K, number>, key: K, fn: () => Promise<unknown>): Promise<void> {
  const t0 = process.hrtime.bigint();
  await fn();
  acc[key] += Number(process.hrtime.bigint() - t0) / 1e9;
}

async function openRaw(dir: string): Promise<Db> {
  const db = new ClassicLevel<string, string>(dir, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
  await db.open();
  return db;
}

/** The chained form of a batch: one call into LevelDB per put (what LevelEventLog uses). */
async function chainedWrite(db: Db, puts: Put[]): Promise<void> {
  const batch = db.batch();
  for (const p of puts) batch.put(p.key, p.value);
  await batch.write();
}

const root = mkdtempSync(join(tmpdir(), 'dm-bench-log-'));
try {
  const log = await LevelEventLog.open(join(root, 'run'), { run: RUN });
  const raw = await openRaw(join(root, 'raw'));
  const rawRows = await openRaw(join(root, 'raw-rows'));
  const indexPrefix = rawRows.sublevel('node').prefix;
  const rawChained = await openRaw(join(root, 'raw-chained'));
  const w = { log: 0, raw: 0, chained: 0, rows: 0 };
  let valueBytes = 0;

  for (let done = 0, b = 0; done < N; done += BATCH, b++) {
    const events = batchOf(done + 1, Math.min(BATCH, N - done));
    const puts: Put[] = [];
    const rows: Put[] = [];
    events.forEach((e, i) => {
      const seq = done + i + 1;
      const value = JSON.stringify({ ...e, seq });
      valueBytes += value.length;
      puts.push({ type: 'put', key: seqKey(seq), value });
      rows.push(
        { type: 'put', key: seqKey(seq), value },
        { type: 'put', key: idKey(e.id), value: String(seq) },
        { type: 'put', key: indexPrefix + indexEntryKey(`n${seq}`, seq), value: '' },
      );
    });
    const steps = [
      () => timed(w, 'log', () => log.append(events)),
      () => timed(w, 'raw', () => raw.batch(puts)),
      () => timed(w, 'chained', () => chainedWrite(rawChained, puts)),
      () => timed(w, 'rows', () => chainedWrite(rawRows, rows)),
    ];
    if (b % 2) steps.reverse();
    for (const step of steps) await step();
  }
  await rawRows.close();
  await rawChained.close();

  const r = { log: 0, raw: 0 };
  const replay = log.read()[Symbol.asyncIterator]();
  const rawIt = raw.iterator();
  let replayed = 0;
  let iterated = 0;
  let touched = 0;
  for (let b = 0; replayed < N || iterated < N; b++) {
    const readLog = () =>
      timed(r, 'log', async () => {
        for (let i = 0; i < BATCH; i++) {
          const next: IteratorResult<StoredEvent> = await replay.next();
          if (next.done) break;
          replayed++;
          touched += next.value.seq;
        }
      });
    const readRaw = () =>
      timed(r, 'raw', async () => {
        let want = BATCH;
        while (want > 0) {
          const entries = await rawIt.nextv(want);
          if (!entries.length) break;
          iterated += entries.length;
          want -= entries.length;
        }
      });
    if (b % 2) {
      await readRaw();
      await readLog();
    } else {
      await readLog();
      await readRaw();
    }
    if (b > N / BATCH + 2) break;
  }
  await rawIt.close();
  if (replayed !== N || iterated !== N) throw new Error(`read ${replayed} events and ${iterated} raw entries, wrote ${N}`);
  if (touched !== (N * (N + 1)) / 2) throw new Error('replay returned unexpected seqs');
  // Informative, not interleaved: the audit read that re-checks every event against its schema.
  const audit = { verify: 0 };
  let audited = 0;
  await timed(audit, 'verify', async () => {
    for await (const _ of log.read({ verify: true })) audited++;
  });
  if (audited !== N) throw new Error(`verify read ${audited} events, wrote ${N}`);
  await log.close();
  await raw.close();

  // Validation alone, on a sample, to show its share.
  const sample = batchOf(1, Math.min(N, 100_000));
  const v = { validate: 0 };
  await timed(v, 'validate', async () => {
    for (const e of sample) validateEvent(e);
  });

  const per = (s: number) => Math.round(N / s);
  const result = {
    append_per_s: per(w.log),
    raw_put_per_s: per(w.raw),
    append_ratio: Number((w.raw / w.log).toFixed(3)),
    replay_per_s: per(r.log),
    raw_iter_per_s: per(r.raw),
    replay_ratio: Number((r.raw / r.log).toFixed(3)),
  };
  const ratio = (base: number, ours: number) => (base / ours).toFixed(3);
  const line = (what: string, seconds: number, vs: string) => console.log(`${what.padEnd(52)}${String(per(seconds)).padStart(10)} /s${vs}`);
  console.log(`event log benchmark: ${N} events, batches of ${BATCH}, values ~${Math.round(valueBytes / N)} bytes, node ${process.version}`);
  line('write  LevelEventLog.append', w.log, '');
  line('       raw db.batch([puts]), 1 row per event (baseline)', w.raw, `   log/raw ${ratio(w.raw, w.log)}`);
  line('       raw chained batch, 1 row per event', w.chained, `   log/raw ${ratio(w.chained, w.log)}`);
  line("       raw chained batch, the log's 3 rows per event", w.rows, `   log/raw ${ratio(w.rows, w.log)}`);
  line('read   LevelEventLog.read', r.log, '');
  line('       raw iterator nextv (baseline)', r.raw, `   log/raw ${ratio(r.raw, r.log)}`);
  line('       LevelEventLog.read({ verify: true }) (schema audit)', audit.verify, '   (not interleaved)');
  console.log(`validateEvent alone: ${((v.validate / sample.length) * 1e6).toFixed(2)} µs/event`);
  console.log(JSON.stringify(result));
} finally {
  rmSync(root, { recursive: true, force: true });
}

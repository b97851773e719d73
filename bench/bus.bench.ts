// npm run bench:bus — MemoryBus delivery throughput; NatsBus beside the raw @nats-io client on the same
// private nats-server: JetStream event publish throughput (acked) and request/reply round trip.
// The last line is one JSON object: {"memory_msgs_per_s", "nats_pub_ratio", "nats_rtt_p50_ratio"}
// (ratios are ours/raw for throughput, raw/ours for latency: 1.0 means no overhead).
import { jetstream } from '@nats-io/jetstream';
import { MemoryBus } from '../packages/core/src/bus/memory-bus.ts';
import { NatsBus } from '../packages/core/src/bus/nats-bus.ts';
import { makeEvent } from '../packages/core/src/events/make.ts';
import type { AnyEvent } from '../packages/core/src/events/types.ts';
import { startNatsServer } from '../packages/core/src/testing/nats-server.ts';

const MEM_N = Number(process.env.BENCH_MEM_N ?? 200_000);
const PUB_N = Number(process.env.BENCH_PUB_N ?? 3_000); // per round
const RTT_N = Number(process.env.BENCH_RTT_N ?? 2_000);
const WINDOW = 32; // publishes in flight at once, for both clients

const now = () => performance.now();
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;

function events(run: string, n: number): AnyEvent[] {
  return Array.from({ length: n }, (_, i) => makeEvent(run, 'node.pruned', { nodeId: `n${i}`, reason: 'bench' }, { actor: 'bench' }));
}

/** Runs `op(i)` for i < n with at most `window` in flight; returns elapsed ms. */
async function windowed(n: number, window: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const t0 = now();
  let next = 0;
  await Promise.all(
    Array.from({ length: window }, async () => {
      while (next < n) await op(next++);
    }),
  );
  return now() - t0;
}

async function memoryThroughput(): Promise<number> {
  const bus = new MemoryBus();
  let got = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  await bus.subscribe<{ n: number }>('bench.mem', () => {
    if (++got === MEM_N) done();
  });
  const t0 = now();
  for (let i = 0; i < MEM_N; i++) await bus.publish('bench.mem', { n: i });
  await all;
  const ms = now() - t0;
  await bus.close();
  return rate(MEM_N, ms);
}

async function main(): Promise<void> {
  const server = await startNatsServer();
  try {
    const memory = await memoryThroughput();
    console.log(`MemoryBus publish->deliver: ${memory} msg/s (${MEM_N} messages)`);

    const bus = await NatsBus.connect({ servers: server.url, name: 'bench-ours' });
    const raw = await NatsBus.connect({ servers: server.url, name: 'bench-raw' }); // only its nc is used
    const js = jetstream(raw.nc);
    const enc = new TextEncoder();

    // warm up both paths (stream files, consumers of the JIT)
    for (const e of events('bench-warm-ours', 500)) await bus.publishEvent(e);
    for (const e of events('bench-warm-raw', 500)) await js.publish(`dm.${e.run}.evt.${e.type}`, enc.encode(JSON.stringify(e)), { msgID: e.id });

    // alternate rounds so both clients see the same disk and machine load
    const ROUNDS = 3;
    let rawMs = 0;
    let oursMs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const oursEvents = events(`bench-ours-${round}`, PUB_N);
      const rawEvents = events(`bench-raw-${round}`, PUB_N);
      rawMs += await windowed(PUB_N, WINDOW, (i) => {
        const e = rawEvents[i]!;
        return js.publish(`dm.${e.run}.evt.${e.type}`, enc.encode(JSON.stringify(e)), { msgID: e.id });
      });
      oursMs += await windowed(PUB_N, WINDOW, (i) => bus.publishEvent(oursEvents[i]!));
    }
    const rawPub = rate(PUB_N * ROUNDS, rawMs);
    const oursPub = rate(PUB_N * ROUNDS, oursMs);
    console.log(`JetStream event publish (acked, ${WINDOW} in flight): NatsBus ${oursPub} msg/s | raw js.publish ${rawPub} msg/s | ratio ${(oursPub / rawPub).toFixed(2)}`);

    await bus.respond<{ n: number }, { n: number }>('dm.bench.q.echo', (q) => ({ n: q.n }));
    raw.nc.subscribe('bench.raw.echo', { callback: (_e, m) => void m.respond(m.data) });
    await raw.nc.flush();
    const rawRtt: number[] = [];
    const oursRtt: number[] = [];
    for (let i = 0; i < 300; i++) {
      await raw.nc.request('bench.raw.echo', enc.encode(JSON.stringify({ n: i })));
      await bus.request('dm.bench.q.echo', { n: i });
    }
    // alternate, so both see the same machine load
    for (let i = 0; i < RTT_N; i++) {
      let t0 = now();
      const r = await raw.nc.request('bench.raw.echo', enc.encode(JSON.stringify({ n: i })));
      JSON.parse(new TextDecoder().decode(r.data));
      rawRtt.push(now() - t0);
      t0 = now();
      await bus.request('dm.bench.q.echo', { n: i });
      oursRtt.push(now() - t0);
    }
    const [r50, r99, o50, o99] = [pct(rawRtt, 50), pct(rawRtt, 99), pct(oursRtt, 50), pct(oursRtt, 99)];
    console.log(`request/reply round trip (${RTT_N}): NatsBus p50 ${us(o50)} p99 ${us(o99)} | raw nc.request p50 ${us(r50)} p99 ${us(r99)} | p50 ratio ${(r50 / o50).toFixed(2)}`);

    await Promise.all([bus.close(), raw.close()]);
    console.log(
      JSON.stringify({
        memory_msgs_per_s: memory,
        nats_pub_ratio: Number((oursPub / rawPub).toFixed(3)),
        nats_rtt_p50_ratio: Number((r50 / o50).toFixed(3)),
      }),
    );
  } finally {
    await server.stop();
  }
}

await main();

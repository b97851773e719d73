import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NatsBus } from '../src/bus/nats-bus.ts';
import { eventually, freshRun, testEvent } from '../src/testing/bus-suite.ts';
import { startNatsServer } from '../src/testing/nats-server.ts';

const server = await startNatsServer();
t.teardown(() => server.stop());

t.test('server restart while a publisher and a consumer are busy: nothing is lost', async (t) => {
  const run = freshRun('fault');
  const pub = await NatsBus.connect({ servers: server.url, name: 'publisher', onError: () => undefined });
  const sub = await NatsBus.connect({ servers: server.url, name: 'recorder', onError: () => undefined });
  t.teardown(() => Promise.all([pub.close(), sub.close()]).then(() => undefined));
  const deliveries: string[] = [];
  const recorded = new Map<string, number>(); // a recorder: append once per event id
  const live = new Set<string>();
  await sub.subscribeEvents(run, '>', async (m) => {
    deliveries.push(m.data.id);
    if (!recorded.has(m.data.id)) recorded.set(m.data.id, recorded.size + 1);
  }, { durable: 'recorder', ackWaitMs: 1_000 });
  await sub.subscribeEvents(run, '>', (m) => void live.add(m.data.id));

  const total = 300;
  const published: string[] = [];
  let restarted = false;
  const publishing = (async () => {
    for (let i = 0; i < total; i++) {
      const e = testEvent(run, i);
      await pub.publishEvent(e);
      published.push(e.id);
    }
  })();
  await eventually(() => recorded.size >= 50, 'the consumer to be busy');
  await server.restart();
  restarted = true;
  await publishing;
  await eventually(() => recorded.size >= total, `all ${total} events recorded`, 60_000);
  await eventually(() => live.size >= total, `all ${total} events seen by the ordered subscriber`, 60_000);
  t.ok(restarted, 'the server was restarted mid-stream');
  t.equal(published.length, total, 'every publish was acknowledged');
  t.same([...recorded.keys()].sort(), [...published].sort(), 'every published id reached the durable consumer');
  t.ok(deliveries.length >= total, `at least once (${deliveries.length} deliveries for ${total} events)`);
  t.equal(recorded.size, total, 'the recorder holds each event exactly once');
  t.same([...live].sort(), [...published].sort(), 'the ordered (non-durable) subscriber also saw every event');
});

t.test('a job worker killed before acking: the job is redelivered and done once', async (t) => {
  const run = freshRun('fault');
  const ackWaitMs = 500;
  const bus = await NatsBus.connect({ servers: server.url, name: 'survivor', onError: () => undefined });
  t.teardown(() => bus.close());
  const fixture = fileURLToPath(new URL('./fixtures/bus-job-worker.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, server.url, run, 'train', String(ackWaitMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => void child.kill('SIGKILL'));
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  await eventually(() => out.includes('ready'), 'the worker process', 30_000);

  await bus.enqueueJob(run, 'train', 'train-n1', { node: 'n1' });
  await eventually(() => out.includes('started train-n1 1'), 'the worker to take the job');
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_c, s) => r(s)));
  child.kill('SIGKILL');
  t.equal(await exited, 'SIGKILL', 'the worker died mid-job');

  const done: Array<{ id: string; attempt: number }> = [];
  await bus.consumeJobs(run, 'train', async (job) => {
    done.push({ id: job.id, attempt: job.attempt });
    await job.ack();
  }, { ackWaitMs });
  await eventually(() => done.length >= 1, 'the redelivery');
  await bus.enqueueJob(run, 'train', 'train-n2', { node: 'n2' });
  await eventually(() => done.some((d) => d.id === 'train-n2'), 'the next job');
  await new Promise((r) => setTimeout(r, ackWaitMs * 2));
  t.same(done.filter((d) => d.id === 'train-n1').length, 1, 'done exactly once');
  t.ok(done[0]!.attempt >= 2, `by the survivor, as attempt ${done[0]!.attempt}`);
});

import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { LevelEventLog } from '../src/log/index.ts';
import type { StoredEvent } from '../src/events/types.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const fixture = (name: string) => join(here, 'fixtures', name);
const root = mkdtempSync(join(tmpdir(), 'dm-log-proc-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));

t.test('a writer killed mid-way leaves whole batches, valid events and seqs 1..N', async (t) => {
  const dir = join(root, 'crash');
  const k = 25;
  const child = spawn(process.execPath, ['--import', 'tsx', fixture('log-writer.ts'), dir, 'crash-run', String(k)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let acknowledged = -1;
  let buffered = '';
  const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
  await new Promise<void>((resolveKill) => {
    child.on('exit', () => resolveKill()); // a writer that dies on its own fails the signal check below
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^batch (\d+)$/.exec(line);
        if (m) acknowledged = Number(m[1]);
      }
      // Kill while it keeps writing: no await between batches in the child, so this lands mid-stream.
      if (acknowledged >= 40 && child.pid !== undefined && !child.killed) {
        process.kill(child.pid, 'SIGKILL');
        resolveKill();
      }
    });
  });
  t.equal(await exited, 'SIGKILL', 'the writer was killed, not finished');

  const log = await LevelEventLog.open(dir, { create: false });
  t.teardown(() => log.close());
  const events: StoredEvent[] = [];
  for await (const e of log.read()) events.push(e); // read() verifies every record and refuses gaps
  const n = await log.lastSeq();
  t.equal(events.length, n);
  t.ok(events.every((e, i) => e.seq === i + 1), 'seq runs 1..N without a gap');
  t.equal(n % k, 0, `N (${n}) is a whole number of batches of ${k}`);
  const perBatch = new Map<number, number>();
  for (const e of events) {
    const m = e.type === 'node.pruned' ? new RegExp(`^batch (\\d+) of ${k}$`).exec(e.data.reason) : null;
    if (m) perBatch.set(Number(m[1]), (perBatch.get(Number(m[1])) ?? 0) + 1);
  }
  const batches = [...perBatch.keys()].sort((a, b) => a - b);
  t.same(batches, Array.from({ length: n / k }, (_, i) => i), 'batches 0..B-1, in order');
  t.ok([...perBatch.values()].every((c) => c === k), 'every stored batch is whole');
  t.ok(batches.length - 1 >= acknowledged, `every acknowledged batch survived (acked ${acknowledged}, stored ${batches.length})`);
  const after = await log.append(events.slice(0, 3).map(({ seq: _s, ...e }) => e as StoredEvent));
  t.equal(after.written, 0, 'ids written before the crash still dedupe');
});

t.test('opening a run directory that another process holds fails with E_LOG_LOCKED naming it', async (t) => {
  const dir = join(root, 'held');
  const log = await LevelEventLog.open(dir, { run: 'held-run' });
  t.teardown(() => log.close());
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture('log-open.ts'), dir], { cwd: repoRoot });
  const outcome = JSON.parse(stdout.trim()) as { code?: string; message?: string };
  t.equal(outcome.code, 'E_LOG_LOCKED');
  t.match(outcome.message, dir, 'names the run directory');
  t.match(outcome.message, /another DataMaster process/);
  t.match(outcome.message, /bus|copy/, 'says how to proceed');
});

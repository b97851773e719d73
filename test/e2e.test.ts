import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LevelEventLog, replay, replaySummary, type StoredEvent } from '@datamaster/core';
import { runEmbedded } from '../packages/agents/src/run/embedded.ts';
import { createLogger } from '../packages/agents/src/host/logger.ts';
import { replayCommand } from '../packages/agents/src/cli/replay-command.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const taskFile = join(root, 'plugins/bench-local/tasks/seattle-weather.task.json');
const cli = join(root, 'packages/agents/bin/datamaster.js');

async function readAll(runDir: string): Promise<StoredEvent[]> {
  const log = await LevelEventLog.open(runDir, { create: false });
  const out: StoredEvent[] = [];
  for await (const e of log.read()) out.push(e);
  await log.close();
  return out;
}

t.test('an embedded run improves seattle-weather; replay equals the live tree', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dm-e2e-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const runDir = join(dir, 'run');
  const { summary, state } = await runEmbedded({ taskFile, runDir, budget: 10, logger: createLogger('e2e', 'error') });

  t.equal(summary.nodes, 10, 'the node budget is used');
  t.ok(summary.best.test! > summary.baseline.test!, `best test ${summary.best.test} beats baseline test ${summary.baseline.test}`);
  t.ok(summary.best.val! >= summary.baseline.val!, 'selection picked on validation');
  t.ok(
    summary.rejectedSources.some((r) => r.id === 'local:seattle-weather/seattle-weather-archive' && r.code === 'E_LEAK'),
    'the leaking source is rejected',
  );
  const hashes = state.tree.order.map((id) => state.tree.nodes[id]!.recipeHash);
  t.equal(new Set(hashes).size, hashes.length, 'no recipe hash trained twice');

  const events = await readAll(runDir);
  const evaluated = events.filter((e) => e.type === 'node.evaluated').map((e) => e.data.nodeId);
  t.equal(new Set(evaluated).size, evaluated.length, 'each node evaluated once');
  t.notOk(events.some((e) => e.type === 'node.evaluated' && (e.data as { split: string }).split !== 'val'), 'search only sees validation');
  const graded = events.filter((e) => e.type === 'run.graded');
  t.ok(graded.length >= 1 && graded.length <= 2, 'only the pick (and the baseline) are graded on test');
  t.ok(events.findIndex((e) => e.type === 'run.graded') > events.findIndex((e) => e.type === 'run.finished'), 'grading happens after the search');

  const log = await LevelEventLog.open(runDir, { create: false });
  const rebuilt = await replay(log);
  await log.close();
  t.same(rebuilt, state, 'replaying the log rebuilds the live state exactly');

  const lines: string[] = [];
  await replayCommand(runDir, { json: true }, (l) => lines.push(l));
  const json = JSON.parse(lines[0]!) as ReturnType<typeof replaySummary>;
  t.same(json, replaySummary(state), 'datamaster replay --json prints the same tree');
  t.equal(json.best?.id, summary.best.id);
});

t.test('a run killed with SIGKILL resumes with the same budget and trains no node twice', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dm-resume-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const runDir = join(dir, 'run');
  const budget = 8;

  // First process: killed once a few nodes are evaluated.
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'run', taskFile, '--run-dir', runDir, '--budget', String(budget), '--parallel', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = 0;
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      seen += (chunk.match(/ val /g) ?? []).length;
      if (!killed && seen >= 3) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child ended before the kill: ${code} ${signal}`))));
  });
  const before = await readAll(runDir);
  t.notOk(before.some((e) => e.type === 'run.finished'), 'the first process did not finish');

  // Second process: resume.
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'run', '--resume', runDir, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (text += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`resume failed (${code}): ${err}`))));
  });
  const summary = JSON.parse(out.trim().split('\n').pop()!) as { nodes: number; best: { id: string } };
  t.equal(summary.nodes, budget, 'the resumed run ends at the original budget');

  const events = await readAll(runDir);
  t.equal(events.filter((e) => e.type === 'run.started').length, 1, 'one run.started');
  const evaluated = events.filter((e) => e.type === 'node.evaluated').map((e) => e.data.nodeId);
  t.equal(new Set(evaluated).size, evaluated.length, 'no node trained twice');
  const proposed = events.filter((e) => e.type === 'node.proposed').map((e) => e.data.recipeHash);
  t.equal(new Set(proposed).size, proposed.length, 'no recipe hash proposed twice');
  for (let i = 0; i < events.length; i++) t.equal(events[i]!.seq, i + 1, `seq ${i + 1} without gap`, { diagnostic: false });

  const log = await LevelEventLog.open(runDir, { create: false });
  const state = await replay(log);
  await log.close();
  t.equal(state.tree.bestId, summary.best.id, 'replay agrees on the best node');
  t.ok(state.finished, 'the resumed run finished');
});

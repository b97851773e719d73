import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'packages/agents/bin/datamaster.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });

t.test('a task file that fails its schema stops the run before it starts, naming file, path and reason', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dm-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'bad.task.json');
  writeFileSync(file, JSON.stringify({ id: 'bad', description: 'x', benchmark: { plugin: '@datamaster/bench-local' }, metric: { name: 'acc', direction: 'up' } }));
  const r = run('run', file, '--run-dir', join(dir, 'run'));
  t.equal(r.status, 1);
  t.match(r.stderr, file);
  t.match(r.stderr, '/metric/direction');
  t.match(r.stderr, 'must be one of ["max","min"]');
  t.match(r.stderr, '[E_SCHEMA]');

  writeFileSync(file, '{ "id": ');
  const j = run('run', file);
  t.match(j.stderr, /not valid JSON.*\[E_JSON\]/);
});

t.test('bad flags are refused with the flag and the rule', async (t) => {
  t.match(run('run', 'x.json', '--budget', '0').stderr, "--budget must be a whole number >= 1, got '0' [E_USAGE]");
  t.match(run('run', '--resume', '/tmp/nowhere', '--budget', '3').stderr, 'a resumed run keeps its original task');
  t.match(run('frobnicate').stderr, "unknown command 'frobnicate'");
  t.equal(run('--help').status, 0);
});

t.test('replay of the bundled example log, as text and as JSON', async (t) => {
  const text = run('replay', 'examples/runs/demo');
  t.equal(text.status, 0);
  t.match(text.stdout, /^n0 root critiqued/m);
  const json = JSON.parse(run('replay', 'examples/runs/demo', '--json').stdout) as { run: string; events: number; nodes: { id: string }[]; best: { id: string } };
  t.equal(json.run, 'seattle-demo');
  t.equal(json.events, 50);
  t.equal(json.nodes.length, 9);
  t.ok(json.best.id);
  const early = JSON.parse(run('replay', 'examples/runs/demo', '--json', '--until', '10').stdout) as { events: number };
  t.equal(early.events, 10);
  t.match(run('replay', '/tmp/definitely-not-a-run').stderr, '[E_RUN_DIR]');
});

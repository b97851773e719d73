import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// A misconfiguration stops the run with a non-zero exit and a message that names where and how to fix it;
// a run never ends "successfully" with a field of its task ignored.
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'packages/agents/bin/datamaster.js');
const seattle = JSON.parse(readFileSync(join(root, 'plugins/bench-local/tasks/seattle-weather.task.json'), 'utf8')) as Record<string, any>;

function runTask(t: Test, task: Record<string, unknown>, ...flags: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'dm-loud-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // Keep relative paths (the pool catalog) valid: the task file lives beside the bundled ones.
  const file = join(root, 'plugins/bench-local/tasks', `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}.task.json`);
  writeFileSync(file, JSON.stringify(task));
  t.teardown(() => rmSync(file, { force: true }));
  const r = spawnSync(process.execPath, [cli, 'run', file, '--run-dir', join(dir, 'run'), ...flags], { encoding: 'utf8', cwd: root, timeout: 180_000 });
  return { ...r, file };
}

t.test('a label that is not the benchmark label stops the run with a did-you-mean', async (t) => {
  const r = runTask(t, { ...seattle, data: { ...seattle.data, label: 'wether' } });
  t.equal(r.status, 1, r.stderr);
  t.match(r.stderr, '/data/label');
  t.match(r.stderr, "did you mean 'weather'");
  t.match(r.stderr, '[E_TASK_LABEL]');
});

t.test('a metric the benchmark does not score (or the wrong direction) stops the run', async (t) => {
  const r = runTask(t, { ...seattle, metric: { name: 'f1', direction: 'min' } });
  t.equal(r.status, 1, r.stderr);
  t.match(r.stderr, "/metric/direction: metric 'f1' is maximised, but the task says 'min'");
  t.match(r.stderr, '[E_METRIC_DIRECTION]');
  const other = runTask(t, { ...seattle, metric: { name: 'f1_macro', direction: 'max' } });
  t.equal(other.status, 1, other.stderr);
  t.match(other.stderr, 'scored by accuracy (max)');
  t.match(other.stderr, '[E_BENCH_METRIC]');
});

t.test('an unknown source plugin stops the run before it starts, naming /sources/<i>', async (t) => {
  const r = runTask(t, { ...seattle, sources: [...seattle.sources, { plugin: '@datamaster/source-nowhere' }] });
  t.equal(r.status, 1, r.stderr);
  t.match(r.stderr, 'at /sources/1');
  t.match(r.stderr, '@datamaster/source-nowhere');
  t.notMatch(r.stdout, /best /, 'no search ran');
});

t.test('a source plugin with an invalid config names /sources/<i>/config/<path>', async (t) => {
  const r = runTask(t, { ...seattle, sources: [{ plugin: '@datamaster/source-local', config: { catalog: 3 } }] });
  t.equal(r.status, 1, r.stderr);
  t.match(r.stderr, '/sources/0/config/catalog');
  t.match(r.stderr, '[E_PLUGIN_CONFIG]');
});

t.test('a benchmark that fails on the baseline fails the run at once, with the learner error', async (t) => {
  const task = {
    id: 'failing-root',
    description: 'a learner that always crashes',
    benchmark: { plugin: join(root, 'test/fixtures/plugins/failing-bench') },
    metric: { name: 'accuracy', direction: 'max' },
    budget: { nodes: 6, seconds: 600 },
  };
  const r = runTask(t, task);
  t.equal(r.status, 1, r.stderr);
  t.match(r.stderr, 'baseline');
  t.match(r.stderr, 'Traceback: boom');
  t.match(r.stderr, '[E_ROOT_FAILED]');
});

t.test('a run that admits no source says so in its summary', async (t) => {
  const { sources: _drop, ...task } = seattle;
  const r = runTask(t, { ...task, budget: { nodes: 2, parallel: 1, seconds: 300 } }, '--json');
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, 'sources: 0 found, 0 admitted');
  t.match(r.stdout, 'note: no source was found');
  const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { sources: { admitted: number }; notes: string[]; finished: string };
  t.equal(summary.sources.admitted, 0);
  t.ok(summary.notes.some((n) => n.includes('no source')));
});

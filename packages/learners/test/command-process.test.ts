/**
 * The learner-command runner's process handling, against real processes: a crash keeps the end of stderr,
 * a timeout or an abort kills the whole process group (a sleeping grandchild too), a memory limit stops a
 * learner that allocates past it (node and python), the learner's environment carries no secrets of the
 * parent, and no answers are within its reach.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runLearnerCommand, validateCommandSpec, type CommandRunInput } from '@datamaster/learners';
import { alive, clusterProblem, failure, fixture, gapminder, repoRoot, split } from './fixtures/command/data.ts';

const root = mkdtempSync(join(tmpdir(), 'dm-learner-proc-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));
const data = split(gapminder(), 'cluster');
const small = { train: data.train.slice(0, 60), predict: data.predict.slice(0, 12) };
let n = 0;
const input = (spec: CommandRunInput['spec'], extra: Partial<CommandRunInput> = {}): CommandRunInput => ({
  spec,
  baseDir: repoRoot,
  workDir: join(root, `w${n++}`),
  problem: clusterProblem,
  ...small,
  seed: 5,
  ...extra,
});

const waitFor = async (cond: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
};

t.test('a crash is E_LEARNER_EXIT with the exit code and the end of stderr', async (t) => {
  const err = await failure(runLearnerCommand(input({ command: ['node', fixture('crash.mjs')] })));
  t.equal(err.code, 'E_LEARNER_EXIT');
  t.equal(err.details.code, 3);
  t.match(err.message, /exited with code 3/);
  t.match(err.message, /ValueError: column "wind" has a string/, 'the message shows the last stderr lines');
  const tail = err.details.stderrTail as string;
  t.ok(tail.length <= 4096 && tail.length > 3000, `stderr tail is the last ~4 KiB (${tail.length} chars)`);
  t.ok(tail.endsWith('was expected\n'), 'the tail is the end of stderr');
  t.notMatch(tail, /progress line 0 /, 'early output is dropped');
  t.equal(err.details.stdoutTail, 'about to fail\n');
  t.ok(existsSync(err.details.dir as string), 'the working directory is kept after a failure');
});

t.test('a timeout kills the whole process group: the learner and its sleeping child', async (t) => {
  const pidFile = join(root, 'timeout-pids.json');
  const err = await failure(
    runLearnerCommand({
      ...input({ command: ['node', fixture('sleeper.mjs')], timeoutSeconds: 1.5, env: { PID_FILE: pidFile, IGNORE_TERM: '1' } }),
      killGraceMs: 300,
    }),
  );
  t.equal(err.code, 'E_LEARNER_TIMEOUT');
  t.match(err.message, /timeout of 1\.5 s/);
  t.match(err.details.stderrTail as string, /sleeping\nignoring SIGTERM/, 'SIGTERM first, then SIGKILL for a learner that ignores it');
  const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { parent: number; child: number };
  t.notOk(alive(pids.parent), `learner ${pids.parent} is gone`);
  t.notOk(alive(pids.child), `its sleeping child ${pids.child} is gone`);
});

t.test('a learner that exits leaving a child behind: the child is killed with the group', async (t) => {
  const pidFile = join(root, 'early-pids.json');
  const res = await runLearnerCommand(input({ command: ['node', fixture('sleeper.mjs')], env: { PID_FILE: pidFile, EXIT_EARLY: '1' } }));
  t.equal(res.values.length, small.predict.length);
  const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { parent: number; child: number };
  t.notOk(alive(pids.child), `the sleeping child ${pids.child} is gone`);
});

t.test('abort through the signal kills the group too', async (t) => {
  const pidFile = join(root, 'abort-pids.json');
  const ac = new AbortController();
  const run = runLearnerCommand({ ...input({ command: ['node', fixture('sleeper.mjs')], env: { PID_FILE: pidFile } }), signal: ac.signal });
  await waitFor(() => existsSync(pidFile));
  ac.abort(new Error('run finished'));
  const err = await failure(run);
  t.equal(err.code, 'E_LEARNER_ABORTED');
  const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { parent: number; child: number };
  t.notOk(alive(pids.parent));
  t.notOk(alive(pids.child));
  const pre = new AbortController();
  pre.abort();
  t.equal((await failure(runLearnerCommand({ ...input({ command: ['node', fixture('sleeper.mjs')] }), signal: pre.signal }))).code, 'E_LEARNER_ABORTED', 'an aborted signal starts nothing');
});

t.test('the memory limit stops a node learner that allocates far past it', async (t) => {
  const err = await failure(runLearnerCommand(input({ command: ['node', fixture('hog.mjs')], memoryMb: 256, env: { HOG_MB: '1536' } })));
  t.equal(err.code, 'E_LEARNER_EXIT');
  t.match(err.message, /may have run out of memory: its limit is 256 MiB/);
  t.notMatch(err.details.stderrTail as string, /allocated 1281 MiB/, 'it never got near its goal');
  // The same learner under a limit above its need finishes: the limit, not the learner, stopped it.
  const ok = await runLearnerCommand(input({ command: ['node', fixture('hog.mjs')], memoryMb: 3072, env: { HOG_MB: '1536' } }));
  t.match(ok.stdoutTail, /held 1536 MiB/);
});

t.test('the memory limit stops a python learner that allocates far past it', { skip: existsSync('/usr/bin/python3') ? false : 'no /usr/bin/python3' }, async (t) => {
  const err = await failure(runLearnerCommand(input({ command: ['/usr/bin/python3', fixture('hog.py')], memoryMb: 256, env: { HOG_MB: '1536' } })));
  t.equal(err.code, 'E_LEARNER_EXIT');
  t.match(err.details.stderrTail as string, /MemoryError/);
  t.match(err.message, /may have run out of memory/);
  const ok = await runLearnerCommand(input({ command: ['/usr/bin/python3', fixture('hog.py')], memoryMb: 3072, env: { HOG_MB: '1536' } }));
  t.match(ok.stdoutTail, /held 1536 MiB/);
});

t.test('the learner sees a minimal environment: no secrets of the parent, its own env entries', async (t) => {
  const saved = { ...process.env };
  process.env.HF_TOKEN = 'hf_secret_do_not_leak';
  process.env.AWS_SECRET_ACCESS_KEY = 'aws-secret-do-not-leak';
  process.env.NATS_PASSWORD = 'nats-secret-do-not-leak';
  t.teardown(() => {
    for (const k of ['HF_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'NATS_PASSWORD']) if (!(k in saved)) delete process.env[k];
  });
  const report = join(root, 'env-report.json');
  await runLearnerCommand(input({ command: ['node', fixture('snoop.mjs')], env: { REPORT_FILE: report, MY_KNOB: '42' } }));
  const seen = JSON.parse(readFileSync(report, 'utf8')) as { env: Record<string, string>; cwd: string };
  // PWD is set by /bin/sh; under tap, its processinfo hook adds NODE_OPTIONS and _TAPJS_* to every child
  // process that node spawns (coverage), so those are the test harness's, not the runner's.
  const allowed = new Set(['PATH', 'HOME', 'LANG', 'TMPDIR', 'PWD', 'REPORT_FILE', 'MY_KNOB']);
  const harness = (k: string) => process.env.TAP === '1' && (k === 'NODE_OPTIONS' || k.startsWith('_TAPJS_'));
  const extra = Object.keys(seen.env).filter((k) => !allowed.has(k) && !k.startsWith('DM_') && !harness(k));
  t.same(extra, [], 'nothing but PATH, HOME, LANG, TMPDIR, DM_* and the spec env');
  t.notOk(JSON.stringify(seen.env).includes('do-not-leak') || JSON.stringify(seen.env).includes('do_not_leak'), 'no secret value anywhere');
  t.equal(seen.env.MY_KNOB, '42');
  t.equal(seen.env.HOME, seen.cwd, 'HOME is the working directory');
  t.equal(seen.env.TMPDIR, join(seen.cwd, 'tmp'));
  t.equal(seen.env.DM_TASK_TYPE, 'multiclass');
  t.equal(seen.env.DM_LABEL, 'cluster');
  t.equal(seen.env.DM_SEED, '5');
  t.equal(seen.env.DM_ID_COLUMN, 'id');
  t.same(JSON.parse(seen.env.DM_CLASSES!), clusterProblem.classes);
});

t.test('the learner cannot reach the answers: no label in its inputs, no answers file near it', async (t) => {
  // A benchmark's layout: the task folder holds the answers; the run's work folder is elsewhere.
  const task = join(root, 'task');
  mkdirSync(task, { recursive: true });
  const answers = data.answers.map((a, i) => `${data.predict[i]!.id},${a}`);
  writeFileSync(join(task, 'answers.csv'), ['id,cluster', ...answers].join('\n') + '\n');
  const report = join(root, 'answers-report.json');
  // A careless caller passes prediction inputs that still carry the label.
  const leaky = data.predict.map((r, i) => ({ ...r, cluster: data.answers[i]! }));
  await runLearnerCommand({
    ...input({ command: ['node', fixture('snoop.mjs')], env: { REPORT_FILE: report } }, { predict: leaky, workDir: join(root, 'runs', 'r1', 'work') }),
  });
  const seen = JSON.parse(readFileSync(report, 'utf8')) as { files: Record<string, string>; listings: Record<string, string[]>; answers: string[] };
  t.same(seen.answers, [], 'no answers.csv, test.csv or labels.csv in the working directory or the three folders above it');
  const predictText = seen.files.DM_PREDICT!;
  t.equal(predictText.split('\n')[0], 'id,year,fertility,life_expect,pop', 'the prediction inputs: the id and the features, no label column');
  t.notMatch(predictText, /\bc[0-5]\b/, 'no label value in the prediction inputs');
  t.match(seen.files.DM_TRAIN!.split('\n')[0]!, /,cluster$/, 'the training table has its label');
  t.same(seen.listings[Object.keys(seen.listings)[0]!]!.sort(), ['predict.csv', 'problem.json', 'tmp', 'train.csv'], 'the working directory holds only the protocol files');
  const problem = JSON.parse(seen.files.DM_PROBLEM!) as Record<string, unknown>;
  t.notMatch(JSON.stringify(problem), /answers|validation|test/i, 'problem.json names no answers');
});

t.test('spec and command errors say what to fix', async (t) => {
  t.throws(() => validateCommandSpec({ command: ['x'], timeout: 5 }, 'task.json: learner'), { code: 'E_LEARNER_SPEC', message: /task\.json: learner\.timeout: unknown field \(did you mean 'timeoutSeconds'\?\)/ });
  t.throws(() => validateCommandSpec({ command: ['x'], format: 'parquett' }), { message: /did you mean 'parquet'/ });
  t.throws(() => validateCommandSpec({ command: [] }), { message: /learner\.command: must be a non-empty array/ });
  t.throws(() => validateCommandSpec({ command: ['x'], env: { DM_LABEL: 'y' } }), { message: /env\.DM_LABEL: DM_\* variables are set by the runner/ });
  t.throws(() => validateCommandSpec({ command: ['x'], memoryMb: 0 }), { message: /memoryMb: must be a number of MiB/ });
  const missing = await failure(runLearnerCommand(input({ command: ['no-such-learner-binary', 'x.py'] })));
  t.equal(missing.code, 'E_LEARNER_COMMAND');
  t.match(missing.message, /'no-such-learner-binary' is not found on the learner's PATH/);
  const local = await failure(runLearnerCommand(input({ command: ['forest.mjs'] }, { baseDir: join(repoRoot, 'examples/learners') })));
  t.match(local.message, /write '\.\/forest\.mjs'/, 'a bare name that is a file in the task folder gets a hint');
  const notExec = await failure(runLearnerCommand(input({ command: ['./forest.mjs'] }, { baseDir: join(repoRoot, 'examples/learners') })));
  t.match(notExec.message, /is not executable|does not exist/);
});

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { resolveCommand, runSolution, solutionEnv } from '../src/process.ts';
import { tempDir } from './helpers.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number): Promise<boolean> {
  // The kill is asynchronous: poll for a while (no timing is asserted, only the end state).
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
}

t.test('a solution that exits 0 runs in its folder with the small environment', async (t) => {
  const tmp = tempDir('mle-proc-');
  t.teardown(tmp.remove);
  writeFileSync(join(tmp.dir, 'sol.mjs'), "import { writeFileSync } from 'node:fs';\nwriteFileSync('env.json', JSON.stringify({ cwd: process.cwd(), env: process.env }));\nconsole.log('done');\n");
  const run = join(tmp.dir, 'run');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(run);
  process.env.DM_TEST_SECRET_TOKEN = 'do-not-leak';
  t.teardown(() => delete process.env.DM_TEST_SECRET_TOKEN);
  const spec = { command: ['node', 'sol.mjs'], env: { MY_FLAG: '1' } };
  const res = await runSolution(spec, { cwd: run, baseDir: tmp.dir, env: solutionEnv(spec, { DATAMASTER_PHASE: 'validation' }), what: 'test run' });
  t.match(res.stdoutTail, /done/);
  const seen = JSON.parse(readFileSync(join(run, 'env.json'), 'utf8')) as { cwd: string; env: Record<string, string> };
  t.equal(seen.cwd, run);
  t.equal(seen.env.MY_FLAG, '1');
  t.equal(seen.env.DATAMASTER_PHASE, 'validation');
  t.equal(seen.env.DM_TEST_SECRET_TOKEN, undefined, "the parent's other variables are not passed");
  t.ok(seen.env.PATH, 'PATH is passed');
});

t.test('a crash is an error with the tail of stderr', async (t) => {
  const tmp = tempDir('mle-proc-');
  t.teardown(tmp.remove);
  writeFileSync(join(tmp.dir, 'crash.mjs'), "console.error('loading train.csv');\nthrow new Error('column Insult not found in train.csv');\n");
  await t.rejects(runSolution({ command: ['node', 'crash.mjs'] }, { cwd: tmp.dir, baseDir: tmp.dir, env: solutionEnv({ command: [] }, {}), what: 'crash run' }), {
    code: 'E_MLEBENCH_SOLUTION_FAILED',
    message: /crash run: the solution 'node .*crash\.mjs' exited with code 1\. Last stderr:\n[\s\S]*column Insult not found in train\.csv/,
  });
});

t.test('a timeout kills the whole process group', async (t) => {
  const tmp = tempDir('mle-proc-');
  t.teardown(tmp.remove);
  // The solution starts a grandchild that would outlive it, records its pid, then hangs.
  writeFileSync(
    join(tmp.dir, 'hang.mjs'),
    "import { spawn } from 'node:child_process';\nimport { writeFileSync } from 'node:fs';\nconst c = spawn('sleep', ['300'], { stdio: 'ignore' });\nwriteFileSync('child.pid', String(c.pid));\nconsole.error('training epoch 1');\nsetInterval(() => {}, 1000);\n",
  );
  const err = await runSolution({ command: ['node', 'hang.mjs'], timeoutSeconds: 2 }, { cwd: tmp.dir, baseDir: tmp.dir, env: solutionEnv({ command: [] }, {}), what: 'slow run' }).then(
    () => null,
    (e: unknown) => e as Error & { code: string },
  );
  t.ok(err, 'rejected');
  t.equal(err?.code, 'E_MLEBENCH_SOLUTION_TIMEOUT');
  t.match(err?.message, /ran past solution\.timeoutSeconds \(2 s\)[\s\S]*training epoch 1/);
  const pidFile = join(tmp.dir, 'child.pid');
  t.ok(existsSync(pidFile));
  t.ok(await gone(Number(readFileSync(pidFile, 'utf8'))), 'the grandchild was killed with the group');
});

t.test('memory limit and a missing program', async (t) => {
  const tmp = tempDir('mle-proc-');
  t.teardown(tmp.remove);
  writeFileSync(join(tmp.dir, 'hog.mjs'), 'const chunks = []; for (let i = 0; i < 16; i++) chunks.push(Buffer.alloc(64 * 1024 * 1024)); console.log(chunks.length * 64);\n');
  await t.rejects(runSolution({ command: ['node', 'hog.mjs'], memoryMb: 384 }, { cwd: tmp.dir, baseDir: tmp.dir, env: solutionEnv({ command: [] }, {}), what: 'hog' }), {
    code: 'E_MLEBENCH_SOLUTION_FAILED',
  });
  const ok = await runSolution({ command: ['node', 'hog.mjs'], memoryMb: 0 }, { cwd: tmp.dir, baseDir: tmp.dir, env: solutionEnv({ command: [] }, {}), what: 'no limit' });
  t.match(ok.stdoutTail, /1024/, 'without a limit the same program runs');
  await t.rejects(runSolution({ command: ['no-such-solver-xyz', 'a'] }, { cwd: tmp.dir, baseDir: tmp.dir, env: solutionEnv({ command: [] }, {}), what: 'missing' }), {
    code: 'E_MLEBENCH_SOLUTION_START',
    message: /no-such-solver-xyz/,
  });
});

t.test('command paths resolve against the task folder', async (t) => {
  const tmp = tempDir('mle-proc-');
  t.teardown(tmp.remove);
  writeFileSync(join(tmp.dir, 'solution.py'), '');
  t.same(resolveCommand(['python', 'solution.py', '--epochs', '3', 'absent.py'], tmp.dir), ['python', join(tmp.dir, 'solution.py'), '--epochs', '3', 'absent.py']);
  t.same(resolveCommand(['./solution.py'], tmp.dir), [join(tmp.dir, 'solution.py')]);
});

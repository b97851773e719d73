/**
 * One run of the solution: a fresh working folder that looks like the competition's public folder (every
 * entry linked from it), except that the training file is the node's artifact written back in the
 * competition's format, and, in a validation run, the test inputs, sample submission, test media and
 * label-bearing companion files are the validation split's. The solution runs there and writes
 * submission.csv.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DataMasterError, queryRows, readerSql, withDuck, type DataFile } from '@datamaster/sdk';
import type { Layout } from './config.ts';
import { copyTo, formatOf, type Prepared } from './prepare.ts';
import { runSolution, solutionEnv, type RunResult, type SolutionSpec } from './process.ts';
import { writeZip } from './zip.ts';

export type Phase = 'validation' | 'test';

export interface RunPlan {
  phase: Phase;
  layout: Layout;
  prepared: Prepared;
  trainFile: string;
  artifact: DataFile;
  runsDir: string;
  solution: SolutionSpec;
  baseDir: string;
  seed: number;
  fidelity: number;
  signal?: AbortSignal;
}

export interface RunOutcome extends RunResult {
  runDir: string;
  inputDir: string;
  submission: string;
  trainRows: number;
}

/** Links `src`'s tree into `dst`, leaving out (or replacing) the relative paths in `replaced`. */
export function mirrorTree(src: string, dst: string, replaced: ReadonlyMap<string, string | null>, prefix = ''): void {
  mkdirSync(dst, { recursive: true });
  for (const name of readdirSync(src)) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if (replaced.has(rel)) continue;
    const nested = [...replaced.keys()].some((k) => k.startsWith(`${rel}/`));
    if (nested && statSync(join(src, name)).isDirectory()) mirrorTree(join(src, name), join(dst, name), replaced, rel);
    else symlinkSync(join(src, name), join(dst, name));
  }
}

/** Writes the artifact as the competition's training file (csv, json array, or a zipped csv). */
async function writeTrainFile(artifact: DataFile, dest: string, scratch: string): Promise<number> {
  const fmt = formatOf(dest);
  return withDuck(async (conn) => {
    const from = readerSql(artifact.path, artifact.format);
    let n: number;
    try {
      n = Number((await queryRows(conn, `SELECT count(*) AS n FROM ${from}`))[0]?.n ?? 0);
    } catch (err) {
      throw new DataMasterError('E_MLEBENCH_ARTIFACT', `${artifact.path}: cannot read the artifact as ${artifact.format} (${(err as Error).message})`, { file: artifact.path }, { cause: err });
    }
    const query = `SELECT * FROM ${from}`;
    if (fmt.kind === 'csv-zip') {
      mkdirSync(scratch, { recursive: true });
      const plain = join(scratch, fmt.entry);
      await conn.run(copyTo(query, plain, 'csv'));
      await writeZip(dest, [{ name: fmt.entry, file: plain }]);
      rmSync(plain, { force: true });
    } else {
      await conn.run(copyTo(query, dest, fmt.kind === 'json' ? 'json' : fmt.kind === 'parquet' ? 'parquet' : 'csv'));
    }
    return n;
  });
}

export async function runPhase(plan: RunPlan): Promise<RunOutcome> {
  const { layout, prepared, phase } = plan;
  const r = layout.spec.runner;
  if (!r) throw new DataMasterError('E_MLEBENCH_INTERNAL', `${layout.spec.id} has no runner`);
  mkdirSync(plan.runsDir, { recursive: true });
  const runDir = mkdtempSync(join(plan.runsDir, `${phase}-`));
  const inputDir = join(runDir, 'input');
  const replaced = new Map<string, string | null>();
  replaced.set(plan.trainFile, null);
  const trainMirrors = (r.mirrors ?? []).filter((m) => m.of === 'train');
  for (const m of trainMirrors) replaced.set(m.file, null);
  if (phase === 'validation') for (const v of prepared.meta.validationFiles) replaced.set(v.rel, v.target);
  mirrorTree(layout.publicDir, inputDir, replaced);

  // Validation replacements: files are copied (not linked) so nothing in the folder leads back to the
  // prepared validation folder; media folders are folders of links into the public training media.
  if (phase === 'validation') {
    for (const v of prepared.meta.validationFiles) {
      if (v.target === null || !existsSync(v.target)) continue;
      const dest = join(inputDir, v.rel);
      mkdirSync(dirname(dest), { recursive: true });
      if (statSync(v.target).isDirectory()) symlinkSync(v.target, dest);
      else copyFileSync(v.target, dest);
    }
  }
  const trainDest = join(inputDir, plan.trainFile);
  mkdirSync(dirname(trainDest), { recursive: true });
  const trainRows = await writeTrainFile(plan.artifact, trainDest, join(runDir, 'scratch'));
  for (const m of trainMirrors) await writeZip(join(inputDir, m.file), [{ name: basename(plan.trainFile), file: trainDest }]);
  rmSync(join(runDir, 'scratch'), { recursive: true, force: true });

  const submission = join(inputDir, 'submission.csv');
  const env = solutionEnv(plan.solution, {
    DATAMASTER_PHASE: phase,
    DATAMASTER_COMPETITION: layout.spec.id,
    DATAMASTER_INPUT_DIR: inputDir,
    DATAMASTER_SUBMISSION: submission,
    DATAMASTER_SEED: String(plan.seed),
    DATAMASTER_FIDELITY: String(plan.fidelity),
  });
  const what = `${layout.spec.id} ${phase} run in ${inputDir}`;
  const result = await runSolution(plan.solution, { cwd: inputDir, baseDir: plan.baseDir, env, what, ...(plan.signal ? { signal: plan.signal } : {}) });
  if (!existsSync(submission)) {
    throw new DataMasterError(
      'E_MLEBENCH_NO_SUBMISSION',
      `${what}: the solution exited without writing submission.csv in its working folder (also given as $DATAMASTER_SUBMISSION). Last output:\n${(result.stderrTail || result.stdoutTail).trimEnd().split('\n').slice(-10).join('\n') || '(none)'}`,
      { runDir },
    );
  }
  return { ...result, runDir, inputDir, submission, trainRows };
}

/**
 * Cross-check with the reference: `mlebench grade-sample <submission> <competition> --data-dir <dir>` when
 * the mlebench command is installed. It logs a JSON CompetitionReport; its score must equal ours.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { DataMasterError } from '@datamaster/sdk';

/** The mlebench executable on PATH, or null. */
export function findMlebench(pathEnv: string | undefined = process.env.PATH): string | null {
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, 'mlebench');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

/** Pulls the JSON report out of mlebench's log output. */
export function parseGradeSampleOutput(text: string): { score: number | null; valid_submission?: boolean; any_medal?: boolean } {
  const at = text.indexOf('Competition report');
  const start = text.indexOf('{', at < 0 ? 0 : at);
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start) throw new DataMasterError('E_MLEBENCH_CROSSCHECK', `mlebench grade-sample printed no report:\n${text.slice(-2000)}`);
  return JSON.parse(text.slice(start, end + 1)) as { score: number | null };
}

export function runGradeSample(exe: string, submission: string, competition: string, dataDir: string, timeoutMs = 600_000): Promise<{ score: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    execFile(exe, ['grade-sample', submission, competition, '--data-dir', dataDir], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const output = `${stdout}\n${stderr}`;
      if (err) {
        reject(new DataMasterError('E_MLEBENCH_CROSSCHECK', `mlebench grade-sample failed (${err.message}):\n${output.slice(-2000)}`, {}));
        return;
      }
      try {
        resolve({ score: parseGradeSampleOutput(output).score, output });
      } catch (e) {
        reject(e);
      }
    });
  });
}

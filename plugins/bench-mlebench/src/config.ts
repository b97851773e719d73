import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { DataMasterError, didYouMeanHint, type PluginContext } from '@datamaster/sdk';
import { COMPETITION_IDS, competitionSpec, type CompetitionSpec } from './competitions.ts';
import type { SolutionSpec } from './process.ts';

export interface MleBenchConfig {
  /** One of the 22 MLE-Bench Lite competition ids. */
  competition: string;
  /** The data folder `mlebench prepare` wrote (holding <competition>/prepared/{public,private}). */
  dataDir: string;
  /** The fixed learner: the user's solution command. */
  solution: SolutionSpec;
  /** The validation split carved from the public training data for the search. */
  validation?: { fraction?: number; seed?: number };
  /** <mle-bench checkout>/mlebench/competitions, a folder holding leaderboard.csv, or the leaderboard CSV. */
  leaderboardDir?: string;
  /** Public training file name, overriding the competition's (e.g. an unzipped en_train.csv). */
  trainFile?: string;
  /** Cross-check final grades with `mlebench grade-sample`: when it is on PATH (auto, default), never, or always. */
  crossCheck?: 'auto' | 'off' | 'require';
  /** Keep each run's working folder under the plugin's work dir (for debugging); default false. */
  keepWorkDirs?: boolean;
}

export const DEFAULT_FRACTION = 0.1;
export const DEFAULT_SEED = 0;

/** Where one competition's prepared files are. */
export interface Layout {
  spec: CompetitionSpec;
  /** The data dir that the config.yaml paths are relative to. */
  root: string;
  publicDir: string;
  privateDir: string;
  answers: string;
  sample: string;
}

function configError(ctx: PluginContext<MleBenchConfig>, message: string, field: string): DataMasterError {
  return new DataMasterError('E_MLEBENCH_CONFIG', `${ctx.name}: config.${field}: ${message}`, { plugin: ctx.name, field });
}

export function specOf(ctx: PluginContext<MleBenchConfig>): CompetitionSpec {
  const id = ctx.config.competition;
  if (typeof id !== 'string' || id === '') throw configError(ctx, `is required: one of ${COMPETITION_IDS.join(', ')}`, 'competition');
  const spec = competitionSpec(id);
  if (!spec) throw configError(ctx, `'${id}' is not an MLE-Bench Lite competition${didYouMeanHint(id, COMPETITION_IDS)}; the 22 are: ${COMPETITION_IDS.join(', ')}`, 'competition');
  return spec;
}

/** A config path: absolute, `~/...` (the home folder), or relative to the task file's folder. */
export function absolute(p: string, baseDir: string): string {
  if (p === '~' || p.startsWith('~/')) return join(homedir(), p.slice(1));
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/**
 * Finds the prepared competition under config.dataDir, which may be mlebench's data dir (holding
 * <id>/prepared), the competition's folder, or its prepared/ folder.
 */
export function layoutOf(ctx: PluginContext<MleBenchConfig>): Layout {
  const spec = specOf(ctx);
  if (typeof ctx.config.dataDir !== 'string' || ctx.config.dataDir === '') {
    throw configError(ctx, `is required: the folder \`mlebench prepare -c ${spec.id} --data-dir <dir>\` wrote`, 'dataDir');
  }
  const dir = absolute(ctx.config.dataDir, ctx.baseDir);
  const candidates = [dir, basename(dir) === spec.id ? dirname(dir) : null, basename(dir) === 'prepared' && basename(dirname(dir)) === spec.id ? dirname(dirname(dir)) : null].filter(
    (c): c is string => c !== null,
  );
  for (const root of candidates) {
    const prepared = join(root, spec.id, 'prepared');
    if (isDir(join(prepared, 'public'))) {
      return {
        spec,
        root,
        publicDir: join(prepared, 'public'),
        privateDir: join(prepared, 'private'),
        answers: join(root, spec.answers),
        sample: join(root, spec.sampleSubmission),
      };
    }
  }
  throw configError(
    ctx,
    `${dir} does not hold a prepared ${spec.id} (looked for ${join(candidates[0] as string, spec.id, 'prepared', 'public')}); run \`mlebench prepare -c ${spec.id} --data-dir ${candidates[0]}\` or point dataDir at that data dir`,
    'dataDir',
  );
}

export function validationOf(ctx: PluginContext<MleBenchConfig>): { fraction: number; seed: number } {
  const v = ctx.config.validation ?? {};
  const fraction = v.fraction ?? DEFAULT_FRACTION;
  const seed = v.seed ?? DEFAULT_SEED;
  if (!(fraction > 0 && fraction < 1)) throw configError(ctx, `fraction ${fraction} must be between 0 and 1 (exclusive)`, 'validation.fraction');
  if (!Number.isInteger(seed)) throw configError(ctx, `seed ${seed} must be an integer`, 'validation.seed');
  return { fraction, seed };
}

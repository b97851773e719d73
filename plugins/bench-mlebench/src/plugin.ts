import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataMasterError, type BenchmarkPlugin, type EvaluateInput, type GradeResult, type PluginContext, type PreparedTask, type Task } from '@datamaster/sdk';
import { absolute, layoutOf, specOf, validationOf, type Layout, type MleBenchConfig } from './config.ts';
import { findMlebench, runGradeSample } from './crosscheck.ts';
import { reportOf, scoreSubmission } from './grade.ts';
import { isLowerBetter, leaderboardFile, rankScore, readLeaderboard, type RankResult } from './medals.ts';
import { ensurePrepared, taskColumnsOf, type Prepared } from './prepare.ts';
import { runPhase, type Phase, type RunOutcome } from './workspace.ts';

/** Metric names a task may use for a competition, besides the competition's own grader name. */
const METRIC_ALIASES: Record<string, string[]> = {
  roc_auc: ['auc', 'auc-roc', 'roc-auc', 'rocauc'],
  mean_columnwise_roc_auc: ['column-wise roc auc', 'mean-column-wise-roc-auc', 'auc', 'roc_auc', 'mean_auc'],
  log_loss: ['logloss', 'multi-class-log-loss', 'multiclass_log_loss', 'log-loss', 'mlogloss'],
  rmse: ['root_mean_squared_error', 'root-mean-squared-error'],
  mean_columnwise_rmsle: ['mean-column-wise-rmsle', 'rmsle'],
  quadratic_weighted_kappa: ['qwk', 'kappa', 'cohen_kappa_quadratic'],
  accuracy: ['acc', 'multi-class-classification-accuracy'],
};

function trainFileOf(ctx: PluginContext<MleBenchConfig>): string {
  const spec = specOf(ctx);
  const r = spec.runner;
  if (!r) {
    throw new DataMasterError(
      'E_MLEBENCH_UNSUPPORTED',
      `${spec.id} can be graded but not searched: ${spec.gradeOnlyReason}. Grade a submission with \`npx tsx plugins/bench-mlebench/scripts/grade.ts <submission.csv> ${spec.id} --data-dir <dir>\` or gradeCompetitionSubmission()`,
      { competition: spec.id },
    );
  }
  return ctx.config.trainFile ?? r.train;
}

async function prepared(ctx: PluginContext<MleBenchConfig>): Promise<{ layout: Layout; prep: Prepared; trainFile: string }> {
  const trainFile = trainFileOf(ctx);
  const layout = layoutOf(ctx);
  const { fraction, seed } = validationOf(ctx);
  const prep = await ensurePrepared({ layout, trainFile, fraction, seed, workDir: ctx.workDir });
  return { layout, prep, trainFile };
}

function checkTaskMetric(task: Task, ctx: PluginContext<MleBenchConfig>): void {
  const spec = specOf(ctx);
  const m = task.metric;
  if (!m) return;
  if (m.direction !== spec.direction) {
    throw new DataMasterError(
      'E_MLEBENCH_TASK',
      `task ${task.id}: metric.direction is '${m.direction}' but ${spec.id} is graded by ${spec.grader}, where ${spec.direction === 'max' ? 'higher' : 'lower'} is better; set "metric": {"name": "${spec.metric}", "direction": "${spec.direction}"}`,
      { task: task.id },
    );
  }
  const name = m.name.toLowerCase();
  const known = [spec.metric, spec.grader.toLowerCase(), ...(METRIC_ALIASES[spec.metric] ?? [])];
  if (!known.includes(name)) ctx.logger.warn(`task metric '${m.name}' is not ${spec.id}'s metric; scores are ${spec.metric} (${spec.grader}) whatever the task calls them`);
}

async function run(phase: Phase, input: EvaluateInput, ctx: PluginContext<MleBenchConfig>): Promise<{ layout: Layout; prep: Prepared; out: RunOutcome }> {
  const { layout, prep, trainFile } = await prepared(ctx);
  if (!ctx.config.solution || !Array.isArray(ctx.config.solution.command)) {
    throw new DataMasterError('E_MLEBENCH_CONFIG', `${ctx.name}: config.solution.command is required: the argv of your solution, e.g. ["python", "solution.py"]`, { plugin: ctx.name });
  }
  const out = await runPhase({
    phase,
    layout,
    prepared: prep,
    trainFile,
    artifact: input.artifact,
    runsDir: join(ctx.workDir, 'runs'),
    solution: ctx.config.solution,
    baseDir: ctx.baseDir,
    seed: input.seed,
    fidelity: input.fidelity,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  return { layout, prep, out };
}

/** The configured leaderboard, read and checked; null when none is configured. */
async function leaderboardOf(ctx: PluginContext<MleBenchConfig>, layout: Layout): Promise<{ file: string; scores: number[] } | null> {
  if (!ctx.config.leaderboardDir) return null;
  const file = leaderboardFile(absolute(ctx.config.leaderboardDir, ctx.baseDir), layout.spec.id);
  return { file, scores: await readLeaderboard(file) };
}

function cleanup(ctx: PluginContext<MleBenchConfig>, out: RunOutcome | undefined): void {
  if (out && !ctx.config.keepWorkDirs) rmSync(out.runDir, { recursive: true, force: true });
}

export const benchMleBench: BenchmarkPlugin<MleBenchConfig> = {
  kind: 'benchmark',

  async prepare(task, ctx): Promise<PreparedTask> {
    checkTaskMetric(task, ctx);
    const { layout, prep, trainFile } = await prepared(ctx);
    const spec = layout.spec;
    const lb = await leaderboardOf(ctx, layout);
    if (lb && isLowerBetter(lb.scores) !== (spec.direction === 'min')) {
      ctx.logger.warn(`${lb.file} ranks ${isLowerBetter(lb.scores) ? 'lower' : 'higher'} scores first but ${spec.grader} is ${spec.direction === 'min' ? 'lower' : 'higher'}-is-better; medals follow the leaderboard, as mlebench's rank_score does`);
    }
    const r = spec.runner as NonNullable<typeof spec.runner>;
    for (const w of prep.meta.warnings) ctx.logger.warn(w);
    const label = r.targets[0] as string;
    const inBase = (c: string) => prep.meta.columns.some((k) => k.name === c);
    const keyColumns = r.keyColumns ?? prep.meta.testColumns.filter((c) => c !== r.idColumn && inBase(c) && !r.targets.includes(c));
    const keys = keyColumns.length ? keyColumns : inBase(r.idColumn) ? [r.idColumn] : [];
    ctx.logger.info('mlebench competition ready', { competition: spec.id, trainRows: prep.meta.trainRows, validationRows: prep.meta.validationRows, testRows: prep.meta.testRows });
    return {
      base: { path: prep.base, format: 'parquet' },
      label,
      columns: taskColumnsOf(prep.meta),
      testInputs: { path: prep.testInputs, format: 'parquet' },
      ...(keys.length ? { keyColumns: keys } : {}),
      info: {
        competition: spec.id,
        name: spec.name,
        metric: spec.metric,
        grader: spec.grader,
        direction: spec.direction,
        targets: r.targets,
        idColumn: r.idColumn,
        trainFile,
        testFile: r.test ?? null,
        modality: spec.modality,
        gpu: spec.gpu,
        split: { fraction: prep.meta.fraction, seed: prep.meta.seed, key: prep.meta.splitKey, trainRows: prep.meta.trainRows, validationRows: prep.meta.validationRows },
        testRows: prep.meta.testRows,
        leaderboard: lb ? { file: lb.file, teams: lb.scores.length, lowerIsBetter: isLowerBetter(lb.scores) } : null,
        ...(prep.meta.warnings.length ? { warnings: prep.meta.warnings } : {}),
      },
    };
  },

  async evaluate(input, ctx) {
    let out: RunOutcome | undefined;
    try {
      const res = await run('validation', input, ctx);
      out = res.out;
      const { raw } = await scoreSubmission(res.layout.spec, out.submission, res.prep.answers, res.prep.sample);
      return {
        score: raw,
        metrics: { [res.layout.spec.metric]: raw, trainRows: out.trainRows, validationRows: res.prep.meta.validationRows, solutionSeconds: out.seconds },
        seconds: out.seconds,
      };
    } finally {
      cleanup(ctx, out);
    }
  },

  async grade(input, ctx): Promise<GradeResult> {
    let out: RunOutcome | undefined;
    try {
      // The leaderboard is read first: a broken one fails before the solution trains.
      const lb = await leaderboardOf(ctx, layoutOf(ctx));
      const res = await run('test', input, ctx);
      out = res.out;
      const { layout } = res;
      const spec = layout.spec;
      const scored = await scoreSubmission(spec, out.submission, layout.answers, layout.sample);
      const rank: RankResult | null = lb ? rankScore(scored.score, lb.scores) : null;
      const lbFile = lb?.file ?? null;
      if (!lb) {
        ctx.logger.warn(`no leaderboardDir configured: ${spec.id} is scored (${scored.score}) but gets no medal; set leaderboardDir to <mle-bench checkout>/mlebench/competitions`);
      }
      // Keep what was graded.
      const finalDir = join(ctx.workDir, 'final');
      mkdirSync(finalDir, { recursive: true });
      cpSync(out.submission, join(finalDir, 'submission.csv'));
      const report = reportOf(spec, scored, rank, lbFile, join(finalDir, 'submission.csv'));
      const metrics: Record<string, number> = { [spec.metric]: scored.score, raw_score: scored.raw, trainRows: out.trainRows, testRows: res.prep.meta.testRows, solutionSeconds: out.seconds };
      if (rank) {
        Object.assign(metrics, {
          gold_threshold: rank.gold,
          silver_threshold: rank.silver,
          bronze_threshold: rank.bronze,
          median_threshold: rank.median,
          above_median: rank.aboveMedian ? 1 : 0,
          any_medal: rank.medal !== 'none' ? 1 : 0,
          teams: rank.teams,
        });
      }
      const mode = ctx.config.crossCheck ?? 'auto';
      if (mode !== 'off') {
        const exe = findMlebench();
        if (exe) {
          const ref = await runGradeSample(exe, join(finalDir, 'submission.csv'), spec.id, layout.root);
          if (ref.score === null || Math.abs(ref.score - scored.score) > 1e-9) {
            throw new DataMasterError('E_MLEBENCH_CROSSCHECK', `${spec.id}: mlebench grade-sample scores the submission ${ref.score}, this runner ${scored.score}; the port disagrees with the reference`, { ours: scored.score, reference: ref.score });
          }
          metrics.crosscheck_score = ref.score;
        } else if (mode === 'require') {
          throw new DataMasterError('E_MLEBENCH_CROSSCHECK', 'crossCheck is "require" but no mlebench command is on PATH; install mle-bench (pip install -e <checkout>) or set crossCheck to "auto"', {});
        }
      }
      writeFileSync(join(finalDir, 'report.json'), JSON.stringify(report, null, 2));
      ctx.logger.info('mlebench grade', { competition: spec.id, score: scored.score, medal: rank?.medal ?? null, report: join(finalDir, 'report.json') });
      return { score: scored.score, metrics, ...(rank ? { medal: rank.medal } : {}) };
    } finally {
      cleanup(ctx, out);
    }
  },
};

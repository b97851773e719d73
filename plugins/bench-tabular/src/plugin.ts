import { definePlugin, type BenchmarkPlugin, type PreparedTask } from '@datamaster/sdk';
import { prepareSetup } from './prepare.ts';
import { remember, scoreArtifact } from './score.ts';

/**
 * The benchmark for a person's own table: everything comes from the task file (files, label, metric,
 * learner); the config is TabularConfig (config.ts). prepare runs in every role's process; it is deterministic and leaves identical files alone.
 */
export const benchTabular: BenchmarkPlugin = definePlugin({
  kind: 'benchmark',
  async prepare(task, ctx): Promise<PreparedTask> {
    const outcome = await prepareSetup(task, ctx);
    remember(ctx.workDir, outcome);
    return outcome.setup.prepared;
  },
  async evaluate(input, ctx) {
    const r = await scoreArtifact('val', input, ctx);
    return { score: r.score, metrics: r.metrics, seconds: r.seconds };
  },
  async grade(input, ctx) {
    const r = await scoreArtifact('test', input, ctx);
    return { score: r.score, metrics: r.metrics };
  },
});

import { definePlugin, type BenchmarkPlugin, type PreparedTask } from '@datamaster/sdk';
import type { TabularConfig } from './config.ts';
import { prepareSetup } from './prepare.ts';
import { rememberSetup, scoreArtifact } from './score.ts';

/**
 * The benchmark for a person's own table: everything comes from the task file (files, label, metric,
 * learner). prepare runs in every role's process; it is deterministic and reuses its files.
 */
export const benchTabular: BenchmarkPlugin<TabularConfig> = definePlugin({
  kind: 'benchmark',
  async prepare(task, ctx): Promise<PreparedTask> {
    const setup = await prepareSetup(task, ctx as never);
    rememberSetup(ctx.workDir, setup);
    return setup.prepared;
  },
  async evaluate(input, ctx) {
    const r = await scoreArtifact('val', input, ctx as never);
    return { score: r.score, metrics: r.metrics, seconds: r.seconds };
  },
  async grade(input, ctx) {
    const r = await scoreArtifact('test', input, ctx as never);
    return { score: r.score, metrics: r.metrics };
  },
});

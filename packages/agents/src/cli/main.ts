import { parseArgs } from 'node:util';
import { DataMasterError, errorInfo } from '@datamaster/core';
import { createLogger, type LogLevel } from '../host/logger.ts';
import { runEmbedded } from '../run/embedded.ts';
import { replayCommand } from './replay-command.ts';

const USAGE = `datamaster: autonomous data engineering for a fixed learner

  datamaster init --train FILE --label COL [--id COL] [--pool DIR] [--metric NAME] [--learner NAME | --learner-command CMD]
                  [--val FILE] [--test-inputs FILE --test-answers FILE] [--split random|group|time] [--split-column COL]
                  [--seed N] [--budget N] [--out task.json] [--force]      (init --help: every flag)
  datamaster run <task.json> [--budget N] [--parallel K] [--seconds S] [--run-dir DIR] [--json]
                 [--selection ucb|random] [--no-pool-reuse] [--no-memory] [--log-level L]
                 [--runs-dir DIR] [--quiet]
  datamaster run --resume <runDir> [--json]          (the budget is the original run's)
  datamaster replay <runDir | events.jsonl> [--until SEQ] [--json]
  datamaster agent <recorder|scout|curator|planner|trainer|critic> --nats nats://host:4222 --run <run>
                   [--task task.json (all but the recorder)] [--run-dir DIR] [--concurrency N] [--name NAME]
                   [--budget N] [--parallel K] [--log-level L]
  datamaster plugin new <source|benchmark|critic|policy> <name> [--dir DIR]
  datamaster plugin check <path> [--query TEXT] [--task task.json (benchmark)]
`;

function int(name: string, v: string | undefined, min = 1): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new DataMasterError('E_USAGE', `--${name} must be a whole number >= ${min}, got '${v}'`);
  return n;
}

export async function main(argv: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          budget: { type: 'string' },
          parallel: { type: 'string' },
          seconds: { type: 'string' },
          'run-dir': { type: 'string' },
          'runs-dir': { type: 'string' },
          resume: { type: 'string' },
          json: { type: 'boolean', default: false },
          selection: { type: 'string' },
          'no-pool-reuse': { type: 'boolean', default: false },
          'no-memory': { type: 'boolean', default: false },
          'log-level': { type: 'string', default: 'warn' },
          quiet: { type: 'boolean', default: false },
        },
      });
      if (values.resume && (positionals.length || values.budget || values.parallel || values.seconds || values.selection || values['no-pool-reuse'] || values['no-memory'])) {
        throw new DataMasterError('E_USAGE', `a resumed run keeps its original task, budget and search settings (in ${values.resume}/run.json): pass only --resume <runDir> [--json]`);
      }
      const selection = values.selection;
      if (selection !== undefined && selection !== 'ucb' && selection !== 'random') throw new DataMasterError('E_USAGE', `--selection must be ucb or random, got '${selection}'`);
      const search = {
        ...(selection ? { selection: selection as 'ucb' | 'random' } : {}),
        ...(values['no-pool-reuse'] ? { poolReuse: false } : {}),
        ...(values['no-memory'] ? { memory: false } : {}),
      };
      const logger = createLogger('datamaster', values['log-level'] as LogLevel);
      const { summary } = await runEmbedded({
        ...(positionals[0] ? { taskFile: positionals[0] } : {}),
        ...(values.resume ? { resume: values.resume } : {}),
        ...(values['run-dir'] ? { runDir: values['run-dir'] } : {}),
        ...(values['runs-dir'] ? { runsDir: values['runs-dir'] } : {}),
        ...(int('budget', values.budget) !== undefined ? { budget: int('budget', values.budget)! } : {}),
        ...(int('parallel', values.parallel) !== undefined ? { parallel: int('parallel', values.parallel)! } : {}),
        ...(int('seconds', values.seconds) !== undefined ? { seconds: int('seconds', values.seconds)! } : {}),
        search,
        logger,
        ...(values.quiet ? {} : { progress: out }),
      });
      const f = (v: number | null) => (v === null ? '-' : v.toFixed(4));
      out('');
      out(`run ${summary.run} (${summary.nodes} nodes) in ${summary.runDir}`);
      out(`baseline: val ${f(summary.baseline.val)}  test ${f(summary.baseline.test)}`);
      out(`best ${summary.best.id ?? '-'}: val ${f(summary.best.val)}  test ${f(summary.best.test)}${summary.best.medal ? `  medal ${summary.best.medal}` : ''}`);
      out(`sources: ${summary.sources.discovered} found, ${summary.sources.admitted} admitted, ${summary.sources.rejected} rejected; stopped: ${summary.finished ?? '-'}`);
      for (const n of summary.notes) out(`note: ${n}`);
      if (summary.rejectedSources.length) out(`rejected sources: ${summary.rejectedSources.map((r) => `${r.id} (${r.code})`).join(', ')}`);
      out(`inspect: datamaster replay ${summary.runDir}`);
      if (values.json) out(JSON.stringify(summary));
      return 0;
    }
    case 'replay': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { until: { type: 'string' }, json: { type: 'boolean', default: false } },
      });
      if (!positionals[0]) throw new DataMasterError('E_USAGE', 'replay needs a run directory or events.jsonl file');
      const until = int('until', values.until, 0);
      await replayCommand(positionals[0], { json: values.json ?? false, ...(until !== undefined ? { until } : {}) }, out);
      return 0;
    }
    case 'plugin': {
      const { pluginCommand } = await import('./plugin-cli.ts');
      return pluginCommand(rest, out);
    }
    case 'init': {
      const { initCommand } = await import('./init-command.ts');
      return initCommand(rest, out);
    }
    case 'agent': {
      const { agentCommand } = await import('./agent-command.ts');
      return agentCommand(rest, out);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new DataMasterError('E_USAGE', `unknown command '${command}'\n${USAGE}`);
  }
}

const isMain = process.argv[1] && /datamaster(\.js)?$|cli[\\/]main\.ts$/.test(process.argv[1]);
if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      const info = errorInfo(err);
      process.stderr.write(`datamaster: ${info.message} [${info.code}]\n`);
      if (process.env.DATAMASTER_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
      process.exit(1);
    },
  );
}

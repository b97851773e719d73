import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DataMasterError, LevelEventLog, loadJsonFile, NatsBus, type Task } from '@datamaster/core';
import { createLogger, type LogLevel } from '../host/logger.ts';
import { Recorder } from '../recorder/recorder.ts';
import { progressLine } from '../run/progress.ts';
import { knobsOf, loadRunContext, ROLES, startRole, type Role } from '../run/roles.ts';

const USAGE = `datamaster agent <recorder|${ROLES.join('|')}> --nats nats://host:4222 --run <run> [--task task.json] [--run-dir DIR] [--concurrency N]`;

/** Resolves when the process is asked to stop (SIGTERM / SIGINT). */
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
}

/**
 * `datamaster agent <role>`: one agent (or the recorder) per process, joined to the others by a NATS server.
 * The same role code as the embedded run; only the bus differs. Artifacts travel by path, so curators and
 * trainers share the run directory (a shared volume) or run on one machine.
 */
export async function agentCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      nats: { type: 'string', default: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' },
      run: { type: 'string' },
      task: { type: 'string' },
      'run-dir': { type: 'string' },
      concurrency: { type: 'string' },
      name: { type: 'string' },
      budget: { type: 'string' },
      parallel: { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      'ack-wait': { type: 'string' },
    },
  });
  const role = positionals[0] as Role | 'recorder' | undefined;
  if (!role || (role !== 'recorder' && !ROLES.includes(role))) throw new DataMasterError('E_USAGE', `unknown or missing role '${role ?? ''}'\n${USAGE}`);
  if (!values.run) throw new DataMasterError('E_USAGE', `--run is required\n${USAGE}`);
  const run = values.run;
  const runDir = resolve(values['run-dir'] ?? join('.datamaster/runs', run));
  const name = values.name ?? `${role}@${process.pid}`;
  const logger = createLogger(name, values['log-level'] as LogLevel);
  if (role !== 'recorder' && !values.task) throw new DataMasterError('E_USAGE', `--task is required for the ${role}\n${USAGE}`);
  const num = (flag: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new DataMasterError('E_USAGE', `--${flag} must be a whole number >= 1, got '${v}'`);
    return n;
  };
  const budget = num('budget', values.budget);
  const parallel = num('parallel', values.parallel);
  const concurrency = num('concurrency', values.concurrency);
  const ackWaitMs = num('ack-wait', values['ack-wait']);
  const env = process.env;
  const bus = await NatsBus.connect({
    servers: values.nats.split(','),
    name,
    // Credentials come from the environment only, never from flags (they would show in the process list).
    ...(env.NATS_USER ? { user: env.NATS_USER, pass: env.NATS_PASSWORD ?? '' } : {}),
    ...(env.NATS_TOKEN ? { token: env.NATS_TOKEN } : {}),
    ...(env.NATS_CREDS ? { credsFile: env.NATS_CREDS } : {}),
  });
  const stop = stopSignal();
  try {
    if (role === 'recorder') {
      const log = await LevelEventLog.open(runDir, { run });
      const recorder = await Recorder.start({
        bus,
        log,
        logger,
        onRecorded: (e, state) => {
          const line = progressLine(e, state);
          if (line) out(line);
        },
      });
      logger.info(`recording run ${run} into ${runDir}`);
      await stop;
      await recorder.stop();
      await log.close();
      return 0;
    }
    const taskFile = resolve(values.task!);
    const task = loadJsonFile<Task>(taskFile, 'task', 'see schemas/task.schema.json');
    const knobs = knobsOf(task, { ...(budget !== undefined ? { budget } : {}), ...(parallel !== undefined ? { parallel } : {}) });
    const ctx = await loadRunContext({ run, runDir, task, taskFile, knobs, bus, logger });
    const started = await startRole(role, ctx, {
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(ackWaitMs !== undefined ? { ackWaitMs } : {}),
      actor: name,
    });
    logger.info(`${role} joined run ${run}`);
    if (started.done) {
      void stop.then(() => started.stop?.());
      await started.done;
      const s = await ctx.getState([]);
      if (s.finished?.reason === 'root_failed') {
        const root = s.tree.rootId ? s.tree.nodes[s.tree.rootId] : undefined;
        await started.drain();
        await ctx.close();
        throw new DataMasterError('E_ROOT_FAILED', `run ${run}: the task's own data (the baseline) failed at ${root?.error?.stage ?? 'evaluate'}: ${root?.error?.message ?? 'unknown error'}; the run stops`, { run });
      }
    } else {
      await stop;
    }
    await started.drain();
    await ctx.close();
    return 0;
  } finally {
    await bus.close();
  }
}

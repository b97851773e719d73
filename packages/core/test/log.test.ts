import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { LevelEventLog, MemoryEventLog, type EventLog } from '../src/log/index.ts';
import { eventLogSuite, prunedEvent } from '../src/testing/event-log-suite.ts';

const root = mkdtempSync(join(tmpdir(), 'dm-log-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));

eventLogSuite(t, 'MemoryEventLog', async (run) => MemoryEventLog.open(run));

const dirOf = new WeakMap<EventLog, string>();
eventLogSuite(
  t,
  'LevelEventLog',
  async (run) => {
    const dir = join(root, run);
    const log = await LevelEventLog.open(dir, { run });
    dirOf.set(log, dir);
    return log;
  },
  { reopen: async (log) => LevelEventLog.open(dirOf.get(log) as string, { run: log.run }) },
);

t.test('LevelEventLog: the run id is kept in the log and checked on open', async (t) => {
  const dir = join(root, 'meta');
  const log = await LevelEventLog.open(dir, { run: 'meta-run' });
  await log.append(prunedEvent('meta-run', 1));
  await log.close();
  const again = await LevelEventLog.open(dir);
  t.equal(again.run, 'meta-run', 'run read from meta when not given');
  t.equal(await again.lastSeq(), 1);
  await again.close();
  await t.rejects(LevelEventLog.open(dir, { run: 'another-run' }), { code: 'E_LOG_RUN', message: /meta-run/ });
  await t.rejects(LevelEventLog.open(join(root, 'new-without-run')), { code: 'E_LOG_RUN', message: /pass \{ run \}/ });
});

t.test('a run id that no event could carry is refused on open', async (t) => {
  await t.rejects(LevelEventLog.open(join(root, 'bad-run-id'), { run: 'has space' }), { code: 'E_LOG_RUN', message: /has space/ });
  await t.rejects(MemoryEventLog.open('../up'), { code: 'E_LOG_RUN' });
});

t.test('LevelEventLog: replay of a missing run directory does not create one', async (t) => {
  const dir = join(root, 'missing');
  await t.rejects(LevelEventLog.open(dir, { create: false }), { code: 'E_LOG_MISSING', message: new RegExp(dir) });
});

t.test('LevelEventLog: a second handle in this process is refused with E_LOG_LOCKED', async (t) => {
  const dir = join(root, 'locked-here');
  const log = await LevelEventLog.open(dir, { run: 'locked-here' });
  t.teardown(() => log.close());
  await t.rejects(LevelEventLog.open(dir, { run: 'locked-here' }), { code: 'E_LOG_LOCKED', message: new RegExp(dir) });
});

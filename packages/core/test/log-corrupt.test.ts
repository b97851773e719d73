import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import t from 'tap';
import { LevelEventLog, LOG_DIR_NAME, seqKey } from '../src/log/index.ts';
import { prunedEvent } from '../src/testing/event-log-suite.ts';

const root = mkdtempSync(join(tmpdir(), 'dm-log-corrupt-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));

/** A closed log of `n` events, then `damage` applied to its raw database. */
async function damaged(name: string, n: number, damage: (db: ClassicLevel<string, string>) => Promise<void>): Promise<string> {
  const dir = join(root, name);
  const log = await LevelEventLog.open(dir, { run: name });
  await log.append(Array.from({ length: n }, (_, i) => prunedEvent(name, i + 1)));
  await log.close();
  const db = new ClassicLevel<string, string>(join(dir, LOG_DIR_NAME), { valueEncoding: 'utf8' });
  await db.open();
  await damage(db);
  await db.close();
  return dir;
}

async function readAll(dir: string): Promise<number> {
  const log = await LevelEventLog.open(dir);
  try {
    let n = 0;
    for await (const _ of log.read()) n++;
    return n;
  } finally {
    await log.close();
  }
}

t.test('a stored value that is not JSON gives E_LOG_CORRUPT naming the directory and key', async (t) => {
  const dir = await damaged('not-json', 5, (db) => db.put(seqKey(3), '{"id": trunc'));
  await t.rejects(readAll(dir), { code: 'E_LOG_CORRUPT', message: new RegExp(`${join(dir, LOG_DIR_NAME)}.*${seqKey(3)}.*not JSON`) });
});

t.test('a stored value that is not a valid event gives E_LOG_CORRUPT', async (t) => {
  const dir = await damaged('not-event', 5, async (db) => {
    const json = (await db.get(seqKey(2))) as string;
    await db.put(seqKey(2), json.replace('"node.pruned"', '"node.vanished"'));
  });
  await t.rejects(readAll(dir), { code: 'E_LOG_CORRUPT', message: /evt!0000000000000002.*not a valid event/ });
});

t.test('data that breaks its schema under a valid envelope is found by read({ verify: true })', async (t) => {
  const dir = await damaged('bad-data', 3, async (db) => {
    const json = (await db.get(seqKey(2))) as string;
    await db.put(seqKey(2), json.replace('"reason":', '"because":'));
  });
  const log = await LevelEventLog.open(dir);
  t.teardown(() => log.close());
  const audit = async () => {
    for await (const _ of log.read({ verify: true })) continue;
  };
  await t.rejects(audit(), { code: 'E_LOG_CORRUPT', message: /evt!0000000000000002.*unknown property 'because'/ });
});

t.test('a stored event under the wrong seq gives E_LOG_CORRUPT', async (t) => {
  const dir = await damaged('wrong-seq', 5, async (db) => db.put(seqKey(4), (await db.get(seqKey(1))) as string));
  await t.rejects(readAll(dir), { code: 'E_LOG_CORRUPT', message: /has seq 1, expected 4/ });
});

t.test('a seq gap gives E_LOG_CORRUPT instead of a partial read', async (t) => {
  const dir = await damaged('gap', 5, (db) => db.del(seqKey(3)));
  await t.rejects(readAll(dir), { code: 'E_LOG_CORRUPT', message: /seq 3 is missing/ });
  const log = await LevelEventLog.open(dir);
  t.teardown(() => log.close());
  const first: number[] = [];
  for await (const e of log.read({ to: 2 })) first.push(e.seq);
  t.same(first, [1, 2], 'the good prefix still reads with --until style ranges');
});

t.test('a damaged last event is found on open', async (t) => {
  const dir = await damaged('bad-last', 4, (db) => db.put(seqKey(4), 'garbage'));
  await t.rejects(LevelEventLog.open(dir), { code: 'E_LOG_CORRUPT', message: new RegExp(seqKey(4)) });
});

t.test('events without the run id in meta are refused', async (t) => {
  const dir = await damaged('no-meta', 2, (db) => db.del('meta!run'));
  await t.rejects(LevelEventLog.open(dir, { run: 'no-meta' }), { code: 'E_LOG_CORRUPT', message: /meta!run/ });
});

t.test('damaged database files give E_LOG_CORRUPT, and a missing CURRENT is not read as a new log', async (t) => {
  const manifest = await damaged('bad-manifest', 3, async () => {});
  const db = join(manifest, LOG_DIR_NAME);
  for (const f of readdirSync(db).filter((f) => f.startsWith('MANIFEST-'))) writeFileSync(join(db, f), 'garbage');
  await t.rejects(LevelEventLog.open(manifest), { code: 'E_LOG_CORRUPT', message: new RegExp(db) });

  const headless = await damaged('no-current', 3, async () => {});
  rmSync(join(headless, LOG_DIR_NAME, 'CURRENT'));
  await t.rejects(LevelEventLog.open(headless, { run: 'no-current' }), { code: 'E_LOG_CORRUPT', message: /CURRENT/ });
});

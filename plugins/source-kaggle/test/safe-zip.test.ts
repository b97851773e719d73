import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { DataMasterError } from '@datamaster/core';
import { extractZip } from '../src/safe-zip.ts';
import { makeZip, type ZipEntryInput } from './zip-writer.ts';

const LIMITS = { maxBytes: 64 * 1024, maxEntries: 100 };

async function withZip(t: Test, entries: ZipEntryInput[]): Promise<{ zip: string; dir: string; root: string }> {
  const root = await mkdtemp(join(tmpdir(), 'dm-kaggle-zip-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const zip = join(root, 'a.zip');
  await writeFile(zip, makeZip(entries));
  return { zip, dir: join(root, 'out'), root };
}

async function listed(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true })).map(String).sort();
  } catch {
    return [];
  }
}

t.test('extracts files and folders, stored and deflated', async (t) => {
  const { zip, dir } = await withZip(t, [
    { name: 'data/' },
    { name: 'data/train.csv', data: Buffer.from('a,b\n1,2\n'), deflate: true },
    { name: 'README.txt', data: Buffer.from('hello') },
  ]);
  const files = await extractZip(zip, dir, LIMITS);
  t.same(files.map((f) => [f.name, f.bytes]), [['data/train.csv', 8], ['README.txt', 5]]);
  t.equal(await readFile(join(dir, 'data', 'train.csv'), 'utf8'), 'a,b\n1,2\n');
  t.same(await listed(dir), ['README.txt', 'data', 'data/train.csv'], 'no staging folder left');
});

for (const [title, entry, pattern] of [
  ['a ../ entry', { name: '../evil.csv', data: Buffer.from('x') }, /resolves outside the target directory/],
  ['a nested ../ entry', { name: 'data/../../evil.csv', data: Buffer.from('x') }, /resolves outside the target directory/],
  ['an absolute entry', { name: '/tmp/evil.csv', data: Buffer.from('x') }, /absolute path/],
  ['a symbolic link', { name: 'link', data: Buffer.from('/etc/passwd'), mode: 0o120777 }, /symbolic link/],
  ['a device', { name: 'dev', data: Buffer.alloc(0), mode: 0o020644 }, /not a regular file/],
] as const) {
  t.test(`refuses ${title}, extracting nothing`, async (t) => {
    const { zip, dir, root } = await withZip(t, [{ name: 'ok.csv', data: Buffer.from('a\n1\n') }, entry]);
    const err = await extractZip(zip, dir, LIMITS).catch((e: unknown) => e);
    t.ok(err instanceof DataMasterError);
    t.equal((err as DataMasterError).code, 'E_ZIP_UNSAFE');
    t.match((err as Error).message, pattern);
    t.same(await listed(dir), [], 'the good entry was not extracted either');
    t.same((await readdir(root)).sort(), ['a.zip', 'out'], 'nothing written beside the target');
  });
}

t.test('refuses an archive whose declared unpacked size passes the limit (zip bomb)', async (t) => {
  const { zip, dir } = await withZip(t, [{ name: 'zeros.csv', data: Buffer.alloc(1024 * 1024), deflate: true }]);
  const err = await extractZip(zip, dir, LIMITS).catch((e: unknown) => e);
  t.equal((err as DataMasterError).code, 'E_ZIP_TOO_LARGE');
  t.match((err as Error).message, /unpacks to more than 65536 bytes/);
  t.same(await listed(dir), []);
});

t.test('stops an archive that lies about its sizes while unpacking', async (t) => {
  const { zip, dir } = await withZip(t, [{ name: 'zeros.csv', data: Buffer.alloc(1024 * 1024), deflate: true, declaredSize: 10 }]);
  const err = await extractZip(zip, dir, LIMITS).catch((e: unknown) => e);
  t.ok(['E_ZIP_TOO_LARGE', 'E_ZIP_INVALID'].includes((err as DataMasterError).code), (err as Error).message);
  t.same(await listed(dir), []);
});

t.test('refuses too many entries and a file that is not a zip', async (t) => {
  const { zip, dir } = await withZip(t, Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.csv`, data: Buffer.from('x') })));
  const err = await extractZip(zip, dir, { ...LIMITS, maxEntries: 3 }).catch((e: unknown) => e);
  t.equal((err as DataMasterError).code, 'E_ZIP_TOO_LARGE');
  t.match((err as Error).message, /more than 3 entries/);

  const bad = join(dir, '..', 'bad.zip');
  await writeFile(bad, 'PK\u0003\u0004 not really');
  const err2 = await extractZip(bad, dir, LIMITS).catch((e: unknown) => e);
  t.equal((err2 as DataMasterError).code, 'E_ZIP_INVALID');
});

import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { DataMasterError } from '@datamaster/sdk';

export interface ZipLimits {
  /** Most bytes all entries may unpack to, together. */
  maxBytes: number;
  /** Most entries an archive may hold. */
  maxEntries: number;
}

export interface ExtractedFile {
  /** Absolute path under the target directory. */
  path: string;
  /** Path inside the archive ('/'-separated). */
  name: string;
  bytes: number;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

interface PlannedEntry {
  entry: Entry;
  name: string;
  dir: boolean;
}

function unsafe(zip: string, name: string, why: string): DataMasterError {
  return new DataMasterError('E_ZIP_UNSAFE', `zip ${zip}: entry '${name}' ${why}; the archive was refused and nothing was extracted`, { zip, entry: name });
}

function openZip(path: string): Promise<ZipFile> {
  return new Promise((ok, fail) =>
    // decodeStrings off: names are decoded and checked here, so a bad name gets this module's error, not yauzl's.
    yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, zip) => (err ? fail(err) : ok(zip))),
  );
}

function readEntries(zip: ZipFile, max: number, path: string): Promise<Entry[]> {
  return new Promise((ok, fail) => {
    const entries: Entry[] = [];
    zip.on('entry', (e) => {
      entries.push(e);
      if (entries.length > max) {
        fail(new DataMasterError('E_ZIP_TOO_LARGE', `zip ${path}: more than ${max} entries; refused (raise maxZipEntries if this is expected)`, { zip: path, maxEntries: max }));
        return;
      }
      zip.readEntry();
    });
    zip.on('end', () => ok(entries));
    zip.on('error', fail);
    zip.readEntry();
  });
}

/** Checks every entry before a byte is written: names inside the target, no links or devices, sizes within the limit. */
function plan(entries: Entry[], zipPath: string, root: string, limits: ZipLimits): PlannedEntry[] {
  let total = 0;
  return entries.map((entry) => {
    const raw = entry.fileName as Buffer;
    const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false);
    if (name.includes('\0') || name.includes('\\')) throw unsafe(zipPath, name, 'has a forbidden character in its name');
    if (isAbsolute(name) || /^[a-zA-Z]:/.test(name)) throw unsafe(zipPath, name, 'is an absolute path');
    const target = resolve(root, name);
    const rel = relative(root, target);
    if (name.split('/').includes('..') || rel.startsWith('..') || isAbsolute(rel)) throw unsafe(zipPath, name, 'resolves outside the target directory');
    const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
    if (type === 0o120000) throw unsafe(zipPath, name, 'is a symbolic link');
    if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) throw unsafe(zipPath, name, 'is not a regular file or folder');
    if (entry.isEncrypted()) throw unsafe(zipPath, name, 'is encrypted');
    total += entry.uncompressedSize;
    if (total > limits.maxBytes) {
      throw new DataMasterError('E_ZIP_TOO_LARGE', `zip ${zipPath}: unpacks to more than ${limits.maxBytes} bytes (at entry '${name}'); refused before extracting (raise the fetch limit if this is expected)`, { zip: zipPath, maxBytes: limits.maxBytes });
    }
    return { entry, name, dir: name.endsWith('/') || type === S_IFDIR };
  });
}

function openStream(zip: ZipFile, entry: Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((ok, fail) => zip.openReadStream(entry, (err, stream) => (err ? fail(err) : ok(stream))));
}

/** Counts bytes as they unpack, so an archive that lies about its sizes still stops at the limit. */
function byteCap(limit: number, onBytes: (n: number) => void, zipPath: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      onBytes(chunk.length);
      if (seen > limit) return done(new DataMasterError('E_ZIP_TOO_LARGE', `zip ${zipPath}: unpacked data passed ${limit} bytes; refused`, { zip: zipPath, maxBytes: limit }));
      done(null, chunk);
    },
  });
}

/**
 * Extracts `zipPath` into `dir`, all or nothing: entries go to a staging folder inside `dir` and are moved into
 * place only when every one unpacked within the limits. Refuses (E_ZIP_UNSAFE) entries that escape `dir`,
 * absolute names, symbolic links, devices and encrypted entries; refuses (E_ZIP_TOO_LARGE) archives whose declared
 * or actual unpacked size passes `limits.maxBytes`, or that hold more than `limits.maxEntries` entries.
 */
export async function extractZip(zipPath: string, dir: string, limits: ZipLimits): Promise<ExtractedFile[]> {
  await mkdir(dir, { recursive: true });
  const stage = await mkdtemp(join(dir, '.unzip-'));
  let zip: ZipFile | undefined;
  try {
    try {
      zip = await openZip(zipPath);
    } catch (err) {
      throw new DataMasterError('E_ZIP_INVALID', `zip ${zipPath}: not a readable zip archive (${(err as Error).message}); the download may be corrupt, retry it`, { zip: zipPath }, { cause: err });
    }
    const planned = plan(await readEntries(zip, limits.maxEntries, zipPath), zipPath, stage, limits);
    let total = 0;
    const files: Array<{ name: string; bytes: number }> = [];
    for (const p of planned) {
      const target = join(stage, p.name);
      if (p.dir) {
        await mkdir(target, { recursive: true });
        continue;
      }
      await mkdir(dirname(target), { recursive: true });
      let bytes = 0;
      try {
        await pipeline(
          await openStream(zip, p.entry),
          byteCap(limits.maxBytes - total, (n) => (bytes += n), zipPath),
          createWriteStream(target, { flags: 'wx' }),
        );
      } catch (err) {
        if (err instanceof DataMasterError) throw err;
        throw new DataMasterError('E_ZIP_INVALID', `zip ${zipPath}: entry '${p.name}' could not be unpacked (${(err as Error).message}); the archive is corrupt or lies about its sizes`, { zip: zipPath, entry: p.name }, { cause: err });
      }
      total += bytes;
      files.push({ name: p.name, bytes });
    }
    // Everything unpacked: move the staged tree into place.
    for (const child of await readdir(stage)) {
      await rm(join(dir, child), { recursive: true, force: true });
      await rename(join(stage, child), join(dir, child));
    }
    return files.map((f) => ({ name: f.name, bytes: f.bytes, path: join(dir, ...f.name.split('/')) }));
  } finally {
    zip?.close();
    await rm(stage, { recursive: true, force: true });
  }
}

/** True when the file starts with a zip local header ('PK\x03\x04') or an empty archive's end record. */
export function looksLikeZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}


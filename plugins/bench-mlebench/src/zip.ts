/**
 * Just enough of the zip format for MLE-bench's public folders: list a zip (zip64 included), extract one
 * entry, and write a zip of files (deflated) or of entries copied raw from another zip (no recompression).
 * Written zips use a fixed timestamp so the same inputs give the same bytes.
 */
import { closeSync, createReadStream, createWriteStream, fstatSync, openSync, readSync, type WriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createDeflateRaw, createInflateRaw, crc32 } from 'node:zlib';
import { Transform, Writable } from 'node:stream';
import { DataMasterError } from '@datamaster/sdk';

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function zipError(file: string, message: string): DataMasterError {
  return new DataMasterError('E_MLEBENCH_ZIP', `${file}: ${message}`, { file });
}

function readAt(fd: number, pos: number, len: number): Buffer {
  const buf = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const n = readSync(fd, buf, got, len - got, pos + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** The entries of a zip file, from its central directory. */
export function listZip(file: string): ZipEntry[] {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const tailLen = Math.min(size, 65557);
    const tail = readAt(fd, size - tailLen, tailLen);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw zipError(file, 'not a zip file (no end of central directory record)');
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) {
      const locPos = size - tailLen + eocd - 20;
      const loc = readAt(fd, locPos, 20);
      if (loc.readUInt32LE(0) !== 0x07064b50) throw zipError(file, 'zip64 end of central directory locator missing');
      const z64 = readAt(fd, Number(loc.readBigUInt64LE(8)), 56);
      if (z64.readUInt32LE(0) !== 0x06064b50) throw zipError(file, 'zip64 end of central directory record missing');
      count = Number(z64.readBigUInt64LE(32));
      cdSize = Number(z64.readBigUInt64LE(40));
      cdOffset = Number(z64.readBigUInt64LE(48));
    }
    const cd = readAt(fd, cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw zipError(file, `central directory entry ${k + 1} is damaged`);
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16);
      let compressedSize = cd.readUInt32LE(p + 20);
      let usize = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      let localOffset = cd.readUInt32LE(p + 42);
      const name = cd.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen);
      // zip64 extended information: the 64-bit values of the fields that hold 0xFFFFFFFF, in this order.
      let e = p + 46 + nameLen;
      const extraEnd = e + extraLen;
      while (e + 4 <= extraEnd) {
        const tag = cd.readUInt16LE(e);
        const len = cd.readUInt16LE(e + 2);
        if (tag === 0x0001) {
          let q = e + 4;
          if (usize === 0xffffffff) (usize = Number(cd.readBigUInt64LE(q))), (q += 8);
          if (compressedSize === 0xffffffff) (compressedSize = Number(cd.readBigUInt64LE(q))), (q += 8);
          if (localOffset === 0xffffffff) localOffset = Number(cd.readBigUInt64LE(q));
        }
        e += 4 + len;
      }
      entries.push({ name, method, flags, crc, compressedSize, size: usize, localOffset });
      p = extraEnd + commentLen;
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}

function dataOffset(fd: number, file: string, entry: ZipEntry): number {
  const h = readAt(fd, entry.localOffset, 30);
  if (h.readUInt32LE(0) !== 0x04034b50) throw zipError(file, `local header of ${entry.name} is damaged`);
  return entry.localOffset + 30 + h.readUInt16LE(26) + h.readUInt16LE(28);
}

/** Extracts one entry of `file` to `dest`. */
export async function extractEntry(file: string, entry: ZipEntry, dest: string): Promise<void> {
  const fd = openSync(file, 'r');
  let start: number;
  try {
    start = dataOffset(fd, file, entry);
  } finally {
    closeSync(fd);
  }
  const src = entry.compressedSize > 0 ? createReadStream(file, { start, end: start + entry.compressedSize - 1 }) : null;
  if (entry.method !== 0 && entry.method !== 8) throw zipError(file, `${entry.name} uses compression method ${entry.method}; only stored and deflated entries can be read`);
  const out = createWriteStream(dest);
  if (!src) {
    await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
    return;
  }
  if (entry.method === 8) await pipeline(src, createInflateRaw(), out);
  else await pipeline(src, out);
}

/** Lists `file` and extracts the entry named `name` (or the only entry when `name` is undefined). */
export async function extractNamed(file: string, name: string | undefined, dest: string): Promise<void> {
  const entries = listZip(file).filter((e) => !e.name.endsWith('/'));
  const entry = name === undefined ? (entries.length === 1 ? entries[0] : undefined) : entries.find((e) => e.name === name || e.name.endsWith(`/${name}`));
  if (!entry) {
    throw zipError(file, name === undefined ? `holds ${entries.length} files; expected exactly one` : `has no entry '${name}' (entries: ${entries.slice(0, 5).map((e) => e.name).join(', ')}${entries.length > 5 ? ', ...' : ''})`);
  }
  await extractEntry(file, entry, dest);
}

export type ZipSource =
  /** A file on disk, deflated into the new zip. */
  | { name: string; file: string }
  /** An entry of another zip, copied without recompression. */
  | { name: string; fromZip: string; entry: ZipEntry };

const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
const DOS_TIME = 0;

function write(out: WriteStream, buf: Buffer): Promise<void> {
  if (out.write(buf)) return Promise.resolve();
  return new Promise((res, rej) => {
    const onError = (e: Error) => rej(e);
    out.once('error', onError);
    out.once('drain', () => {
      out.off('error', onError);
      res();
    });
  });
}

/** Writes a zip of `sources`, in order. Limited to 65,535 entries and 4 GiB (no zip64 on write). */
export async function writeZip(dest: string, sources: readonly ZipSource[]): Promise<void> {
  if (sources.length >= 0xffff) throw zipError(dest, `${sources.length} entries is more than a zip without zip64 holds`);
  const out = createWriteStream(dest);
  let failed: Error | undefined;
  out.on('error', (e) => (failed = e));
  const central: Buffer[] = [];
  let offset = 0;
  const emit = async (buf: Buffer) => {
    await write(out, buf);
    offset += buf.length;
  };
  try {
    for (const src of sources) {
      const name = Buffer.from(src.name, 'utf8');
      const localOffset = offset;
      let crc = 0;
      let csize = 0;
      let usize = 0;
      let method = 8;
      let flags = 0x800;
      if ('fromZip' in src) {
        const e = src.entry;
        if (e.method !== 0 && e.method !== 8) throw zipError(src.fromZip, `${e.name} uses compression method ${e.method}`);
        ({ crc, compressedSize: csize, size: usize, method } = e);
        await emit(localHeader(name, method, flags, crc, csize, usize));
        const fd = openSync(src.fromZip, 'r');
        let start: number;
        try {
          start = dataOffset(fd, src.fromZip, e);
        } finally {
          closeSync(fd);
        }
        if (csize > 0) {
          for await (const chunk of createReadStream(src.fromZip, { start, end: start + csize - 1 })) await emit(chunk as Buffer);
        }
      } else {
        flags |= 0x08; // sizes and CRC follow the data
        await emit(localHeader(name, method, flags, 0, 0, 0));
        const counter = new Transform({
          transform(chunk: Buffer, _enc, cb) {
            crc = crc32(chunk, crc);
            usize += chunk.length;
            cb(null, chunk);
          },
        });
        const sink = new Writable({
          write(chunk: Buffer, _enc, cb) {
            csize += chunk.length;
            emit(chunk).then(() => cb(), cb);
          },
        });
        await pipeline(createReadStream(src.file), counter, createDeflateRaw({ level: 6 }), sink);
        const dd = Buffer.alloc(16);
        dd.writeUInt32LE(0x08074b50, 0);
        dd.writeUInt32LE(crc >>> 0, 4);
        dd.writeUInt32LE(csize, 8);
        dd.writeUInt32LE(usize, 12);
        await emit(dd);
      }
      if (offset > 0xffffffff || usize > 0xffffffff) throw zipError(dest, 'over 4 GiB: zip64 is not written');
      central.push(centralHeader(name, method, flags, crc >>> 0, csize, usize, localOffset));
    }
    const cdStart = offset;
    for (const c of central) await emit(c);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(central.length, 8);
    end.writeUInt16LE(central.length, 10);
    end.writeUInt32LE(offset - cdStart, 12);
    end.writeUInt32LE(cdStart, 16);
    await emit(end);
  } finally {
    await new Promise<void>((res) => {
      if (out.destroyed) res();
      else out.end(() => res());
    });
  }
  if (failed) throw zipError(dest, `cannot write (${failed.message})`);
}

function localHeader(name: Buffer, method: number, flags: number, crc: number, csize: number, usize: number): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(flags, 6);
  h.writeUInt16LE(method, 8);
  h.writeUInt16LE(DOS_TIME, 10);
  h.writeUInt16LE(DOS_DATE, 12);
  h.writeUInt32LE(crc >>> 0, 14);
  h.writeUInt32LE(csize, 18);
  h.writeUInt32LE(usize, 22);
  h.writeUInt16LE(name.length, 26);
  h.writeUInt16LE(0, 28);
  return Buffer.concat([h, name]);
}

function centralHeader(name: Buffer, method: number, flags: number, crc: number, csize: number, usize: number, localOffset: number): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(flags, 8);
  h.writeUInt16LE(method, 10);
  h.writeUInt16LE(DOS_TIME, 12);
  h.writeUInt16LE(DOS_DATE, 14);
  h.writeUInt32LE(crc, 16);
  h.writeUInt32LE(csize, 20);
  h.writeUInt32LE(usize, 24);
  h.writeUInt16LE(name.length, 28);
  h.writeUInt32LE(localOffset, 42);
  return Buffer.concat([h, name]);
}

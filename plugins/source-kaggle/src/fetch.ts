import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { KaggleApi } from './api.ts';
import { settingsOf, type KaggleConfig } from './config.ts';
import { DATA_CONTENT_TYPES, formatOfPath } from './formats.ts';
import { extractZip, looksLikeZip } from './safe-zip.ts';
import { parseKaggleId } from './source-id.ts';
import { DataMasterError, type FetchLimits, type FetchedFile, type PluginContext, type Source } from '@datamaster/sdk';

async function head(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function inside(dir: string, name: string): string {
  const target = resolve(dir, name);
  const rel = relative(resolve(dir), target);
  if (!rel || rel.startsWith('..') || resolve(rel) === rel) {
    throw new DataMasterError('E_SOURCE_PATH', `source-kaggle: file name '${name}' would be written outside ${dir}; refusing it`, { name });
  }
  return target;
}

/**
 * Downloads the dataset zip (or one named file) into `dir` and unpacks it safely. The download is capped at
 * `limits.maxBytes`, and so is the unpacked size; a failed fetch leaves nothing behind.
 */
export async function fetchFromKaggle(source: Source, dir: string, limits: FetchLimits, ctx: PluginContext<KaggleConfig>): Promise<FetchedFile[]> {
  const s = settingsOf(ctx);
  const { ref, file } = parseKaggleId(source.id);
  if (!file && typeof source.sizeBytes === 'number' && source.sizeBytes > limits.maxBytes) {
    throw new DataMasterError('E_SOURCE_TOO_LARGE', `source-kaggle: ${ref} is ${source.sizeBytes} bytes, over the fetch limit of ${limits.maxBytes} bytes; raise the limit or fetch one file (kaggle:${ref}:<file>)`, { ref, size: source.sizeBytes, maxBytes: limits.maxBytes });
  }
  await mkdir(dir, { recursive: true });
  const download = join(dir, `.kaggle-${randomBytes(6).toString('hex')}.part`);
  try {
    await new KaggleApi(ctx, s).download(ref, file, download, { maxBytes: limits.maxBytes, timeoutMs: limits.timeoutMs, accept: DATA_CONTENT_TYPES });
    if (looksLikeZip(await head(download))) {
      const files = await extractZip(download, dir, { maxBytes: limits.maxBytes, maxEntries: s.maxZipEntries });
      return files.map((f) => ({ path: f.path, bytes: f.bytes, format: formatOfPath(f.name) }));
    }
    if (!file) {
      throw new DataMasterError('E_SOURCE_FORMAT', `source-kaggle: the download of ${ref} is not a zip archive; Kaggle may have answered with an error page, retry later`, { ref });
    }
    const target = inside(dir, file);
    await mkdir(dirname(target), { recursive: true });
    await rename(download, target);
    const { size } = await stat(target);
    return [{ path: target, bytes: size, format: formatOfPath(file) }];
  } finally {
    await rm(download, { force: true });
  }
}

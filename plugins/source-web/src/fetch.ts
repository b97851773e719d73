import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { WebConfig } from './config.ts';
import { webError } from './errors.ts';
import { DATA_CONTENT_TYPES } from './formats.ts';
import { DataMasterError, type FetchLimits, type FetchedFile, type PluginContext, type Source } from '@datamaster/sdk';

/** A file name from the URL's last path segment, reduced to safe characters; never a path. */
function fileNameFor(source: Source): string {
  const last = decodeURIComponent(new URL(source.uri).pathname.split('/').pop() ?? '');
  const safe = last.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
  return safe || `data.${source.format}`;
}

/** Downloads the candidate's file (a CKAN resource, a search hit or a direct link) into `dir`. */
export async function fetchWebSource(source: Source, dir: string, limits: FetchLimits, ctx: PluginContext<WebConfig>): Promise<FetchedFile[]> {
  let url: URL;
  try {
    url = new URL(source.uri);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DataMasterError('E_SOURCE_URI', `source-web: ${source.id} has uri '${source.uri}', which is not an http(s) URL; only web files can be fetched`, { id: source.id });
  }
  await mkdir(dir, { recursive: true });
  const target = join(dir, fileNameFor(source));
  try {
    const got = await ctx.http.download(url.href, target, { maxBytes: limits.maxBytes, timeoutMs: limits.timeoutMs, accept: DATA_CONTENT_TYPES });
    return [{ path: target, format: source.format, bytes: got.bytes }];
  } catch (err) {
    await rm(target, { force: true });
    throw webError(err, `downloading ${source.id}`, `the link may have moved; check ${source.origin ?? source.uri}`);
  }
}

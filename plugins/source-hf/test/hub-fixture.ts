import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoopbackRoute } from '@datamaster/core/testing';

/** Repo files served by the fake hub: path -> bytes. */
export type RepoFiles = Record<string, Buffer>;

export const CSV = Buffer.from('text,label\ngreat movie,1\nawful plot,0\n');
export const PARQUET = Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 7), Buffer.from('PAR1')]);

/** One /api/datasets item as the hub answers it with expand=description,tags,cardData (and the default keys). */
export function datasetItem(id: string, extra: { license?: string; prettyName?: string; gated?: false | 'auto' | 'manual' } = {}) {
  return {
    _id: `66${Buffer.from(id).toString('hex').slice(0, 22)}`,
    id,
    private: false,
    gated: extra.gated ?? false,
    downloads: 1234,
    likes: 56,
    lastModified: '2024-05-01T12:00:00.000Z',
    description: `${id}: reviews labelled by sentiment.`,
    tags: ['task_categories:text-classification', 'language:en', `license:${extra.license ?? 'mit'}`, 'size_categories:1K<n<10K', 'format:csv'],
    cardData: { license: extra.license ?? 'mit', pretty_name: extra.prettyName ?? id.split('/')[1], task_categories: ['text-classification'] },
  };
}

/** /api/datasets/{id}/tree/main?recursive=true answer: files (LFS ones with their pointer) and folders. */
export function treeOf(files: RepoFiles) {
  const dirs = new Set<string>();
  for (const p of Object.keys(files)) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return [
    ...[...dirs].map((path) => ({ type: 'directory', oid: 'd'.repeat(40), size: 0, path })),
    ...Object.entries(files).map(([path, data]) => ({
      type: 'file',
      oid: 'f'.repeat(40),
      size: path.endsWith('.parquet') ? 134 : data.length,
      path,
      ...(path.endsWith('.parquet') ? { lfs: { oid: 'a'.repeat(64), size: data.length, pointerSize: 134 } } : {}),
    })),
  ];
}

function typeOf(path: string): string {
  if (path.endsWith('.csv')) return 'text/csv; charset=utf-8';
  if (path.endsWith('.json') || path.endsWith('.jsonl')) return 'application/json; charset=utf-8';
  return 'application/octet-stream';
}

/**
 * GET /datasets/{repo}/resolve/{rev}/{path} like the hub: a Range request (what fileDownloadInfo sends) gets 206
 * with Content-Range and ETag; a plain GET gets the whole file.
 */
export function resolveRoute(repo: string, files: RepoFiles, override?: (path: string, count: number) => { status: number; headers?: Record<string, string>; body?: string } | undefined): LoopbackRoute {
  const prefix = `/datasets/${repo}/resolve/main/`;
  const counts = new Map<string, number>();
  return (req: IncomingMessage, res: ServerResponse, { url }) => {
    const path = decodeURIComponent(url.pathname.slice(prefix.length));
    const data = files[path];
    const count = counts.get(path) ?? 0;
    counts.set(path, count + 1);
    const special = override?.(path, count);
    if (special) {
      res.writeHead(special.status, special.headers ?? {});
      res.end(special.body ?? '');
      return;
    }
    if (!data) {
      res.writeHead(404, { 'content-type': 'text/plain', 'x-error-code': 'EntryNotFound' });
      res.end('Entry not found');
      return;
    }
    const etag = `"${'e'.repeat(40)}"`;
    if (req.headers.range === 'bytes=0-0') {
      res.writeHead(206, { 'content-type': typeOf(path), 'content-range': `bytes 0-0/${data.length}`, 'content-length': '1', etag });
      res.end(data.subarray(0, 1));
      return;
    }
    res.writeHead(200, { 'content-type': typeOf(path), 'content-length': String(data.length), etag });
    res.end(data);
  };
}

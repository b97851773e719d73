import { basicAuth, loadCredentials } from './credentials.ts';
import type { KaggleConfig, KaggleSettings } from './config.ts';
import { DataMasterError, type HttpRequestOptions, type PluginContext } from '@datamaster/sdk';

/** One item of GET /api/v1/datasets/list and the answer of GET /api/v1/datasets/view/{owner}/{slug}. */
export interface KaggleDataset {
  id?: number;
  ref: string;
  title?: string;
  subtitle?: string;
  description?: string;
  url?: string;
  ownerName?: string;
  ownerRef?: string;
  creatorName?: string;
  totalBytes?: number;
  lastUpdated?: string;
  downloadCount?: number;
  voteCount?: number;
  usabilityRating?: number;
  licenseName?: string;
  isPrivate?: boolean;
  tags?: Array<{ ref?: string; name?: string }>;
}

/** One item of GET /api/v1/datasets/list/{owner}/{slug} (`datasetFiles`). */
export interface KaggleFile {
  ref?: string;
  name: string;
  totalBytes?: number;
  fileType?: string;
  description?: string;
}

/** The Kaggle API v1 calls this plugin makes, through the context's HttpClient, with basic auth. */
export class KaggleApi {
  constructor(
    private readonly ctx: PluginContext<KaggleConfig>,
    private readonly s: KaggleSettings,
  ) {}

  private async auth(): Promise<Record<string, string>> {
    return { authorization: basicAuth(await loadCredentials(this.ctx, this.s.credentialsFile)) };
  }

  private async get<T>(path: string, what: string): Promise<T> {
    try {
      return await this.ctx.http.json<T>(`${this.s.api}${path}`, { headers: await this.auth(), maxBytes: this.s.apiMaxBytes });
    } catch (err) {
      throw kaggleError(err, what);
    }
  }

  search(text: string, page = 1): Promise<KaggleDataset[]> {
    const q = new URLSearchParams({ page: String(page) });
    if (text) q.set('search', text);
    if (this.s.sortBy) q.set('sortBy', this.s.sortBy);
    if (this.s.fileType) q.set('filetype', this.s.fileType);
    if (this.s.license) q.set('license', this.s.license);
    return this.get<KaggleDataset[]>(`/datasets/list?${q}`, `searching datasets for '${text}'`);
  }

  view(ref: string): Promise<KaggleDataset> {
    return this.get<KaggleDataset>(`/datasets/view/${ref}`, `reading the metadata of ${ref}`);
  }

  async files(ref: string): Promise<KaggleFile[]> {
    const out: KaggleFile[] = [];
    let token = '';
    // The file list is paged by nextPageToken; a few pages cover any dataset worth fetching whole.
    for (let page = 0; page < 20; page++) {
      const answer = await this.get<{ datasetFiles?: KaggleFile[]; nextPageToken?: string; errorMessage?: string | null }>(
        `/datasets/list/${ref}${token ? `?pageToken=${encodeURIComponent(token)}` : ''}`,
        `listing the files of ${ref}`,
      );
      if (answer.errorMessage) throw new DataMasterError('E_SOURCE_FAILED', `source-kaggle: listing the files of ${ref}: Kaggle answered '${answer.errorMessage}'`, { ref });
      out.push(...(answer.datasetFiles ?? []));
      token = answer.nextPageToken ?? '';
      if (!token) break;
    }
    return out;
  }

  /** GET /datasets/download/{ref}[/{file}]: the dataset zip, or one file (which Kaggle may also send zipped). */
  async download(ref: string, file: string | undefined, target: string, opts: HttpRequestOptions): Promise<{ bytes: number; contentType: string }> {
    const url = `${this.s.api}/datasets/download/${ref}${file ? `/${encodeURIComponent(file)}` : ''}`;
    try {
      return await this.ctx.http.download(url, target, { ...opts, headers: await this.auth() });
    } catch (err) {
      throw kaggleError(err, `downloading ${file ? `${file} of ` : ''}${ref}`);
    }
  }
}

/** Re-states an HTTP failure in Kaggle's terms; the code stays the HTTP client's (E_HTTP_AUTH, ...). */
export function kaggleError(err: unknown, what: string): Error {
  if (!(err instanceof DataMasterError)) {
    return new DataMasterError('E_SOURCE_FAILED', `source-kaggle: ${what} failed: ${err instanceof Error ? err.message : String(err)}`, {}, { cause: err });
  }
  if (err.code === 'E_SOURCE_CREDENTIALS') return err;
  const hint: Record<string, string> = {
    E_HTTP_AUTH: 'Kaggle refused the credentials. Check KAGGLE_USERNAME / KAGGLE_KEY (or ~/.kaggle/kaggle.json): create a new API token under Kaggle > Settings > API; for a competition or private dataset, the account also needs access',
    E_HTTP_NOT_FOUND: 'not found; check the dataset reference (owner/slug) and file name, and the baseUrl config',
    E_HTTP_RATE_LIMITED: 'still rate limited by Kaggle after the retries; wait and try again',
  };
  const h = hint[err.code];
  return new DataMasterError(err.code, `source-kaggle: ${what}: ${h ? `${h} (${err.message})` : err.message}`, err.details, { cause: err });
}

import type { PortalConfig, WebConfig, WebSettings } from './config.ts';
import { webError } from './errors.ts';
import { formatOfResource } from './formats.ts';
import { ckanSourceId } from './source-id.ts';
import { DataMasterError, type PluginContext, type Source } from '@datamaster/sdk';

/** GET {portal}/api/3/action/package_search answer, the parts used here. */
interface CkanSearch {
  success: boolean;
  error?: { message?: string };
  result?: { count: number; results: CkanPackage[] };
}
interface CkanPackage {
  id?: string;
  name: string;
  title?: string;
  notes?: string | null;
  license_id?: string | null;
  license_title?: string | null;
  organization?: { title?: string } | null;
  tags?: Array<{ name?: string }>;
  resources?: CkanResource[];
}
interface CkanResource {
  id?: string;
  name?: string | null;
  url?: string | null;
  format?: string | null;
  size?: number | string | null;
  description?: string | null;
}

const DESCRIPTION_CHARS = 600;

/** One candidate per data resource of each package the portal's package_search returns. */
export async function searchPortal(portal: Required<PortalConfig>, text: string, s: WebSettings, ctx: PluginContext<WebConfig>): Promise<Source[]> {
  const url = `${portal.url}/api/3/action/package_search?${new URLSearchParams({ q: text, rows: String(s.rowsPerPortal) })}`;
  let answer: CkanSearch;
  try {
    answer = await ctx.http.json<CkanSearch>(url, { maxBytes: s.apiMaxBytes });
  } catch (err) {
    throw webError(err, `searching the CKAN portal ${portal.name}`, `check the portal URL (${portal.url}) in the portals config`);
  }
  if (!answer.success || !answer.result) {
    throw new DataMasterError('E_SOURCE_FAILED', `source-web: CKAN portal ${portal.name} answered success=false (${answer.error?.message ?? 'no message'}); check the query and the portal URL`, { portal: portal.url });
  }
  const out: Source[] = [];
  for (const pkg of answer.result.results ?? []) {
    for (const [i, res] of (pkg.resources ?? []).entries()) {
      if (!res.url || !/^https?:\/\//i.test(res.url)) continue;
      const format = formatOfResource(res.format, res.url);
      if (!s.formats.includes(format)) continue;
      const size = typeof res.size === 'number' ? res.size : Number.parseInt(String(res.size ?? ''), 10);
      const description = pkg.notes ?? res.description;
      const source: Source = {
        id: ckanSourceId(portal.url, pkg.name, res.id ?? String(i)),
        plugin: ctx.name,
        uri: res.url,
        format,
        title: `${pkg.title ?? pkg.name}${res.name ? ` / ${res.name}` : ''}`,
        license: pkg.license_title ?? pkg.license_id ?? 'unknown',
        origin: `${portal.url}/dataset/${pkg.name}`,
        meta: { portal: portal.url, package: pkg.name, ...(res.id ? { resource: res.id } : {}), ...(pkg.organization?.title ? { publisher: pkg.organization.title } : {}) },
      };
      if (description) source.description = description.slice(0, DESCRIPTION_CHARS);
      if (Number.isFinite(size) && size >= 0) source.sizeBytes = size;
      const tags = (pkg.tags ?? []).map((t) => t.name).filter((t): t is string => !!t);
      if (tags.length) source.tags = tags;
      out.push(source);
    }
  }
  return out;
}

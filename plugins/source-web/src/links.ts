import type { WebConfig, WebSettings } from './config.ts';
import { formatOfUrl } from './formats.ts';
import { webSourceId } from './source-id.ts';
import { DataMasterError, type PluginContext, type Source } from '@datamaster/sdk';

/** Configured direct links, as candidates; a link whose format is not accepted is a config error. */
export function linkSources(s: WebSettings, ctx: PluginContext<WebConfig>): Source[] {
  return s.links.map((l, i) => {
    let url: URL;
    try {
      url = new URL(l.url);
    } catch {
      throw new DataMasterError('E_CONFIG', `source-web: links[${i}] '${l.url}' is not a URL; give an http(s) link to a CSV / Parquet / JSON file`, { path: `/links/${i}` });
    }
    const format = formatOfUrl(url.href);
    if (!s.formats.includes(format)) {
      throw new DataMasterError('E_CONFIG', `source-web: links[${i}] '${l.url}' does not end in a known data extension (${s.formats.join(', ')}); link the file itself, or add its format to "formats"`, { path: `/links/${i}` });
    }
    const source: Source = {
      id: webSourceId(url.href),
      plugin: ctx.name,
      uri: url.href,
      format,
      title: l.title ?? url.pathname.split('/').pop() ?? url.host,
      license: l.license ?? 'unknown',
      origin: `configured link (${url.host})`,
      meta: { link: i },
    };
    if (l.description) source.description = l.description;
    return source;
  });
}

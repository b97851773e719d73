import { SearxngSearch } from '@langchain/community/tools/searxng_search';
import type { WebConfig, WebSearchConfig, WebSettings } from './config.ts';
import { webError } from './errors.ts';
import { formatOfUrl } from './formats.ts';
import { webSourceId } from './source-id.ts';
import type { PluginContext, Source } from '@datamaster/sdk';

/** What a search tool gives back, reduced to links. */
export interface SearchHit {
  link: string;
  title?: string;
  snippet?: string;
}

/** The LangChain tool for a config. A tool must be able to target a configured base URL (tests, self-hosting). */
export function searchToolFor(cfg: WebSearchConfig): { invoke(input: string): Promise<unknown>; name: string } {
  switch (cfg.tool) {
    case 'searxng':
      return new SearxngSearch({ apiBase: cfg.apiBase.replace(/\/+$/, ''), params: { format: 'json', numResults: cfg.numResults ?? 10, ...(cfg.engines ? { engines: cfg.engines } : {}) } });
  }
}

/**
 * The tool answers with text: SearxngSearch joins one JSON object per hit with commas
 * ('{"title","link","snippet"},{...}'); anything else is scanned for URLs.
 */
export function parseHits(output: unknown): SearchHit[] {
  const text = typeof output === 'string' ? output : JSON.stringify(output ?? '');
  for (const candidate of [text, `[${text}]`]) {
    try {
      const parsed: unknown = JSON.parse(candidate);
      if (Array.isArray(parsed)) {
        const hits = parsed.filter((h): h is { link: string; title?: string; snippet?: string } => typeof (h as { link?: unknown })?.link === 'string');
        if (hits.length) return hits.map((h) => ({ link: h.link, ...(h.title ? { title: h.title } : {}), ...(h.snippet ? { snippet: h.snippet } : {}) }));
      }
    } catch {
      // not JSON: fall through to URL scanning
    }
  }
  return [...new Set(text.match(/https?:\/\/[^\s"'<>)\]]+/g) ?? [])].map((link) => ({ link }));
}

/** Web search hits that link straight to a data file of an accepted format. */
export async function searchWeb(text: string, s: WebSettings, ctx: PluginContext<WebConfig>): Promise<Source[]> {
  const cfg = s.search!;
  const tool = searchToolFor(cfg);
  const q = `${text} ${cfg.suffix ?? 'dataset csv'}`.trim();
  let output: unknown;
  try {
    output = await tool.invoke(q);
  } catch (err) {
    throw webError(err, `web search through ${tool.name} at ${cfg.apiBase}`, 'check search.apiBase and that the instance has the JSON format enabled');
  }
  const out: Source[] = [];
  for (const hit of parseHits(output)) {
    let url: URL;
    try {
      url = new URL(hit.link);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    const format = formatOfUrl(url.href);
    if (!s.formats.includes(format)) continue;
    const source: Source = {
      id: webSourceId(url.href),
      plugin: ctx.name,
      uri: url.href,
      format,
      title: hit.title ?? url.pathname.split('/').pop() ?? url.host,
      // A page found by search states no machine-readable license; the curator decides what to do with 'unknown'.
      license: 'unknown',
      origin: `web search (${tool.name}, query '${q}') -> ${url.host}`,
      meta: { tool: cfg.tool, query: q },
    };
    if (hit.snippet) source.description = hit.snippet.slice(0, 600);
    out.push(source);
  }
  return out;
}

import { searchPortal } from './ckan.ts';
import { settingsOf, type WebConfig } from './config.ts';
import { linkSources } from './links.ts';
import { searchWeb } from './web-search.ts';
import type { PluginContext, Source, SourceQuery } from '@datamaster/sdk';

/**
 * Direct links first, then CKAN portals and the web search in parallel. One failing channel is logged and
 * skipped; only when every channel fails does search throw (the first error), so a caller sees why.
 */
export async function searchWebSources(query: SourceQuery, ctx: PluginContext<WebConfig>): Promise<Source[]> {
  const s = settingsOf(ctx);
  const channels: Array<{ name: string; run: () => Promise<Source[]> }> = [
    ...s.portals.map((p) => ({ name: `ckan ${p.name}`, run: () => searchPortal(p, query.text, s, ctx) })),
    ...(s.search ? [{ name: `web search ${s.search.tool}`, run: () => searchWeb(query.text, s, ctx) }] : []),
  ];
  const found: Source[] = linkSources(s, ctx);
  const results = await Promise.allSettled(channels.map((c) => c.run()));
  const failures: unknown[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') found.push(...r.value);
    else {
      failures.push(r.reason);
      ctx.logger.warn('source-web: a search channel failed; going on with the others', { channel: channels[i]!.name, error: (r.reason as Error).message });
    }
  });
  if (channels.length && failures.length === channels.length && !found.length) throw failures[0];
  const seen = new Set<string>();
  return found.filter((src) => !seen.has(src.id) && seen.add(src.id)).slice(0, Math.max(query.limit, s.links.length));
}

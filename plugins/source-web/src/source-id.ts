import { createHash } from 'node:crypto';

const MAX_ID = 300;

/** Ids have no whitespace and at most 300 characters: long ones keep a prefix and a hash of the whole. */
function bounded(id: string): string {
  const clean = id.replace(/\s/g, (c) => encodeURIComponent(c));
  if (clean.length <= MAX_ID) return clean;
  const hash = createHash('sha256').update(clean).digest('hex').slice(0, 16);
  return `${clean.slice(0, MAX_ID - 17)}~${hash}`;
}

/** `web:<host>/<path>` for a direct link or a web search hit (query string kept: it often names the file). */
export function webSourceId(url: string): string {
  const u = new URL(url);
  return bounded(`web:${u.host}${u.pathname}${u.search}`);
}

/** `ckan:<portal-host>:<package>:<resource>` for a resource of a CKAN package. */
export function ckanSourceId(portal: string, pkg: string, resource: string): string {
  return bounded(`ckan:${new URL(portal).host}:${pkg}:${resource}`);
}

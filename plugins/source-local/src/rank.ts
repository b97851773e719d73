import type { SourceQuery } from '@datamaster/sdk';
import type { ResolvedEntry } from './catalog.ts';

const STOP = new Set(['the', 'and', 'for', 'with', 'from', 'of', 'a', 'an', 'in', 'on', 'to', 'or', 'by', 'is', 'are', 'its', 'only', 'given', 'predict']);

export function words(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.toLowerCase().matchAll(/[a-z0-9]+/g)) if (m[0].length > 1 && !STOP.has(m[0])) out.add(m[0]);
  return out;
}

/** The words a query stands for: its text, the task's title, description, label and column names. */
export function queryWords(q: SourceQuery): Set<string> {
  const parts = [q.text, q.task.title ?? '', q.task.description, q.task.label ?? '', ...(q.task.columns ?? []).map((c) => c.name.replace(/_/g, ' '))];
  return words(parts.join(' '));
}

function entryWords(e: ResolvedEntry): Set<string> {
  return words([e.id, e.title, e.description ?? '', ...(e.tags ?? []), ...(e.columns ?? []).map((c) => `${c.name.replace(/_/g, ' ')} ${c.description ?? ''}`)].join(' '));
}

/** Entries by how many query words they share (ties by id), best first; entries sharing none come last. */
export function rankEntries(entries: readonly ResolvedEntry[], q: SourceQuery): ResolvedEntry[] {
  const want = queryWords(q);
  const scored = entries.map((e) => {
    let hits = 0;
    for (const w of entryWords(e)) if (want.has(w)) hits++;
    return { e, hits };
  });
  scored.sort((a, b) => b.hits - a.hits || (a.e.id < b.e.id ? -1 : a.e.id > b.e.id ? 1 : 0));
  return scored.map((s) => s.e);
}

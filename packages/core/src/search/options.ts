import type { RunConfig, SearchConfig } from '../schema/types.ts';

/** Search settings with the schema's defaults filled in (schemas/task.schema.json#/$defs/search). */
export interface SearchSettings {
  c: number;
  cMin: number;
  cDecay: number;
  failedPenalty: number;
  selection: 'ucb' | 'random';
}

export const SEARCH_DEFAULTS: Readonly<SearchSettings> = Object.freeze({
  c: 1.414,
  cMin: 0.5,
  cDecay: 0.95,
  failedPenalty: 1,
  selection: 'ucb',
});

export function searchSettings(search: SearchConfig | RunConfig | null | undefined): SearchSettings {
  const s: SearchConfig = (search && 'search' in search ? search.search : search) ?? {};
  return {
    c: s.c ?? SEARCH_DEFAULTS.c,
    cMin: s.cMin ?? SEARCH_DEFAULTS.cMin,
    cDecay: s.cDecay ?? SEARCH_DEFAULTS.cDecay,
    failedPenalty: s.failedPenalty ?? SEARCH_DEFAULTS.failedPenalty,
    selection: s.selection ?? SEARCH_DEFAULTS.selection,
  };
}

export { mulberry32, type Rng } from './rng.ts';
export { evaluatedCount, explorationConstant, isSelectableStatus, ucbScore, type UcbOptions } from './ucb.ts';
export {
  compareRanked,
  nodeUcb,
  randomSelect,
  rankNodes,
  selectableNodes,
  selectNode,
  type RankedNode,
  type SelectOptions,
} from './select.ts';
export { SEARCH_DEFAULTS, searchSettings, type SearchSettings } from './options.ts';

import type { RecipeStep } from '../schema/types.ts';
import { canonicalJson, sha256Hex } from './hash.ts';

/**
 * The subject a finding about a step is filed under: the op plus its key parameters, never the scope or seed,
 * so "dropping outliers on temp at z 4" is one subject across branches. add_source is filed under the source id.
 * The critic files findings under it and the policy looks negative findings up by it: one definition for both.
 */
export function stepKey(step: RecipeStep): string {
  switch (step.op) {
    case 'add_source':
      return step.source;
    case 'dedupe':
      return step.columns?.length ? `dedupe:${[...step.columns].sort().join(',')}` : 'dedupe';
    case 'filter':
      return `filter:${step.where}`;
    case 'drop_outliers':
      return `drop_outliers:${[...step.columns].sort().join(',')}:z${step.z}`;
    case 'map_columns':
      return `map_columns:${Object.keys(step.mapping).sort().join(',')}`;
    case 'cast':
      return `cast:${Object.keys(step.columns).sort().map((c) => `${c}=${step.columns[c]}`).join(',')}`;
    case 'sample':
      return step.n !== undefined ? `sample:n${step.n}` : `sample:f${step.fraction ?? 1}`;
    case 'impute':
      return `impute:${Object.keys(step.columns).sort().map((c) => `${c}=${step.columns[c]}`).join(',')}`;
    case 'rebalance':
      return `rebalance:${step.label}:${step.strategy}`;
    case 'sql':
      return `sql:${sha256Hex(step.query).slice(0, 12)}`;
    default:
      return `step:${sha256Hex(canonicalJson(step)).slice(0, 12)}`;
  }
}

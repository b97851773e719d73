import { DataMasterError } from '@datamaster/sdk';

/** The policy's knobs; datamaster-plugin.json holds the same defaults as JSON Schema. */
export interface PolicyConfig {
  /** Share of `want` given to expansions (the rest to refinements); a short side is filled from the other. */
  expandShare: number;
  /** The root's first expansion: this many discovery children ... */
  rootExpansions: number;
  /** ... plus up to this many local refinements (the paper: 1 + 5). */
  rootRefinements: number;
  /** z-score for drop_outliers. */
  outlierZ: number;
  /** Rebalance when the largest class outnumbers the smallest by this factor. */
  skewRatio: number;
  /** Subsample a source with more than this many times the base rows (to that many times). */
  subsampleRatio: number;
  /** Hold back a source or step with at least this many negative findings, unless nothing else is left. */
  avoidAfter: number;
  /** Propose sources whose profile found held-out test rows (leakage). Off: they are never added. */
  allowTestOverlap: boolean;
  /** Convert units inside the add_source mapping when the source's unit differs from the task's. */
  alignUnitsOnAdd: boolean;
}

export const DEFAULT_POLICY_CONFIG: Readonly<PolicyConfig> = Object.freeze({
  expandShare: 0.5,
  rootExpansions: 1,
  rootRefinements: 5,
  outlierZ: 4,
  skewRatio: 3,
  subsampleRatio: 5,
  avoidAfter: 2,
  allowTestOverlap: false,
  alignUnitsOnAdd: true,
});

type NumberKey = { [K in keyof PolicyConfig]: PolicyConfig[K] extends number ? K : never }[keyof PolicyConfig];
const NUMBER_RANGES: Record<NumberKey, { min: number; max: number; integer?: boolean; exclusiveMin?: boolean }> = {
  expandShare: { min: 0, max: 1 },
  rootExpansions: { min: 0, max: 64, integer: true },
  rootRefinements: { min: 0, max: 64, integer: true },
  outlierZ: { min: 0, max: 100, exclusiveMin: true },
  skewRatio: { min: 1, max: 1e9, exclusiveMin: true },
  subsampleRatio: { min: 0, max: 1e9, exclusiveMin: true },
  avoidAfter: { min: 1, max: 1e9, integer: true },
};
const BOOLEAN_KEYS = new Set<string>(['allowTestOverlap', 'alignUnitsOnAdd']);

function fail(message: string, path: string): never {
  throw new DataMasterError('E_POLICY_CONFIG', `policy-rules config: ${message}. Fix the task's policy.config.`, { path });
}

/** Fills defaults and checks types and ranges (the host checks the manifest's configSchema too). */
export function resolvePolicyConfig(raw: unknown): PolicyConfig {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) fail(`expected an object, got ${JSON.stringify(raw)}`, '');
  const given = (raw ?? {}) as Record<string, unknown>;
  const out: PolicyConfig = { ...DEFAULT_POLICY_CONFIG };
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (BOOLEAN_KEYS.has(key)) {
      if (typeof value !== 'boolean') fail(`/${key} must be a boolean, got ${JSON.stringify(value)}`, `/${key}`);
      (out as unknown as Record<string, unknown>)[key] = value;
      continue;
    }
    const range = NUMBER_RANGES[key as NumberKey];
    if (!range) fail(`unknown key /${key} (known: ${[...Object.keys(NUMBER_RANGES), ...BOOLEAN_KEYS].join(', ')})`, `/${key}`);
    const bad =
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < range.min ||
      value > range.max ||
      (range.exclusiveMin === true && value === range.min) ||
      (range.integer === true && !Number.isInteger(value));
    if (bad) {
      fail(`/${key} must be ${range.integer ? 'an integer' : 'a number'} in ${range.exclusiveMin ? '(' : '['}${range.min}, ${range.max}], got ${JSON.stringify(value)}`, `/${key}`);
    }
    out[key as NumberKey] = value as number;
  }
  return out;
}

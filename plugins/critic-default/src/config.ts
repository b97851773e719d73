import { DataMasterError } from '@datamaster/sdk';

/** The critic's knobs; datamaster-plugin.json holds the same defaults as JSON Schema. */
export interface CriticConfig {
  /** Relative noise threshold (fraction of |reference score|). */
  noise: number;
  /** Relative gain over the parent above which a result is implausible. */
  suspectDelta: number;
  newBestBonus: number;
  validReward: number;
  suspectReward: number;
  deltaWeight: number;
}

export const DEFAULT_CRITIC_CONFIG: Readonly<CriticConfig> = Object.freeze({
  noise: 0.005,
  suspectDelta: 0.2,
  newBestBonus: 1,
  validReward: 1,
  suspectReward: 0,
  deltaWeight: 0,
});

const RANGES: Record<keyof CriticConfig, { min: number; max: number; exclusiveMin?: boolean }> = {
  noise: { min: 0, max: Number.POSITIVE_INFINITY },
  suspectDelta: { min: 0, max: Number.POSITIVE_INFINITY, exclusiveMin: true },
  newBestBonus: { min: 0, max: 9 },
  validReward: { min: -10, max: 10 },
  suspectReward: { min: -10, max: 10 },
  deltaWeight: { min: 0, max: 100 },
};

/**
 * Fills defaults and checks ranges. The host validates against the manifest's configSchema too; this keeps the
 * plugin safe when it is called directly (tests, another host) with a partial or hand-written config.
 */
export function resolveCriticConfig(raw: unknown): CriticConfig {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new DataMasterError('E_CRITIC_CONFIG', `critic-default config: expected an object, got ${JSON.stringify(raw)}. Fix the task's critic.config.`);
  }
  const given = (raw ?? {}) as Record<string, unknown>;
  const out: CriticConfig = { ...DEFAULT_CRITIC_CONFIG };
  for (const key of Object.keys(given)) {
    if (!(key in RANGES)) {
      throw new DataMasterError(
        'E_CRITIC_CONFIG',
        `critic-default config: unknown key /${key}. Known keys: ${Object.keys(RANGES).join(', ')}.`,
        { path: `/${key}` },
      );
    }
    const value = given[key];
    if (value === undefined) continue;
    const range = RANGES[key as keyof CriticConfig];
    const low = range.exclusiveMin ? value === range.min : false;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < range.min || value > range.max || low) {
      throw new DataMasterError(
        'E_CRITIC_CONFIG',
        `critic-default config: /${key} must be a number in ${range.exclusiveMin ? '(' : '['}${range.min}, ${range.max}], got ${JSON.stringify(value)}.`,
        { path: `/${key}` },
      );
    }
    out[key as keyof CriticConfig] = value;
  }
  return out;
}

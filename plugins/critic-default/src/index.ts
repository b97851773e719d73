import { definePlugin, type CriticPlugin } from '@datamaster/sdk';
import { resolveCriticConfig, type CriticConfig } from './config.ts';
import { judge } from './judge.ts';

export { judge, REWARD_LIMIT } from './judge.ts';
export { resolveCriticConfig, DEFAULT_CRITIC_CONFIG, type CriticConfig } from './config.ts';
export { stepKey } from '@datamaster/sdk';
export { addedSteps } from './recipe-diff.ts';
export { orientedDelta, relativeDelta, formatDelta } from './delta.ts';
export { branchOf } from './branch.ts';

const critic: CriticPlugin<Partial<CriticConfig>> = definePlugin({
  kind: 'critic',
  async judge(input, ctx) {
    return judge(input, resolveCriticConfig(ctx.config));
  },
});

export default critic;

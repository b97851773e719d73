import { definePlugin, type PolicyPlugin } from '@datamaster/sdk';
import { resolvePolicyConfig, type PolicyConfig } from './config.ts';
import { proposeWithReport } from './propose.ts';

export { propose, proposeWithReport, mix, type ProposeReport } from './propose.ts';
export { resolvePolicyConfig, DEFAULT_POLICY_CONFIG, type PolicyConfig } from './config.ts';
export { convertExpression, canonicalUnit, dimensionOf, knownUnits, type Dimension } from './units.ts';
export { stepKey } from '@datamaster/sdk';
export { expansionCandidates, expansionMapping } from './expansions.ts';
export { refinementCandidates, REFINEMENT_RULES, baseRows } from './refinements.ts';
export { taskShape, type TaskShape } from './task-shape.ts';

const policy: PolicyPlugin<Partial<PolicyConfig>> = definePlugin({
  kind: 'policy',
  async propose(input, ctx) {
    const report = proposeWithReport(input, resolvePolicyConfig(ctx.config));
    ctx.logger.debug('policy-rules proposals', {
      node: input.node.id,
      want: input.want,
      candidates: report.candidates,
      proposed: report.proposals.length,
      droppedTried: report.droppedTried,
      heldBack: report.heldBack,
      demoted: report.demoted,
    });
    return report.proposals;
  },
});

export default policy;

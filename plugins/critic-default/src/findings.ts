import { canonicalJson, type CriticFinding, type DataPool, type RecipeStep } from '@datamaster/sdk';
import { formatDelta } from './delta.ts';
import { stepKey } from '@datamaster/sdk';

/** What a finding needs to know about the comparison it reports. */
export interface EffectContext {
  nodeId: string;
  parentId: string;
  branch: string[];
  deltaParent: number | undefined;
  score: number;
  parentScore: number | undefined;
  verdict: string;
  /** All steps the node added; a finding's delta is their joint effect. */
  added: RecipeStep[];
}

function effectText(ctx: EffectContext): string {
  const where = `vs parent ${ctx.parentId} on branch ${ctx.branch.join('>')}`;
  const joint = ctx.added.length > 1 ? ` (jointly with ${ctx.added.length - 1} other step${ctx.added.length > 2 ? 's' : ''})` : '';
  if (ctx.deltaParent === undefined) return `no parent score to compare ${where}${joint}`;
  return `${formatDelta(ctx.deltaParent)} val ${where}${joint}`;
}

function evidence(ctx: EffectContext, step: RecipeStep): Record<string, unknown> {
  return {
    nodeId: ctx.nodeId,
    parentId: ctx.parentId,
    branch: ctx.branch,
    score: ctx.score,
    ...(ctx.parentScore !== undefined ? { parentScore: ctx.parentScore } : {}),
    verdict: ctx.verdict,
    step,
    jointSteps: ctx.added.length,
  };
}

/** One source_effect per added source and one step_effect per other added step. */
export function effectFindings(ctx: EffectContext): CriticFinding[] {
  return ctx.added.map((step): CriticFinding => {
    const delta = ctx.deltaParent !== undefined ? { delta: ctx.deltaParent } : {};
    if (step.op === 'add_source') {
      const filter = step.where ? ` where ${step.where}` : '';
      return {
        kind: 'source_effect',
        subject: step.source,
        ...delta,
        text: `source ${step.source} via mapping ${canonicalJson(step.mapping)}${filter}: ${effectText(ctx)}`,
        evidence: evidence(ctx, step),
      };
    }
    const scope = 'scope' in step && step.scope ? ` (scope ${step.scope})` : '';
    const key = stepKey(step);
    return {
      kind: 'step_effect',
      subject: key,
      ...delta,
      text: `step ${key}${scope}: ${effectText(ctx)}`,
      evidence: evidence(ctx, step),
    };
  });
}

/** Added sources whose profile found rows of the task's held-out test inputs: their gain is not to be trusted. */
export function leakageFindings(added: RecipeStep[], pool: DataPool, nodeId: string): CriticFinding[] {
  const out: CriticFinding[] = [];
  for (const step of added) {
    if (step.op !== 'add_source') continue;
    const overlap = pool.sources[step.source]?.profile?.testOverlap ?? 0;
    if (overlap <= 0) continue;
    out.push({
      kind: 'leakage',
      subject: step.source,
      text: `source ${step.source} shares ${overlap} row${overlap === 1 ? '' : 's'} with the task's held-out test inputs: node ${nodeId}'s validation score is not trusted; filter those rows out or drop the source`,
      evidence: { nodeId, testOverlap: overlap },
    });
  }
  return out;
}

import { DataMasterError, type CriticFinding, type CriticInput, type CriticVerdict } from '@datamaster/sdk';
import { branchOf } from './branch.ts';
import type { CriticConfig } from './config.ts';
import { formatDelta, orientedDelta, relativeDelta } from './delta.ts';
import { effectFindings, leakageFindings } from './findings.ts';
import { addedSteps } from './recipe-diff.ts';

/** Rewards stay inside this band whatever the config, so one node cannot swamp UCB's means. */
export const REWARD_LIMIT = 10;

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
const finite = (x: number | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** The size a delta must exceed to count as a change: noise * |reference|, or noise itself for a zero reference. */
function noiseThreshold(reference: number, noise: number): number {
  const size = Math.abs(reference);
  return size > 0 ? noise * size : noise;
}

/**
 * Judges one evaluated node. Pure: the same input and config give the same verdict (the critic agent records it
 * as node.critiqued + finding.recorded events, and replay must not depend on when it ran).
 *
 * Reward (the paper's scheme): validReward (+1) for a valid result, +newBestBonus (+1) when it beats the best so
 * far by more than the noise; suspect results get suspectReward (0). Failures never reach the critic: the fold
 * applies -1 on node.failed. Optional shaping adds deltaWeight * relative delta vs parent, clamped to [-1, 1].
 */
export function judge(input: CriticInput, config: CriticConfig): CriticVerdict {
  const { node, parent, best, tree, pool, direction } = input;
  if (!finite(node.score)) {
    throw new DataMasterError(
      'E_CRITIC_NO_SCORE',
      `critic-default: node ${node.id} has no finite validation score (status ${node.status}, score ${String(node.score)}). ` +
        'Only evaluated nodes are judged; failed nodes get the failure reward from the fold.',
      { nodeId: node.id },
    );
  }
  const score = node.score;
  const bestScore = best && best.id !== node.id && finite(best.score) ? best.score : undefined;
  const deltaBest = bestScore !== undefined ? orientedDelta(score, bestScore, direction) : undefined;

  if (parent === null || node.kind === 'root') {
    const notes = [`baseline validation score ${score}`];
    if (deltaBest !== undefined && best) notes.push(`vs best ${best.id}: ${formatDelta(deltaBest)}`);
    return {
      reward: clamp(config.validReward, -REWARD_LIMIT, REWARD_LIMIT),
      verdict: 'baseline',
      ...(deltaBest !== undefined ? { deltaBest } : {}),
      notes,
      findings: [],
    };
  }

  const parentScore = finite(parent.score) ? parent.score : undefined;
  const deltaParent = parentScore !== undefined ? orientedDelta(score, parentScore, direction) : undefined;
  const relParent = deltaParent !== undefined && parentScore !== undefined ? relativeDelta(deltaParent, parentScore) : undefined;
  const added = addedSteps(parent.recipe, node.recipe);
  const notes: string[] = [];
  const findings: CriticFinding[] = [];

  const leaks = leakageFindings(added, pool, node.id);
  findings.push(...leaks);
  const jump = relParent !== undefined && relParent > config.suspectDelta;
  if (jump && deltaParent !== undefined) {
    findings.push({
      kind: 'overfitting',
      text:
        `node ${node.id} gains ${formatDelta(deltaParent)} val over parent ${parent.id} ` +
        `(${(relParent * 100).toFixed(1)}% of its score, above suspectDelta ${(config.suspectDelta * 100).toFixed(1)}%): ` +
        'implausible for a data change alone; check for leakage or a validation split that the data overlaps',
      evidence: { nodeId: node.id, parentId: parent.id, deltaParent, relative: relParent, suspectDelta: config.suspectDelta },
    });
  }

  let verdict: CriticVerdict['verdict'];
  if (leaks.length > 0 || jump) verdict = 'suspect';
  else if (bestScore === undefined || (deltaBest !== undefined && deltaBest > noiseThreshold(bestScore, config.noise))) verdict = 'new_best';
  else if (deltaParent !== undefined && parentScore !== undefined) {
    const threshold = noiseThreshold(parentScore, config.noise);
    verdict = deltaParent > threshold ? 'improved' : Math.abs(deltaParent) <= threshold ? 'neutral' : 'worse';
  } else {
    // No parent score (parent not evaluated): compare with the best only.
    verdict = Math.abs(deltaBest ?? 0) <= noiseThreshold(bestScore, config.noise) ? 'neutral' : 'worse';
  }

  let reward: number;
  if (verdict === 'suspect') reward = config.suspectReward;
  else {
    reward = config.validReward + (verdict === 'new_best' ? config.newBestBonus : 0);
    if (config.deltaWeight > 0 && relParent !== undefined) reward += clamp(config.deltaWeight * relParent, -1, 1);
  }
  reward = clamp(reward, -REWARD_LIMIT, REWARD_LIMIT);

  if (deltaParent !== undefined) notes.push(`vs parent ${parent.id}: ${formatDelta(deltaParent)} (noise ±${formatDelta(noiseThreshold(parentScore ?? 0, config.noise)).slice(1)})`);
  else notes.push(`parent ${parent.id} has no validation score`);
  if (deltaBest !== undefined && best) notes.push(`vs best ${best.id}: ${formatDelta(deltaBest)}`);
  if (verdict === 'suspect') notes.push(leaks.length ? 'suspect: leakage from the held-out test inputs' : 'suspect: implausibly large jump vs parent');

  findings.push(
    ...effectFindings({
      nodeId: node.id,
      parentId: parent.id,
      branch: branchOf(node, tree),
      deltaParent,
      score,
      parentScore,
      verdict,
      added,
    }),
  );

  return {
    reward,
    verdict,
    ...(deltaParent !== undefined ? { deltaParent } : {}),
    ...(deltaBest !== undefined ? { deltaBest } : {}),
    notes,
    findings,
  };
}

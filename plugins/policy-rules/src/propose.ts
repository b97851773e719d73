import type { PolicyInput, Proposal } from '@datamaster/sdk';
import type { Candidate } from './candidate.ts';
import type { PolicyConfig } from './config.ts';
import { expansionCandidates } from './expansions.ts';
import { alreadyTried, childRecipeHash, subjectRecords, type SubjectRecord } from './memory.ts';
import { refinementCandidates } from './refinements.ts';
import { stepKey } from '@datamaster/sdk';
import { taskShape } from './task-shape.ts';

/** The recipe schema's limit on steps. */
const MAX_STEPS = 64;

interface Ranked {
  candidate: Candidate;
  /** Net harm recorded for the candidate's worst step: negatives when they outnumber positives, else 0. */
  harm: number;
  negatives: number;
}

/** Why candidates were dropped, for the host's debug log and for tests. */
export interface ProposeReport {
  proposals: Proposal[];
  candidates: number;
  droppedTried: number;
  heldBack: number;
  demoted: number;
}

function rank(c: Candidate, records: Map<string, SubjectRecord>): Ranked {
  let harm = 0;
  let negatives = 0;
  for (const step of c.steps) {
    const rec = records.get(stepKey(step));
    if (!rec) continue;
    negatives = Math.max(negatives, rec.negative);
    if (rec.negative > rec.positive) harm = Math.max(harm, rec.negative);
  }
  return { candidate: c, harm, negatives };
}

function withHarmNote(r: Ranked, fallback: boolean): Proposal {
  const { kind, steps, rationale } = r.candidate;
  if (r.harm === 0) return { kind, steps, rationale };
  const note = fallback
    ? ` (hurt in ${r.negatives} findings elsewhere; proposed because nothing else is left)`
    : ` (hurt in ${r.negatives} finding${r.negatives === 1 ? '' : 's'} elsewhere: demoted)`;
  return { kind, steps, rationale: rationale + note };
}

/** Stable sort: harmless first, then by growing harm; rule order breaks ties. */
const byHarm = (a: Ranked, b: Ranked) => a.harm - b.harm;

/** How many expansions and refinements to take out of what is available. */
export function mix(want: number, expansions: number, refinements: number, firstOfRoot: boolean, config: PolicyConfig): { e: number; r: number } {
  if (want <= 0) return { e: 0, r: 0 };
  if (firstOfRoot) {
    // The paper: the root's first expansion is 1 discovery child + up to 5 local refinements.
    const e = Math.min(config.rootExpansions, expansions, want);
    return { e, r: Math.min(config.rootRefinements, refinements, want - e) };
  }
  let e = expansions > 0 && config.expandShare > 0 ? Math.min(expansions, Math.max(1, Math.round(want * config.expandShare))) : 0;
  const r = Math.min(refinements, want - e);
  if (e + r < want) e = Math.min(expansions, want - r);
  return { e, r };
}

function interleave<T>(a: T[], b: T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i]!);
    if (i < b.length) out.push(b[i]!);
  }
  return out;
}

/**
 * The rule-based policy. Deterministic: the same tree, pool, memory and task give the same proposals in the same
 * order. Memory: a recipe already in the tree or tried in this run is never proposed; a source or step with more
 * harmful than helpful findings is demoted, and held back once it hurt `avoidAfter` times, unless nothing else is left.
 */
export function proposeWithReport(input: PolicyInput, config: PolicyConfig): ProposeReport {
  const want = Math.max(0, Math.floor(input.want));
  const shape = taskShape(input);
  const { node, tree, pool, memory } = input;
  const all = [
    ...expansionCandidates(node, pool, shape, config),
    ...refinementCandidates({ node, tree, pool, shape, config }),
  ];
  const seen = new Set<string>();
  let droppedTried = 0;
  const fresh = all.filter((c) => {
    if (node.recipe.steps.length + c.steps.length > MAX_STEPS) return false;
    const hash = childRecipeHash(node, c.steps);
    if (seen.has(hash)) return false;
    seen.add(hash);
    if (alreadyTried(hash, tree, memory)) {
      droppedTried++;
      return false;
    }
    return true;
  });
  const records = subjectRecords(memory);
  const ranked = fresh.map((c) => rank(c, records));
  const held = ranked.filter((r) => r.harm >= config.avoidAfter);
  const usable = ranked.filter((r) => r.harm < config.avoidAfter);
  const expand = usable.filter((r) => r.candidate.kind === 'expand').sort(byHarm);
  const refine = usable.filter((r) => r.candidate.kind === 'refine').sort(byHarm);

  const firstOfRoot = node.parent === null && node.children.length === 0;
  const { e, r } = mix(want, expand.length, refine.length, firstOfRoot, config);
  let chosen = interleave(expand.slice(0, e), refine.slice(0, r)).map((x) => withHarmNote(x, false));
  if (chosen.length === 0 && want > 0 && held.length > 0) {
    chosen = [...held].sort(byHarm).slice(0, want).map((x) => withHarmNote(x, true));
  }
  return {
    proposals: chosen,
    candidates: all.length,
    droppedTried,
    heldBack: held.length,
    demoted: usable.filter((x) => x.harm > 0).length,
  };
}

export function propose(input: PolicyInput, config: PolicyConfig): Proposal[] {
  return proposeWithReport(input, config).proposals;
}

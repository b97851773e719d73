import { recipeHash, type DataTree, type GlobalMemory, type Recipe, type RecipeStep, type TreeNode } from '@datamaster/sdk';

/** The recipe a proposal would create: the node's recipe with the steps appended. */
export function childRecipe(node: TreeNode, steps: RecipeStep[]): Recipe {
  return { v: 1, base: 'task', steps: [...node.recipe.steps, ...steps] };
}

/** True when this recipe was already proposed in the tree or trained in this run's memory: never train it again. */
export function alreadyTried(hash: string, tree: DataTree, memory: GlobalMemory): boolean {
  return (memory.tried[hash]?.length ?? 0) > 0 || tree.byRecipe[hash] !== undefined;
}

export function childRecipeHash(node: TreeNode, steps: RecipeStep[]): string {
  return recipeHash(childRecipe(node, steps));
}

/** How often a subject (source id or step key) hurt elsewhere. */
export interface SubjectRecord {
  negative: number;
  positive: number;
}

/**
 * Counts effect findings per subject. A finding the critic itself called noise (evidence.verdict 'neutral') is not
 * evidence of harm, so it is not counted against the subject.
 */
export function subjectRecords(memory: GlobalMemory): Map<string, SubjectRecord> {
  const out = new Map<string, SubjectRecord>();
  for (const f of memory.findings) {
    if ((f.kind !== 'source_effect' && f.kind !== 'step_effect') || !f.subject || typeof f.delta !== 'number') continue;
    const verdict = (f.evidence as { verdict?: unknown } | undefined)?.verdict;
    if (verdict === 'neutral') continue;
    const rec = out.get(f.subject) ?? { negative: 0, positive: 0 };
    if (f.delta < 0) rec.negative += 1;
    else if (f.delta > 0) rec.positive += 1;
    out.set(f.subject, rec);
  }
  return out;
}

import { canonicalJson, type Recipe, type RecipeStep } from '@datamaster/sdk';

/**
 * Steps a child adds over its parent. Policies append steps, so the parent's steps are normally a prefix; when
 * they are not (a policy that rewrote the recipe), the steps of the child that the parent lacks are returned.
 */
export function addedSteps(parent: Recipe | null, child: Recipe): RecipeStep[] {
  const base = parent?.steps ?? [];
  const isPrefix = base.length <= child.steps.length && base.every((s, i) => canonicalJson(s) === canonicalJson(child.steps[i]));
  if (isPrefix) return child.steps.slice(base.length);
  const remaining = new Map<string, number>();
  for (const s of base) {
    const k = canonicalJson(s);
    remaining.set(k, (remaining.get(k) ?? 0) + 1);
  }
  return child.steps.filter((s) => {
    const k = canonicalJson(s);
    const n = remaining.get(k) ?? 0;
    if (n > 0) {
      remaining.set(k, n - 1);
      return false;
    }
    return true;
  });
}

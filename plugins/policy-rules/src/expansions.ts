import { canonicalJson, type AddSourceStep, type DataPool, type PoolEntry, type TreeNode } from '@datamaster/sdk';
import type { Candidate } from './candidate.ts';
import type { PolicyConfig } from './config.ts';
import { unitConversions, type UnitConversion } from './source-units.ts';
import type { TaskShape } from './task-shape.ts';

/** Source ids the node's recipe already adds. */
export function sourcesInRecipe(node: TreeNode): Set<string> {
  return new Set(node.recipe.steps.filter((s): s is AddSourceStep => s.op === 'add_source').map((s) => s.source));
}

/** Why a pool entry cannot be added, or null when it can. */
function unusable(entry: PoolEntry, shape: TaskShape, config: PolicyConfig): string | null {
  if (entry.status !== 'profiled' || !entry.profile) return `status ${entry.status}`;
  const mapping = entry.profile.mapping ?? {};
  if (Object.keys(mapping).length === 0) return 'no suggested mapping';
  if (shape.label && mapping[shape.label] === undefined) return `mapping lacks the label ${shape.label}`;
  if (!config.allowTestOverlap && (entry.profile.testOverlap ?? 0) > 0) return `overlaps the held-out test inputs (${entry.profile.testOverlap} rows)`;
  return null;
}

/**
 * Expansion candidates: profiled, usable pool sources the node does not have yet, best profile quality first
 * (pool order breaks ties), each one add_source step with the profile's suggested mapping.
 */
export function expansionCandidates(node: TreeNode, pool: DataPool, shape: TaskShape, config: PolicyConfig): Candidate[] {
  const have = sourcesInRecipe(node);
  const entries = pool.order
    .map((id) => pool.sources[id])
    .filter((e): e is PoolEntry => e !== undefined && !have.has(e.source.id) && unusable(e, shape, config) === null)
    .sort((a, b) => (b.profile?.quality ?? 0) - (a.profile?.quality ?? 0) || a.seq - b.seq);
  return entries.map((entry) => {
    const profile = entry.profile!;
    const { mapping, conversions } = expansionMapping(entry, shape, config);
    const step: AddSourceStep = { op: 'add_source', source: entry.source.id, mapping, ...(profile.file ? { file: profile.file } : {}) };
    const units = conversions.length ? `; units aligned: ${conversions.map((c) => `${c.column} ${c.from} -> ${c.to}`).join(', ')}` : '';
    return {
      rule: 'expand',
      kind: 'expand',
      steps: [step],
      rationale: `add ${entry.source.id} (quality ${profile.quality}, ${profile.rows} rows) via mapping ${canonicalJson(profile.mapping ?? {})}${units}`,
    };
  });
}

/** The mapping an expansion writes for a source: the profile's, with units converted when configured. */
export function expansionMapping(
  entry: PoolEntry,
  shape: TaskShape,
  config: Pick<PolicyConfig, 'alignUnitsOnAdd'>,
): { mapping: Record<string, string>; conversions: UnitConversion[] } {
  const raw = entry.profile?.mapping ?? {};
  const mapping = { ...raw };
  if (!config.alignUnitsOnAdd) return { mapping, conversions: [] };
  const conversions = unitConversions(entry, shape.columns, raw, (col) => raw[col]!);
  for (const c of conversions) mapping[c.column] = c.expression;
  return { mapping, conversions };
}

import {
  canonicalJson,
  type AddSourceStep,
  type DataPool,
  type DataTree,
  type FilterStep,
  type RecipeStep,
  type TreeNode,
} from '@datamaster/sdk';
import type { Candidate } from './candidate.ts';
import type { PolicyConfig } from './config.ts';
import { unitConversions } from './source-units.ts';
import { quoteIdent, sqlLiteral } from './sql.ts';
import type { TaskShape } from './task-shape.ts';

/** What every refinement rule reads. */
export interface RefineContext {
  node: TreeNode;
  tree: DataTree;
  pool: DataPool;
  shape: TaskShape;
  config: PolicyConfig;
}

type Rule = (ctx: RefineContext) => Candidate[];

const NUMERIC = new Set(['DOUBLE', 'BIGINT']);

function lastAddIndex(steps: RecipeStep[]): number {
  let last = -1;
  steps.forEach((s, i) => {
    if (s.op === 'add_source') last = i;
  });
  return last;
}

/** A cleaning step is worth repeating only when data arrived after it: look for it after the last add_source. */
function presentSinceLastAdd(node: TreeNode, step: RecipeStep): boolean {
  const key = canonicalJson(step);
  return node.recipe.steps.slice(lastAddIndex(node.recipe.steps) + 1).some((s) => canonicalJson(s) === key);
}

function addSteps(node: TreeNode): { step: AddSourceStep; index: number }[] {
  const out: { step: AddSourceStep; index: number }[] = [];
  node.recipe.steps.forEach((s, index) => {
    if (s.op === 'add_source') out.push({ step: s, index });
  });
  return out;
}

/** Cleaning touches the added rows once sources are in (the task's own rows are the benchmark's), else all rows. */
function dataScope(node: TreeNode): { scope?: string } {
  return addSteps(node).length ? { scope: 'added' } : {};
}

function single(rule: string, step: RecipeStep, rationale: string): Candidate[] {
  return [{ rule, kind: 'refine', steps: [step], rationale }];
}

/** map_columns converting a source's values into the task's units, when it was added without that conversion. */
const alignUnits: Rule = ({ node, pool, shape }) => {
  const out: Candidate[] = [];
  for (const { step, index } of addSteps(node)) {
    const entry = pool.sources[step.source];
    if (!entry) continue;
    const raw = entry.profile?.mapping ?? {};
    const later = node.recipe.steps.slice(index + 1);
    const convertedLater = (col: string) => later.some((s) => s.op === 'map_columns' && s.scope === step.source && s.mapping[col] !== undefined);
    // Only columns still holding the source's raw values: the profile's own expression (or a bare column).
    const rawColumns = Object.fromEntries(
      Object.entries(step.mapping).filter(([col, expr]) => (raw[col] === undefined || raw[col] === expr) && !convertedLater(col)),
    );
    const conversions = unitConversions(entry, shape.columns, rawColumns, (col) => quoteIdent(col));
    if (!conversions.length) continue;
    out.push({
      rule: 'align_units',
      kind: 'refine',
      steps: [{ op: 'map_columns', mapping: Object.fromEntries(conversions.map((c) => [c.column, c.expression])), scope: step.source }],
      rationale: `align units of ${step.source} with the task: ${conversions.map((c) => `${c.column} ${c.from} -> ${c.to}`).join(', ')}`,
    });
  }
  return out;
};

const dropMissingLabel: Rule = ({ node, shape }) => {
  if (!shape.label) return [];
  const step: FilterStep = { op: 'filter', where: `${quoteIdent(shape.label)} IS NOT NULL`, ...dataScope(node) };
  if (presentSinceLastAdd(node, step)) return [];
  return single('drop_missing_label', step, `drop rows without a label (${shape.label})`);
};

const dedupe: Rule = ({ node }) => {
  const step: RecipeStep = { op: 'dedupe', ...dataScope(node) };
  if (presentSinceLastAdd(node, step)) return [];
  return single('dedupe', step, `drop duplicate rows${dataScope(node).scope ? ' among the added sources' : ''}`);
};

/** Keep only a source's rows that match the task where the task pins a column to one value (a city, a station). */
const matchTask: Rule = ({ node, shape }) => {
  const pinned = shape.columns.filter((c) => c.values?.length === 1);
  if (!pinned.length) return [];
  const out: Candidate[] = [];
  for (const { step: add, index } of addSteps(node)) {
    const cols = pinned.filter((c) => add.mapping[c.name] !== undefined);
    if (!cols.length) continue;
    const where = cols.map((c) => `${quoteIdent(c.name)} = ${sqlLiteral(c.values![0]!)}`).join(' AND ');
    const step: FilterStep = { op: 'filter', where, scope: add.source };
    const key = canonicalJson(step);
    if (node.recipe.steps.slice(index + 1).some((s) => canonicalJson(s) === key)) continue;
    out.push({ rule: 'match_task', kind: 'refine', steps: [step], rationale: `keep the rows of ${add.source} that match the task: ${where}` });
  }
  return out;
};

/** Keep added rows whose categories are among the task's values (a source may have classes the task never sees). */
const filterCategories: Rule = ({ node, shape }) => {
  if (!addSteps(node).length) return [];
  const steps = shape.columns
    .filter((c) => (c.values?.length ?? 0) > 1)
    .map((c): FilterStep => ({ op: 'filter', where: `${quoteIdent(c.name)} IN (${c.values!.map(sqlLiteral).join(', ')})`, scope: 'added' }))
    .filter((s) => !presentSinceLastAdd(node, s));
  if (!steps.length) return [];
  return [{ rule: 'filter_categories', kind: 'refine', steps, rationale: `keep added rows whose categories the task knows: ${steps.map((s) => s.where).join(' AND ')}` }];
};

const dropOutliers: Rule = ({ node, shape, config }) => {
  const columns = shape.columns.filter((c) => NUMERIC.has(c.type) && c.name !== shape.label).map((c) => c.name);
  if (!columns.length) return [];
  const step: RecipeStep = { op: 'drop_outliers', columns: columns as [string, ...string[]], z: config.outlierZ, ...dataScope(node) };
  if (presentSinceLastAdd(node, step)) return [];
  return single('drop_outliers', step, `drop rows beyond z ${config.outlierZ} on ${columns.join(', ')}`);
};

/** Undersample when the added sources' label counts (from their profiles) are skewed past skewRatio. */
const rebalance: Rule = ({ node, pool, shape, config }) => {
  if (!shape.label) return [];
  const counts = new Map<string, number>();
  for (const { step } of addSteps(node)) {
    for (const [k, n] of Object.entries(pool.sources[step.source]?.profile?.labelBalance ?? {})) counts.set(k, (counts.get(k) ?? 0) + n);
  }
  const present = [...counts.values()].filter((n) => n > 0);
  if (present.length < 2) return [];
  const ratio = Math.max(...present) / Math.min(...present);
  if (ratio < config.skewRatio) return [];
  const step: RecipeStep = { op: 'rebalance', label: shape.label, strategy: 'undersample', seed: shape.seed };
  if (presentSinceLastAdd(node, step)) return [];
  return single('rebalance', step, `undersample ${shape.label}: classes skewed ${ratio.toFixed(1)}:1 in the added sources`);
};

/** Rows of the task's own training data: the root's artifact, else the base's share of this node's artifact. */
export function baseRows(node: TreeNode, tree: DataTree): number | null {
  const root = tree.rootId ? tree.nodes[tree.rootId] : undefined;
  const fromRoot = root?.artifact?.rows;
  if (typeof fromRoot === 'number' && fromRoot > 0) return fromRoot;
  const by = node.artifact?.rowsBySource;
  const fromNode = by?.task ?? by?.base;
  return typeof fromNode === 'number' && fromNode > 0 ? fromNode : null;
}

/** A source far larger than the task's data drowns it: sample it down to subsampleRatio times the base rows. */
const subsample: Rule = ({ node, tree, pool, shape, config }) => {
  const rows = baseRows(node, tree);
  if (rows === null) return [];
  const cap = Math.round(config.subsampleRatio * rows);
  const out: Candidate[] = [];
  for (const { step: add, index } of addSteps(node)) {
    const sourceRows = pool.sources[add.source]?.profile?.rows ?? 0;
    if (sourceRows <= cap) continue;
    if (node.recipe.steps.slice(index + 1).some((s) => s.op === 'sample' && s.scope === add.source)) continue;
    out.push({
      rule: 'subsample',
      kind: 'refine',
      steps: [{ op: 'sample', n: cap, seed: shape.seed, scope: add.source }],
      rationale: `sample ${add.source} from ${sourceRows} to ${cap} rows (${config.subsampleRatio}x the ${rows} base rows)`,
    });
  }
  return out;
};

/** Rules in priority order: correctness (units, labels) before cleaning before selection. */
export const REFINEMENT_RULES: readonly { name: string; rule: Rule }[] = [
  { name: 'align_units', rule: alignUnits },
  { name: 'drop_missing_label', rule: dropMissingLabel },
  { name: 'dedupe', rule: dedupe },
  { name: 'match_task', rule: matchTask },
  { name: 'filter_categories', rule: filterCategories },
  { name: 'drop_outliers', rule: dropOutliers },
  { name: 'rebalance', rule: rebalance },
  { name: 'subsample', rule: subsample },
];

export function refinementCandidates(ctx: RefineContext): Candidate[] {
  return REFINEMENT_RULES.flatMap(({ rule }) => rule(ctx));
}

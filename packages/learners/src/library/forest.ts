/**
 * A random forest: CART trees (gini for classes, squared error for values) on bootstrap samples, a
 * random feature subset per split. Our own rather than ml-random-forest: ml-cart's split search is
 * quadratic in the node size (measured in the README: tens of seconds for 1,000 rows), and a fixed
 * learner must train in about a second so a run can afford many evaluations on two cores.
 */
import type { FeatureColumn } from '../types.ts';
import { defineLearner, type FitContext, type FitOutput, type ParamSpec } from './common.ts';
import { makeEncoder } from './features.ts';
import { Prng } from '@datamaster/sdk';

export interface ForestOptions {
  trees: number;
  maxDepth: number;
  /** Features tried at each split. */
  maxFeatures: number;
  /** A node with fewer rows becomes a leaf. */
  minNumSamples: number;
  seed: number;
}

type Leaf = { leaf: number[] };
type Split = { feature: number; threshold: number; left: TreeNode; right: TreeNode };
export type TreeNode = Leaf | Split;

interface Problem {
  x: number[][];
  y: number[];
  /** Number of classes; 0 for regression. */
  classes: number;
  /** Column-major copy of x. */
  col: Float64Array[];
  /** Per feature, each row's distinct-value id (values in increasing order) and the number of distinct values. */
  valueId: Uint32Array[];
  distinct: number[];
  /**
   * Per feature, the rank of each row in the order (value, row index), and its inverse: sorting a node's
   * rows by rank gives exactly the order a (value, index) comparison sort gives, with a typed-array sort.
   */
  rank: Uint32Array[];
  byRank: Uint32Array[];
  /** Scratch: how often each row is in the node being split (zero between nodes). */
  mult: Uint32Array;
  /** Scratch buffers (n entries; n + 1 for `starts`): a node's rows by index, one feature's order, counting-sort starts. */
  bufIndex: Uint32Array;
  bufOrder: Uint32Array;
  starts: Uint32Array;
  /** y as a typed array. */
  yv: Float64Array;
}

function prepare(x: number[][], y: number[], classes: number): Problem {
  const n = x.length;
  const width = x[0]?.length ?? 0;
  const col: Float64Array[] = [];
  const valueId: Uint32Array[] = [];
  const distinct: number[] = [];
  const rank: Uint32Array[] = [];
  const byRank: Uint32Array[] = [];
  for (let f = 0; f < width; f++) {
    const c = Float64Array.from(x, (r) => r[f] as number);
    const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => (c[a] as number) - (c[b] as number) || a - b);
    const r = new Uint32Array(n);
    const id = new Uint32Array(n);
    let d = 0;
    for (let k = 0; k < n; k++) {
      const i = order[k] as number;
      r[i] = k;
      if (k > 0 && (c[i] as number) - (c[order[k - 1] as number] as number) !== 0) d++;
      id[i] = d;
    }
    col.push(c);
    valueId.push(id);
    distinct.push(n ? d + 1 : 0);
    rank.push(r);
    byRank.push(order);
  }
  return { x, y, classes, col, valueId, distinct, rank, byRank, mult: new Uint32Array(n), bufIndex: new Uint32Array(n), bufOrder: new Uint32Array(n), starts: new Uint32Array(n + 1), yv: Float64Array.from(y) };
}

function leafValue(p: Problem, idx: number[]): number[] {
  if (p.classes === 0) {
    let s = 0;
    for (const i of idx) s += p.y[i] as number;
    return [s / idx.length];
  }
  const counts = new Array<number>(p.classes).fill(0);
  for (const i of idx) counts[p.y[i] as number] = (counts[p.y[i] as number] as number) + 1;
  return counts.map((c) => c / idx.length);
}

/**
 * A node's rows (bootstrap duplicates included) and lazily built orderings of them. A large node
 * orders by scanning all rows in a global order with a multiplicity count (linear); a small one sorts.
 */
class NodeRows {
  private byIdx: Uint32Array | undefined;
  private readonly large: boolean;
  constructor(
    private readonly p: Problem,
    readonly idx: number[],
  ) {
    const m = idx.length;
    const n = p.y.length;
    this.large = m * Math.log2(m + 1) > 2 * n;
    if (this.large) for (const i of idx) p.mult[i] = (p.mult[i] as number) + 1;
  }
  /** Rows in a global order `order` of all rows, each as often as it is in the node. */
  private scan(order: Uint32Array | null, buf: Uint32Array): Uint32Array {
    const out = buf.subarray(0, this.idx.length);
    const mult = this.p.mult;
    const n = mult.length;
    let k = 0;
    for (let q = 0; q < n; q++) {
      const i = order ? (order[q] as number) : q;
      for (let c = mult[i] as number; c > 0; c--) out[k++] = i;
    }
    return out;
  }
  /** Rows by row index. */
  byIndex(): Uint32Array {
    if (!this.byIdx) {
      if (this.large) this.byIdx = this.scan(null, this.p.bufIndex);
      else {
        const b = this.p.bufIndex.subarray(0, this.idx.length);
        for (let k = 0; k < b.length; k++) b[k] = this.idx[k] as number;
        this.byIdx = b.sort();
      }
    }
    return this.byIdx;
  }
  /** Rows by rank of feature f, i.e. by (value, row index). */
  byRank(f: number): Uint32Array {
    if (this.large) return this.scan(this.p.byRank[f] as Uint32Array, this.p.bufOrder);
    const r = this.p.rank[f] as Uint32Array;
    const inv = this.p.byRank[f] as Uint32Array;
    const m = this.idx.length;
    const keys = this.p.bufOrder.subarray(0, m);
    for (let k = 0; k < m; k++) keys[k] = r[this.idx[k] as number] as number;
    keys.sort();
    for (let k = 0; k < m; k++) keys[k] = inv[keys[k] as number] as number;
    return keys;
  }
  /** Clears the multiplicity counts (call before growing the children). */
  release(): void {
    if (this.large) for (const i of this.idx) this.p.mult[i] = 0;
  }
}

/**
 * The node's rows ordered by feature f's value, ties by row index (the order of a comparison sort on
 * (value, index)). Few distinct values: a stable counting sort of the index-ordered rows; many: the
 * rows by rank.
 */
function sortedBy(p: Problem, node: NodeRows, f: number): Uint32Array {
  const m = node.idx.length;
  const d = p.distinct[f] as number;
  if (d > m) return node.byRank(f);
  const id = p.valueId[f] as Uint32Array;
  const rows = node.byIndex();
  const start = p.starts.subarray(0, d + 1).fill(0);
  for (let k = 0; k < m; k++) {
    const v = (id[rows[k] as number] as number) + 1;
    start[v] = (start[v] as number) + 1;
  }
  for (let v = 0; v < d; v++) start[v + 1] = (start[v + 1] as number) + (start[v] as number);
  const out = p.bufOrder.subarray(0, m);
  for (let k = 0; k < m; k++) {
    const i = rows[k] as number;
    const v = id[i] as number;
    const at = start[v] as number;
    out[at] = i;
    start[v] = at + 1;
  }
  return out;
}

/** Impurity decrease of the best threshold on one feature: gini for classes, squared error for values. */
function bestThreshold(p: Problem, node: NodeRows, f: number): { gain: number; threshold: number } | null {
  const order = sortedBy(p, node, f);
  const n = order.length;
  const xf = p.col[f] as Float64Array;
  let found = false;
  let bestGain = 0;
  let bestThr = 0;
  if (p.classes === 0) {
    let total = 0;
    let totalSq = 0;
    for (let k = 0; k < n; k++) {
      const v = p.yv[order[k] as number] as number;
      total += v;
      totalSq += v * v;
    }
    const parent = totalSq - (total * total) / n;
    let left = 0;
    let leftSq = 0;
    for (let k = 0; k < n - 1; k++) {
      const v = p.yv[order[k] as number] as number;
      left += v;
      leftSq += v * v;
      const a = xf[order[k] as number] as number;
      const b = xf[order[k + 1] as number] as number;
      if (a === b) continue;
      const nl = k + 1;
      const nr = n - nl;
      const sse = leftSq - (left * left) / nl + (totalSq - leftSq) - ((total - left) * (total - left)) / nr;
      const gain = parent - sse;
      if (!found || gain > bestGain) {
        found = true;
        bestGain = gain;
        bestThr = (a + b) / 2;
      }
    }
    return found ? { gain: bestGain, threshold: bestThr } : null;
  }
  const total = new Float64Array(p.classes);
  for (let k = 0; k < n; k++) total[p.yv[order[k] as number] as number] = (total[p.yv[order[k] as number] as number] as number) + 1;
  // n * gini impurity = m - (sum of squared class counts) / m. The sums of squares are integers, kept
  // exactly by incremental updates, so each gain equals the one recomputed from the counts.
  let sq = 0;
  for (let q = 0; q < p.classes; q++) sq += (total[q] as number) * (total[q] as number);
  const parent = n - sq / n;
  const left = new Float64Array(p.classes);
  const right = total.slice();
  let sqLeft = 0;
  let sqRight = sq;
  for (let k = 0; k < n - 1; k++) {
    const c = p.yv[order[k] as number] as number;
    const lc = left[c] as number;
    const rc = right[c] as number;
    sqLeft += 2 * lc + 1;
    sqRight -= 2 * rc - 1;
    left[c] = lc + 1;
    right[c] = rc - 1;
    const a = xf[order[k] as number] as number;
    const b = xf[order[k + 1] as number] as number;
    if (a === b) continue;
    const nl = k + 1;
    const nr = n - nl;
    const gain = parent - (nl - sqLeft / nl) - (nr - sqRight / nr);
    if (!found || gain > bestGain) {
      found = true;
      bestGain = gain;
      bestThr = (a + b) / 2;
    }
  }
  return found ? { gain: bestGain, threshold: bestThr } : null;
}

function grow(p: Problem, idx: number[], depth: number, o: ForestOptions, rng: Prng): TreeNode {
  if (depth >= o.maxDepth || idx.length < o.minNumSamples) return { leaf: leafValue(p, idx) };
  const width = p.x[0]?.length ?? 0;
  const features = rng.shuffle(Array.from({ length: width }, (_, i) => i)).slice(0, Math.max(1, Math.min(width, o.maxFeatures)));
  let best: { gain: number; threshold: number; feature: number } | null = null;
  const node = new NodeRows(p, idx);
  for (const f of features) {
    const s = bestThreshold(p, node, f);
    if (s && s.gain > 1e-12 && (!best || s.gain > best.gain)) best = { ...s, feature: f };
  }
  node.release();
  if (!best) return { leaf: leafValue(p, idx) };
  const l: number[] = [];
  const r: number[] = [];
  const xb = p.col[best.feature] as Float64Array;
  for (const i of idx) ((xb[i] as number) <= best.threshold ? l : r).push(i);
  return { feature: best.feature, threshold: best.threshold, left: grow(p, l, depth + 1, o, rng), right: grow(p, r, depth + 1, o, rng) };
}

export function leafOf(node: TreeNode, row: readonly number[]): number[] {
  let n = node;
  while (!('leaf' in n)) n = (row[n.feature] as number) <= n.threshold ? n.left : n.right;
  return n.leaf;
}

/** Grows the forest: `classes` > 0 for classification (leaves hold class shares), 0 for regression. */
export function growForest(x: number[][], y: number[], classes: number, o: ForestOptions): TreeNode[] {
  const p = prepare(x, y, classes);
  const rng = new Prng(o.seed);
  const trees: TreeNode[] = [];
  const n = p.y.length;
  for (let t = 0; t < o.trees; t++) {
    const sample = Array.from({ length: n }, () => rng.int(n));
    trees.push(grow(p, sample, 0, o, rng));
  }
  return trees;
}

/** Per test row, the class with the highest summed leaf share (ties: the lower index) and the mean shares. */
export function forestClassifyProba(o: ForestOptions, x: number[][], y: number[], classes: number, test: number[][]): { pred: number[]; proba: number[][] } {
  const trees = growForest(x, y, classes, o);
  const pred: number[] = [];
  const proba: number[][] = [];
  for (const row of test) {
    const p = new Array<number>(classes).fill(0);
    for (const t of trees) leafOf(t, row).forEach((v, c) => (p[c] = (p[c] as number) + v));
    let best = 0;
    for (let c = 1; c < classes; c++) if ((p[c] as number) > (p[best] as number)) best = c;
    pred.push(best);
    proba.push(p.map((v) => v / trees.length));
  }
  return { pred, proba };
}

/** Class index with the highest mean leaf probability (ties: the lower index). */
export function forestClassify(o: ForestOptions, x: number[][], y: number[], classes: number, test: number[][]): number[] {
  return forestClassifyProba(o, x, y, classes, test).pred;
}

/** Mean of the trees' leaf means. */
export function forestRegress(o: ForestOptions, x: number[][], y: number[], test: number[][]): number[] {
  const trees = growForest(x, y, 0, o);
  return test.map((row) => trees.reduce((s, t) => s + (leafOf(t, row)[0] as number), 0) / trees.length);
}

const PARAMS: ParamSpec[] = [
  { name: 'trees', type: 'int', min: 1, default: 100, description: 'Trees in the forest; fidelity < 1 grows round(trees * fidelity), at least 5.' },
  { name: 'maxDepth', type: 'int', min: 1, default: 12, description: 'Deepest split level.' },
  {
    name: 'maxFeatures',
    type: 'number',
    above: 0,
    choices: ['sqrt', 'log2', 'third', 'all'],
    description: "Encoded features tried per split: a count (>= 1), a share (< 1), or 'sqrt' | 'log2' | 'third' | 'all' of the encoded width (default 'sqrt' for classes, 'third' for values).",
  },
  { name: 'minNumSamples', type: 'int', min: 1, default: 2, description: 'A node with fewer rows becomes a leaf.' },
];

/** Features tried per split for an encoded width. */
export function featuresPerSplit(setting: number | string | undefined, width: number, regression: boolean): number {
  const s = setting ?? (regression ? 'third' : 'sqrt');
  let k: number;
  if (s === 'sqrt') k = Math.round(Math.sqrt(width));
  else if (s === 'log2') k = Math.round(Math.log2(Math.max(1, width)));
  else if (s === 'third') k = Math.round(width / 3);
  else if (s === 'all') k = width;
  else if (typeof s === 'number' && s < 1) k = Math.round(s * width);
  else k = Math.floor(Number(s));
  return Math.max(1, Math.min(Math.max(1, width), k));
}

/** The forest a learner call grows: `params` (defaults filled in) at `fidelity`, for an encoded width. */
export function forestSettings(params: Record<string, unknown>, fidelity: number, width: number, regression: boolean, seed: number): ForestOptions {
  const trees = params.trees as number;
  return {
    trees: Math.max(Math.min(5, trees), Math.round(trees * fidelity)),
    maxDepth: params.maxDepth as number,
    maxFeatures: featuresPerSplit(params.maxFeatures as number | string | undefined, width, regression),
    minNumSamples: params.minNumSamples as number,
    seed,
  };
}

function fit(ctx: FitContext): FitOutput {
  const enc = makeEncoder(ctx.problem.features as FeatureColumn[]);
  const x = ctx.rows.map((r) => enc.encode(r));
  const test = ctx.predict.map((r) => enc.encode(r));
  const o = forestSettings(ctx.params, ctx.fidelity, enc.width, !ctx.classes, ctx.seed);
  if (ctx.classes) return forestClassifyProba(o, x, ctx.y, ctx.classes.length, test);
  return { pred: forestRegress(o, x, ctx.y, test) };
}

export const randomForest = defineLearner(
  {
    name: 'random-forest',
    taskTypes: ['binary', 'multiclass', 'regression'],
    description: 'Random forest of CART trees (gini / squared error) on bootstrap samples; numeric and one-hot categorical features (text is not used).',
    params: PARAMS,
  },
  fit,
);

import { Prng } from '../prng.ts';

/**
 * A small random forest (CART trees on bootstrap samples, a random feature subset per split).
 * Written here rather than taken from ml-random-forest: ml-cart's split search is quadratic in the
 * node size (about 20 s for 1,000 rows), and the fixed learner must train in well under a second
 * so that a run can afford a dozen evaluations on two cores.
 */
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
type TreeNode = Leaf | Split;

interface Problem {
  x: number[][];
  y: number[];
  /** Number of classes; 0 for regression. */
  classes: number;
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

/** Impurity decrease of the best threshold on one feature: gini for classes, squared error for values. */
function bestThreshold(p: Problem, idx: number[], f: number): { gain: number; threshold: number } | null {
  const order = idx.slice().sort((a, b) => (p.x[a]![f] as number) - (p.x[b]![f] as number) || a - b);
  const n = order.length;
  let best: { gain: number; threshold: number } | null = null;
  if (p.classes === 0) {
    let total = 0;
    let totalSq = 0;
    for (const i of order) {
      const v = p.y[i] as number;
      total += v;
      totalSq += v * v;
    }
    const parent = totalSq - (total * total) / n;
    let left = 0;
    let leftSq = 0;
    for (let k = 0; k < n - 1; k++) {
      const v = p.y[order[k] as number] as number;
      left += v;
      leftSq += v * v;
      const a = p.x[order[k] as number]![f] as number;
      const b = p.x[order[k + 1] as number]![f] as number;
      if (a === b) continue;
      const nl = k + 1;
      const nr = n - nl;
      const sse = leftSq - (left * left) / nl + (totalSq - leftSq) - ((total - left) * (total - left)) / nr;
      const gain = parent - sse;
      if (!best || gain > best.gain) best = { gain, threshold: (a + b) / 2 };
    }
    return best;
  }
  const total = new Array<number>(p.classes).fill(0);
  for (const i of order) total[p.y[i] as number] = (total[p.y[i] as number] as number) + 1;
  const gini = (counts: number[], m: number) => {
    let s = 0;
    for (const c of counts) s += c * c;
    return m - s / m; // m * gini impurity
  };
  const parent = gini(total, n);
  const left = new Array<number>(p.classes).fill(0);
  const right = total.slice();
  for (let k = 0; k < n - 1; k++) {
    const c = p.y[order[k] as number] as number;
    left[c] = (left[c] as number) + 1;
    right[c] = (right[c] as number) - 1;
    const a = p.x[order[k] as number]![f] as number;
    const b = p.x[order[k + 1] as number]![f] as number;
    if (a === b) continue;
    const gain = parent - gini(left, k + 1) - gini(right, n - k - 1);
    if (!best || gain > best.gain) best = { gain, threshold: (a + b) / 2 };
  }
  return best;
}

function grow(p: Problem, idx: number[], depth: number, o: ForestOptions, rng: Prng): TreeNode {
  if (depth >= o.maxDepth || idx.length < o.minNumSamples) return { leaf: leafValue(p, idx) };
  const width = p.x[0]?.length ?? 0;
  const features = rng.shuffle(Array.from({ length: width }, (_, i) => i)).slice(0, Math.max(1, Math.min(width, o.maxFeatures)));
  let best: { gain: number; threshold: number; feature: number } | null = null;
  for (const f of features) {
    const s = bestThreshold(p, idx, f);
    if (s && s.gain > 1e-12 && (!best || s.gain > best.gain)) best = { ...s, feature: f };
  }
  if (!best) return { leaf: leafValue(p, idx) };
  const l: number[] = [];
  const r: number[] = [];
  for (const i of idx) ((p.x[i]![best.feature] as number) <= best.threshold ? l : r).push(i);
  return { feature: best.feature, threshold: best.threshold, left: grow(p, l, depth + 1, o, rng), right: grow(p, r, depth + 1, o, rng) };
}

function leafOf(node: TreeNode, row: number[]): number[] {
  let n = node;
  while (!('leaf' in n)) n = (row[n.feature] as number) <= n.threshold ? n.left : n.right;
  return n.leaf;
}

function forest(p: Problem, o: ForestOptions): TreeNode[] {
  const rng = new Prng(o.seed);
  const trees: TreeNode[] = [];
  const n = p.y.length;
  for (let t = 0; t < o.trees; t++) {
    const sample = Array.from({ length: n }, () => rng.int(n));
    trees.push(grow(p, sample, 0, o, rng));
  }
  return trees;
}

/** Class index with the highest mean leaf probability (ties: the lower index). */
export function forestClassify(o: ForestOptions, x: number[][], y: number[], classes: number, test: number[][]): number[] {
  const trees = forest({ x, y, classes }, o);
  return test.map((row) => {
    const p = new Array<number>(classes).fill(0);
    for (const t of trees) leafOf(t, row).forEach((v, c) => (p[c] = (p[c] as number) + v));
    let best = 0;
    for (let c = 1; c < classes; c++) if ((p[c] as number) > (p[best] as number)) best = c;
    return best;
  });
}

export function forestRegress(o: ForestOptions, x: number[][], y: number[], test: number[][]): number[] {
  const trees = forest({ x, y, classes: 0 }, o);
  return test.map((row) => trees.reduce((s, t) => s + (leafOf(t, row)[0] as number), 0) / trees.length);
}

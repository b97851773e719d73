/**
 * Gradient-boosted trees on histogram-binned features (the LightGBM / scikit-learn
 * HistGradientBoosting recipe): each feature is cut into at most maxBins bins at training-data
 * quantiles; each round fits a depth-limited tree to the gradients with Newton leaf values
 * -G / (H + l2), shrunk by the learning rate. Squared error for regression, logistic loss for binary,
 * softmax (one tree per class per round) for multiclass. Row subsampling and column sampling are
 * seeded, so a seed gives the same model.
 */
import type { FeatureColumn } from '../types.ts';
import { argmax, constantOutput, defineLearner, presentClasses, softmax, type FitContext, type FitOutput, type ParamSpec } from './common.ts';
import { makeEncoder } from './features.ts';
import { Prng } from '@datamaster/sdk';

/** Cut points of one feature: a value v falls in the first bin b with v <= cuts[b], else the last bin. */
export function binCuts(values: Float64Array, maxBins: number): Float64Array {
  const sorted = Float64Array.from(values).sort();
  const distinct: number[] = [];
  const counts: number[] = [];
  for (const v of sorted) {
    if (distinct.length && distinct[distinct.length - 1] === v) counts[counts.length - 1] = (counts[counts.length - 1] as number) + 1;
    else {
      distinct.push(v);
      counts.push(1);
    }
  }
  const cuts: number[] = [];
  if (distinct.length <= maxBins) {
    for (let i = 0; i + 1 < distinct.length; i++) cuts.push(((distinct[i] as number) + (distinct[i + 1] as number)) / 2);
    return Float64Array.from(cuts);
  }
  // Quantile cuts: close a bin when it holds about n / maxBins rows.
  const per = sorted.length / maxBins;
  let cum = 0;
  let next = per;
  for (let i = 0; i + 1 < distinct.length && cuts.length < maxBins - 1; i++) {
    cum += counts[i] as number;
    if (cum >= next) {
      cuts.push(((distinct[i] as number) + (distinct[i + 1] as number)) / 2);
      while (next <= cum) next += per;
    }
  }
  return Float64Array.from(cuts);
}

function binOf(cuts: Float64Array, v: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= (cuts[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

type GNode = { value: number } | { feature: number; bin: number; threshold: number; left: GNode; right: GNode };

interface TreeParams {
  maxDepth: number;
  minLeaf: number;
  l2: number;
  minGain: number;
  learningRate: number;
}

interface Binned {
  n: number;
  d: number;
  /** Row-major bins: row i's feature f is at i * d + f. */
  bins: Uint8Array;
  cuts: Float64Array[];
  /** Histogram slots per feature (the largest bin count). */
  slots: number;
}

/** A node's histogram: per feature and bin, the sums of g and h and the row count. */
interface Hist {
  g: Float64Array;
  h: Float64Array;
  c: Int32Array;
}

function newHist(data: Binned): Hist {
  const size = data.d * data.slots;
  return { g: new Float64Array(size), h: new Float64Array(size), c: new Int32Array(size) };
}

function fillHist(data: Binned, hist: Hist, idx: Int32Array, g: Float64Array, h: Float64Array, features: readonly number[]): void {
  hist.g.fill(0);
  hist.h.fill(0);
  hist.c.fill(0);
  const { bins, d, slots } = data;
  const nf = features.length;
  for (let q = 0; q < idx.length; q++) {
    const i = idx[q] as number;
    const gi = g[i] as number;
    const hi = h[i] as number;
    const base = i * d;
    for (let t = 0; t < nf; t++) {
      const f = features[t] as number;
      const slot = f * slots + (bins[base + f] as number);
      hist.g[slot] = (hist.g[slot] as number) + gi;
      hist.h[slot] = (hist.h[slot] as number) + hi;
      hist.c[slot] = (hist.c[slot] as number) + 1;
    }
  }
}

/** Grows one tree on `rows` (indices into the binned training data) for gradients g and hessians h. */
function growTree(data: Binned, rows: Int32Array, g: Float64Array, h: Float64Array, features: readonly number[], p: TreeParams): GNode {
  const { bins, d, slots } = data;
  const sums = (idx: Int32Array) => {
    let G = 0;
    let H = 0;
    for (let q = 0; q < idx.length; q++) {
      G += g[idx[q] as number] as number;
      H += h[idx[q] as number] as number;
    }
    return [G, H] as const;
  };
  // `hist` holds this node's histogram when it is known (the root's is filled here).
  const grow = (idx: Int32Array, depth: number, hist: Hist | null): GNode => {
    const [G, H] = sums(idx);
    if (depth >= p.maxDepth || idx.length < 2 * p.minLeaf) return { value: (-G / (H + p.l2)) * p.learningRate };
    if (!hist) {
      hist = newHist(data);
      fillHist(data, hist, idx, g, h, features);
    }
    const parent = (G * G) / (H + p.l2);
    let bestGain = p.minGain;
    let bestF = -1;
    let bestBin = -1;
    for (const f of features) {
      const nb = (data.cuts[f] as Float64Array).length + 1;
      if (nb < 2) continue;
      let gl = 0;
      let hl = 0;
      let cl = 0;
      const base = f * slots;
      for (let b = 0; b < nb - 1; b++) {
        gl += hist.g[base + b] as number;
        hl += hist.h[base + b] as number;
        cl += hist.c[base + b] as number;
        if (cl < p.minLeaf) continue;
        if (idx.length - cl < p.minLeaf) break;
        const gr = G - gl;
        const hr = H - hl;
        const gain = (gl * gl) / (hl + p.l2) + (gr * gr) / (hr + p.l2) - parent;
        if (gain > bestGain) {
          bestGain = gain;
          bestF = f;
          bestBin = b;
        }
      }
    }
    if (bestF < 0) return { value: (-G / (H + p.l2)) * p.learningRate };
    let nl = 0;
    for (let q = 0; q < idx.length; q++) if ((bins[(idx[q] as number) * d + bestF] as number) <= bestBin) nl++;
    const l = new Int32Array(nl);
    const r = new Int32Array(idx.length - nl);
    let a = 0;
    let c = 0;
    for (let q = 0; q < idx.length; q++) {
      const i = idx[q] as number;
      if ((bins[i * d + bestF] as number) <= bestBin) l[a++] = i;
      else r[c++] = i;
    }
    // Histogram subtraction: fill the smaller child, the larger is the parent minus it.
    let lh: Hist | null = null;
    let rh: Hist | null = null;
    if (depth + 1 < p.maxDepth) {
      const small = newHist(data);
      fillHist(data, small, nl <= r.length ? l : r, g, h, features);
      for (let k = 0; k < hist.g.length; k++) {
        hist.g[k] = (hist.g[k] as number) - (small.g[k] as number);
        hist.h[k] = (hist.h[k] as number) - (small.h[k] as number);
        hist.c[k] = (hist.c[k] as number) - (small.c[k] as number);
      }
      if (nl <= r.length) {
        lh = small;
        rh = hist;
      } else {
        lh = hist;
        rh = small;
      }
    }
    return {
      feature: bestF,
      bin: bestBin,
      threshold: (data.cuts[bestF] as Float64Array)[bestBin] as number,
      left: grow(l, depth + 1, lh),
      right: grow(r, depth + 1, rh),
    };
  };
  return grow(rows, 0, null);
}

function valueBinned(node: GNode, data: Binned, i: number): number {
  let n = node;
  const base = i * data.d;
  while (!('value' in n)) n = (data.bins[base + n.feature] as number) <= n.bin ? n.left : n.right;
  return n.value;
}

function valueRaw(node: GNode, row: readonly number[]): number {
  let n = node;
  while (!('value' in n)) n = (row[n.feature] as number) <= n.threshold ? n.left : n.right;
  return n.value;
}

export interface BoostOptions {
  rounds: number;
  learningRate: number;
  maxDepth: number;
  minLeaf: number;
  subsample: number;
  colsample: number;
  l2: number;
  maxBins: number;
  minGain: number;
  seed: number;
}

/**
 * Boosts on encoded rows. `classes` 0 = regression (raw scores are the predictions), 2 = binary (one
 * logit), more = multiclass (one score per class). Returns the raw scores of the test rows.
 */
export function boost(x: readonly number[][], y: readonly number[], classes: number, test: readonly number[][], o: BoostOptions): number[][] {
  const n = x.length;
  const d = x[0]?.length ?? 0;
  const cuts: Float64Array[] = [];
  const bins = new Uint8Array(n * d);
  let slots = 1;
  for (let f = 0; f < d; f++) {
    const col = Float64Array.from(x, (r) => r[f] as number);
    const c = binCuts(col, o.maxBins);
    cuts.push(c);
    slots = Math.max(slots, c.length + 1);
    for (let i = 0; i < n; i++) bins[i * d + f] = binOf(c, col[i] as number);
  }
  const data: Binned = { n, d, bins, cuts, slots };
  const K = classes > 2 ? classes : 1;
  // Initial scores: the mean, the log-odds, or the log of smoothed class shares.
  const init = new Array<number>(K).fill(0);
  if (classes === 0) init[0] = y.reduce((s, v) => s + v, 0) / n;
  else if (classes === 2) {
    const p = Math.min(1 - 1e-6, Math.max(1e-6, y.reduce((s, v) => s + v, 0) / n));
    init[0] = Math.log(p / (1 - p));
  } else {
    const counts = new Array<number>(K).fill(0);
    for (const v of y) counts[v] = (counts[v] as number) + 1;
    for (let k = 0; k < K; k++) init[k] = Math.log(((counts[k] as number) + 1) / (n + K));
  }
  const F = Array.from({ length: K }, (_, k) => new Float64Array(n).fill(init[k] as number));
  const Ftest = Array.from({ length: K }, (_, k) => new Float64Array(test.length).fill(init[k] as number));
  const g = Array.from({ length: K }, () => new Float64Array(n));
  const h = Array.from({ length: K }, () => new Float64Array(n));
  const rng = new Prng(o.seed);
  const scratch = new Float64Array(K);
  const tree: TreeParams = { maxDepth: o.maxDepth, minLeaf: o.minLeaf, l2: o.l2, minGain: o.minGain, learningRate: o.learningRate };
  const allFeatures = Array.from({ length: d }, (_, f) => f);
  const nFeatures = Math.max(1, Math.round(d * o.colsample));
  for (let round = 0; round < o.rounds; round++) {
    // Gradients and hessians at the current scores.
    for (let i = 0; i < n; i++) {
      if (classes === 0) {
        (g[0] as Float64Array)[i] = ((F[0] as Float64Array)[i] as number) - (y[i] as number);
        (h[0] as Float64Array)[i] = 1;
      } else if (K === 1) {
        const p = 1 / (1 + Math.exp(-((F[0] as Float64Array)[i] as number)));
        (g[0] as Float64Array)[i] = p - (y[i] as number);
        (h[0] as Float64Array)[i] = Math.max(p * (1 - p), 1e-6);
      } else {
        let max = -Infinity;
        for (let k = 0; k < K; k++) max = Math.max(max, (F[k] as Float64Array)[i] as number);
        let sum = 0;
        for (let k = 0; k < K; k++) {
          const e = Math.exp(((F[k] as Float64Array)[i] as number) - max);
          scratch[k] = e;
          sum += e;
        }
        for (let k = 0; k < K; k++) {
          const pk = (scratch[k] as number) / sum;
          (g[k] as Float64Array)[i] = pk - (y[i] === k ? 1 : 0);
          (h[k] as Float64Array)[i] = Math.max(pk * (1 - pk), 1e-6);
        }
      }
    }
    let rows: Int32Array;
    if (o.subsample < 1) {
      const keep: number[] = [];
      for (let i = 0; i < n; i++) if (rng.next() < o.subsample) keep.push(i);
      rows = Int32Array.from(keep);
    } else rows = Int32Array.from({ length: n }, (_, i) => i);
    const features = nFeatures < d ? rng.shuffle(allFeatures).slice(0, nFeatures).sort((a, b) => a - b) : allFeatures;
    for (let k = 0; k < K; k++) {
      const t = growTree(data, rows, g[k] as Float64Array, h[k] as Float64Array, features, tree);
      const Fk = F[k] as Float64Array;
      for (let i = 0; i < n; i++) Fk[i] = (Fk[i] as number) + valueBinned(t, data, i);
      const Tk = Ftest[k] as Float64Array;
      for (let i = 0; i < test.length; i++) Tk[i] = (Tk[i] as number) + valueRaw(t, test[i] as number[]);
    }
  }
  return test.map((_, i) => Ftest.map((f) => f[i] as number));
}

const PARAMS: ParamSpec[] = [
  { name: 'rounds', type: 'int', min: 1, default: 100, description: 'Boosting rounds; fidelity < 1 boosts round(rounds * fidelity) (at least 5) with the learning rate raised to keep rounds * rate (up to 0.3).' },
  { name: 'learningRate', type: 'number', above: 0, max: 1, default: 0.1, description: 'Shrinkage of each tree.' },
  { name: 'maxDepth', type: 'int', min: 1, default: 6, description: 'Deepest split level of a tree.' },
  { name: 'minLeaf', type: 'int', min: 1, default: 20, description: 'Fewest training rows in a leaf.' },
  { name: 'subsample', type: 'number', above: 0, max: 1, default: 0.8, description: 'Share of rows drawn (seeded) for each round.' },
  { name: 'colsample', type: 'number', above: 0, max: 1, default: 1, description: 'Share of encoded features drawn (seeded) for each round.' },
  { name: 'l2', type: 'number', min: 0, default: 1, description: 'L2 penalty on leaf values.' },
  { name: 'maxBins', type: 'int', min: 2, max: 256, default: 255, description: 'Histogram bins per feature.' },
  { name: 'minGain', type: 'number', min: 0, default: 0, description: 'A split must gain more than this.' },
];

/**
 * The boosting a learner call runs: `params` (defaults filled in) at `fidelity`. Fewer rounds at a
 * fidelity below 1, with the learning rate raised so rounds * rate stays about the same (up to 0.3).
 */
export function boostSettings(params: Record<string, unknown>, fidelity: number, seed: number): BoostOptions {
  const rounds = params.rounds as number;
  const lr = params.learningRate as number;
  const used = Math.max(Math.min(5, rounds), Math.round(rounds * fidelity));
  return {
    rounds: used,
    learningRate: used === rounds ? lr : Math.min(Math.max(lr, 0.3), (lr * rounds) / used),
    maxDepth: params.maxDepth as number,
    minLeaf: params.minLeaf as number,
    subsample: params.subsample as number,
    colsample: params.colsample as number,
    l2: params.l2 as number,
    maxBins: params.maxBins as number,
    minGain: params.minGain as number,
    seed,
  };
}

function fit(ctx: FitContext): FitOutput {
  const enc = makeEncoder(ctx.problem.features as FeatureColumn[]);
  const x = ctx.rows.map((r) => enc.encode(r));
  const test = ctx.predict.map((r) => enc.encode(r));
  const o = boostSettings(ctx.params, ctx.fidelity, ctx.seed);
  if (!ctx.classes) return { pred: boost(x, ctx.y, 0, test, o).map((s) => s[0] as number) };
  const classes = ctx.classes.length;
  const present = presentClasses(ctx.y);
  if (present.length < 2) return constantOutput(ctx.classes, ctx.y, ctx.predict.length);
  // Boost over the classes seen in training; the others get probability 0.
  const local = new Map(present.map((c, i) => [c, i] as const));
  const y = ctx.y.map((c) => local.get(c) as number);
  const raw = boost(x, y, present.length, test, o);
  const proba = raw.map((s) => {
    const p = present.length === 2 ? [1 - 1 / (1 + Math.exp(-(s[0] as number))), 1 / (1 + Math.exp(-(s[0] as number)))] : softmax(s);
    const full = new Array<number>(classes).fill(0);
    present.forEach((c, j) => (full[c] = p[j] as number));
    return full;
  });
  return { pred: proba.map(argmax), proba };
}

export const gradientBoosting = defineLearner(
  {
    name: 'gradient-boosting',
    taskTypes: ['binary', 'multiclass', 'regression'],
    description: 'Gradient-boosted trees on histogram-binned numeric and one-hot features (squared error, logistic, softmax); seeded row and column sampling.',
    params: PARAMS,
  },
  fit,
);

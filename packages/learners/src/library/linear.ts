/**
 * Linear learners: L2-regularised logistic regression (binary: sigmoid; multiclass: softmax), fitted
 * with L-BFGS, and ridge regression, solved with preconditioned conjugate gradients. Numeric and
 * one-hot features are standardised on the training rows; text features become hashed tf-idf token
 * features (sublinear tf, smooth idf from the training rows, each row's text part L2-normalised).
 * Both are deterministic: no seed is used.
 */
import type { FeatureColumn, Row } from '../types.ts';
import { argmax, constantOutput, defineLearner, presentClasses, softmax, type FitContext, type FitOutput, type ParamSpec } from './common.ts';
import { makeEncoder, rowText, tokenize } from './features.ts';

/** Rows in compressed sparse row form. */
export interface SparseRows {
  n: number;
  dim: number;
  indptr: Int32Array;
  idx: Int32Array;
  val: Float64Array;
}

/** 32-bit FNV-1a of a string. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface DesignOptions {
  /** Hash buckets for text tokens (used only when there are text features). */
  textBuckets: number;
  maxChars: number;
}

/**
 * The training and prediction design matrices: standardised encoded features (mean and scale from the
 * training rows), then hashed tf-idf text features.
 */
export function buildDesign(features: readonly FeatureColumn[], train: readonly Row[], predict: readonly Row[], o: DesignOptions): { train: SparseRows; predict: SparseRows } {
  const enc = makeEncoder(features as FeatureColumn[]);
  const d = enc.width;
  const xt = train.map((r) => enc.encode(r));
  const mean = new Float64Array(d);
  const scale = new Float64Array(d).fill(1);
  for (const row of xt) for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (row[j] as number);
  for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / Math.max(1, xt.length);
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (const row of xt) s += ((row[j] as number) - (mean[j] as number)) ** 2;
    const sd = Math.sqrt(s / Math.max(1, xt.length));
    scale[j] = sd > 1e-12 ? sd : 1;
  }
  const hasText = features.some((f) => f.kind === 'text');
  const buckets = hasText ? o.textBuckets : 0;
  const bucketsOf = (r: Row): Map<number, number> => {
    const m = new Map<number, number>();
    if (!hasText) return m;
    for (const t of tokenize(rowText(features, r), o.maxChars)) {
      const b = fnv1a(t) % buckets;
      m.set(b, (m.get(b) ?? 0) + 1);
    }
    return m;
  };
  const trainTokens = train.map(bucketsOf);
  const idf = new Float64Array(buckets);
  if (hasText) {
    const df = new Float64Array(buckets);
    for (const m of trainTokens) for (const b of m.keys()) df[b] = (df[b] as number) + 1;
    for (let b = 0; b < buckets; b++) idf[b] = Math.log((1 + train.length) / (1 + (df[b] as number))) + 1;
  }
  const build = (dense: number[][], tokens: Map<number, number>[]): SparseRows => {
    const n = dense.length;
    let nnz = n * d;
    for (const m of tokens) nnz += m.size;
    const indptr = new Int32Array(n + 1);
    const idx = new Int32Array(nnz);
    const val = new Float64Array(nnz);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const row = dense[i] as number[];
      for (let j = 0; j < d; j++) {
        idx[k] = j;
        val[k] = ((row[j] as number) - (mean[j] as number)) / (scale[j] as number);
        k++;
      }
      const m = tokens[i] as Map<number, number>;
      if (m.size > 0) {
        const bs = [...m.keys()].sort((a, b) => a - b);
        const start = k;
        let norm = 0;
        for (const b of bs) {
          const w = (1 + Math.log(m.get(b) as number)) * (idf[b] as number);
          idx[k] = d + b;
          val[k] = w;
          norm += w * w;
          k++;
        }
        norm = Math.sqrt(norm);
        for (let q = start; q < k; q++) val[q] = (val[q] as number) / norm;
      }
      indptr[i + 1] = k;
    }
    return { n, dim: d + buckets, indptr, idx, val };
  };
  return {
    train: build(xt, trainTokens),
    predict: build(
      predict.map((r) => enc.encode(r)),
      predict.map(bucketsOf),
    ),
  };
}

// ---------------------------------------------------------------- L-BFGS

export interface LbfgsOptions {
  maxIter: number;
  /** Stop when the largest gradient entry falls below this. */
  tol: number;
  /** History length. */
  memory?: number;
}

/**
 * Minimises a smooth function with L-BFGS and a backtracking (Armijo) line search.
 * `f(x, grad)` returns the value and writes the gradient into `grad`.
 */
export function lbfgs(f: (x: Float64Array, grad: Float64Array) => number, x0: Float64Array, o: LbfgsOptions): { x: Float64Array; value: number; iterations: number } {
  const m = o.memory ?? 10;
  const dim = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(dim);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < dim; i++) s += (a[i] as number) * (b[i] as number);
    return s;
  };
  const xNew = new Float64Array(dim);
  let gNew = new Float64Array(dim);
  let iter = 0;
  for (; iter < o.maxIter; iter++) {
    let gmax = 0;
    for (let i = 0; i < dim; i++) gmax = Math.max(gmax, Math.abs(g[i] as number));
    if (gmax < o.tol) break;
    // Two-loop recursion: d = -H g.
    const q = Float64Array.from(g);
    const alpha: number[] = [];
    for (let k = S.length - 1; k >= 0; k--) {
      const a = (rho[k] as number) * dot(S[k] as Float64Array, q);
      alpha[k] = a;
      const yk = Y[k] as Float64Array;
      for (let i = 0; i < dim; i++) q[i] = (q[i] as number) - a * (yk[i] as number);
    }
    let gamma: number;
    if (S.length > 0) {
      const last = S.length - 1;
      gamma = dot(S[last] as Float64Array, Y[last] as Float64Array) / dot(Y[last] as Float64Array, Y[last] as Float64Array);
    } else gamma = 1 / Math.sqrt(dot(g, g));
    for (let i = 0; i < dim; i++) q[i] = (q[i] as number) * gamma;
    for (let k = 0; k < S.length; k++) {
      const b = (rho[k] as number) * dot(Y[k] as Float64Array, q);
      const sk = S[k] as Float64Array;
      const a = alpha[k] as number;
      for (let i = 0; i < dim; i++) q[i] = (q[i] as number) + (a - b) * (sk[i] as number);
    }
    let d = q;
    for (let i = 0; i < dim; i++) d[i] = -(d[i] as number);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (lost curvature): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      d = Float64Array.from(g, (v) => -v / Math.sqrt(dot(g, g)));
      slope = dot(g, d);
    }
    let t = 1;
    let fNew = Infinity;
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < dim; i++) xNew[i] = (x[i] as number) + t * (d[i] as number);
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * t * slope) break;
      t *= 0.5;
    }
    if (!(fNew <= fx)) break; // no progress possible at machine precision
    const s = new Float64Array(dim);
    const y = new Float64Array(dim);
    for (let i = 0; i < dim; i++) {
      s[i] = (xNew[i] as number) - (x[i] as number);
      y[i] = (gNew[i] as number) - (g[i] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    const decrease = fx - fNew;
    x = Float64Array.from(xNew);
    const swap = g;
    g = gNew;
    gNew = swap;
    fx = fNew;
    if (decrease <= 1e-12 * Math.max(1, Math.abs(fx))) {
      iter++;
      break;
    }
  }
  return { x, value: fx, iterations: iter };
}

// ---------------------------------------------------------------- logistic regression

/**
 * Fits an L2 logistic model on sparse rows: K = 1 output (sigmoid, y in {0, 1}) or K >= 2 (softmax,
 * y a class index). Objective: mean log loss + l2 / (2n) * |W|^2 (the intercepts are not penalised),
 * i.e. scikit-learn's LogisticRegression with C = 1 / l2. Returns weights [K x dim] then K intercepts.
 */
export function fitLogistic(X: SparseRows, y: readonly number[], K: number, l2: number, o: LbfgsOptions): Float64Array {
  const { n, dim, indptr, idx, val } = X;
  const z = new Float64Array(K);
  const f = (w: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const a = indptr[i] as number;
      const b = indptr[i + 1] as number;
      for (let k = 0; k < K; k++) {
        let s = w[K * dim + k] as number;
        const off = k * dim;
        for (let q = a; q < b; q++) s += (w[off + (idx[q] as number)] as number) * (val[q] as number);
        z[k] = s;
      }
      const yi = y[i] as number;
      if (K === 1) {
        const s = z[0] as number;
        // log(1 + e^s) - y s, stably
        loss += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - yi * s;
        const p = 1 / (1 + Math.exp(-s));
        const gi = p - yi;
        for (let q = a; q < b; q++) grad[idx[q] as number] = (grad[idx[q] as number] as number) + gi * (val[q] as number);
        grad[dim] = (grad[dim] as number) + gi;
      } else {
        let max = -Infinity;
        for (let k = 0; k < K; k++) max = Math.max(max, z[k] as number);
        let sum = 0;
        for (let k = 0; k < K; k++) sum += Math.exp((z[k] as number) - max);
        const lse = max + Math.log(sum);
        loss += lse - (z[yi] as number);
        for (let k = 0; k < K; k++) {
          const gi = Math.exp((z[k] as number) - lse) - (k === yi ? 1 : 0);
          const off = k * dim;
          for (let q = a; q < b; q++) grad[off + (idx[q] as number)] = (grad[off + (idx[q] as number)] as number) + gi * (val[q] as number);
          grad[K * dim + k] = (grad[K * dim + k] as number) + gi;
        }
      }
    }
    let reg = 0;
    for (let j = 0; j < K * dim; j++) {
      reg += (w[j] as number) * (w[j] as number);
      grad[j] = (grad[j] as number) / n + (l2 / n) * (w[j] as number);
    }
    for (let k = 0; k < K; k++) grad[K * dim + k] = (grad[K * dim + k] as number) / n;
    return loss / n + (l2 / (2 * n)) * reg;
  };
  return lbfgs(f, new Float64Array(K * (dim + 1)), o).x;
}

function scores(X: SparseRows, w: Float64Array, K: number, i: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < K; k++) {
    let s = w[K * X.dim + k] as number;
    for (let q = X.indptr[i] as number; q < (X.indptr[i + 1] as number); q++) s += (w[k * X.dim + (X.idx[q] as number)] as number) * (X.val[q] as number);
    out.push(s);
  }
  return out;
}

const SHARED: ParamSpec[] = [
  { name: 'maxIter', type: 'int', min: 1, default: 200, description: 'Most optimiser iterations.' },
  { name: 'textBuckets', type: 'int', min: 16, default: 32768, description: 'Hash buckets for the tokens of text features.' },
  { name: 'maxChars', type: 'int', min: 1, default: 100000, description: 'Tokens are read from the first maxChars characters of the joined text features.' },
];

function designOf(ctx: FitContext) {
  return buildDesign(ctx.problem.features, ctx.rows, ctx.predict, { textBuckets: ctx.params.textBuckets as number, maxChars: ctx.params.maxChars as number });
}

function fitLogisticLearner(ctx: FitContext): FitOutput {
  const classes = (ctx.classes as string[]).length;
  const present = presentClasses(ctx.y);
  if (present.length < 2) return constantOutput(ctx.classes, ctx.y, ctx.predict.length);
  const design = designOf(ctx);
  // Fit over the classes seen in training; the others get probability 0.
  const local = new Map(present.map((c, i) => [c, i] as const));
  const y = ctx.y.map((c) => local.get(c) as number);
  const K = present.length === 2 ? 1 : present.length;
  const opts = { maxIter: ctx.params.maxIter as number, tol: ctx.params.tol as number };
  const w = fitLogistic(design.train, y, K, ctx.params.l2 as number, opts);
  const proba: number[][] = [];
  for (let i = 0; i < design.predict.n; i++) {
    const s = scores(design.predict, w, K, i);
    const p = K === 1 ? [1 - 1 / (1 + Math.exp(-(s[0] as number))), 1 / (1 + Math.exp(-(s[0] as number)))] : softmax(s);
    const full = new Array<number>(classes).fill(0);
    present.forEach((c, j) => (full[c] = p[j] as number));
    proba.push(full);
  }
  return { pred: proba.map(argmax), proba };
}

export const logisticRegression = defineLearner(
  {
    name: 'logistic-regression',
    taskTypes: ['binary', 'multiclass'],
    description: 'L2 logistic regression (sigmoid for two classes, softmax for more) on standardised features and hashed tf-idf text, fitted with L-BFGS.',
    params: [
      { name: 'l2', type: 'number', min: 0, default: 1, description: "L2 penalty on the weights (scikit-learn's 1 / C)." },
      { name: 'tol', type: 'number', above: 0, default: 1e-6, description: 'Stop when every gradient entry of the mean loss is below this.' },
      ...SHARED,
    ],
  },
  fitLogisticLearner,
);

// ---------------------------------------------------------------- ridge regression

/**
 * Ridge regression on sparse rows: minimises |y - b - Xw|^2 + l2 |w|^2 (b not penalised) by
 * Jacobi-preconditioned conjugate gradients on the normal equations. Returns [w..., b].
 */
export function fitRidge(X: SparseRows, y: readonly number[], l2: number, maxIter: number, tol = 1e-10): Float64Array {
  const { n, dim, indptr, idx, val } = X;
  const size = dim + 1;
  let ym = 0;
  for (const v of y) ym += v;
  ym /= n;
  const u = new Float64Array(n);
  // A v = [X'(Xw + b) + l2 w ; sum(Xw + b)]
  const apply = (v: Float64Array, out: Float64Array) => {
    for (let i = 0; i < n; i++) {
      let s = v[dim] as number;
      for (let q = indptr[i] as number; q < (indptr[i + 1] as number); q++) s += (v[idx[q] as number] as number) * (val[q] as number);
      u[i] = s;
    }
    out.fill(0);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const ui = u[i] as number;
      sum += ui;
      for (let q = indptr[i] as number; q < (indptr[i + 1] as number); q++) out[idx[q] as number] = (out[idx[q] as number] as number) + ui * (val[q] as number);
    }
    for (let j = 0; j < dim; j++) out[j] = (out[j] as number) + l2 * (v[j] as number);
    out[dim] = sum;
  };
  const rhs = new Float64Array(size);
  const diag = new Float64Array(size);
  for (let i = 0; i < n; i++) {
    const yi = (y[i] as number) - ym;
    for (let q = indptr[i] as number; q < (indptr[i + 1] as number); q++) {
      const j = idx[q] as number;
      const x = val[q] as number;
      rhs[j] = (rhs[j] as number) + yi * x;
      diag[j] = (diag[j] as number) + x * x;
    }
    rhs[dim] = (rhs[dim] as number) + yi;
  }
  diag[dim] = n;
  for (let j = 0; j < dim; j++) diag[j] = (diag[j] as number) + l2;
  const pre = (r: Float64Array, out: Float64Array) => {
    for (let j = 0; j < size; j++) out[j] = (diag[j] as number) > 0 ? (r[j] as number) / (diag[j] as number) : (r[j] as number);
  };
  const w = new Float64Array(size);
  const r = Float64Array.from(rhs);
  const zv = new Float64Array(size);
  pre(r, zv);
  const p = Float64Array.from(zv);
  const ap = new Float64Array(size);
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let j = 0; j < size; j++) s += (a[j] as number) * (b[j] as number);
    return s;
  };
  const bnorm = Math.sqrt(dot(rhs, rhs)) || 1;
  let rz = dot(r, zv);
  for (let it = 0; it < maxIter; it++) {
    if (Math.sqrt(dot(r, r)) <= tol * bnorm) break;
    apply(p, ap);
    const pap = dot(p, ap);
    if (!(pap > 0)) break;
    const a = rz / pap;
    for (let j = 0; j < size; j++) {
      w[j] = (w[j] as number) + a * (p[j] as number);
      r[j] = (r[j] as number) - a * (ap[j] as number);
    }
    pre(r, zv);
    const rzNew = dot(r, zv);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let j = 0; j < size; j++) p[j] = (zv[j] as number) + beta * (p[j] as number);
  }
  w[dim] = (w[dim] as number) + ym;
  return w;
}

function fitRidgeLearner(ctx: FitContext): FitOutput {
  const design = designOf(ctx);
  const w = fitRidge(design.train, ctx.y, ctx.params.l2 as number, ctx.params.maxIter as number);
  const X = design.predict;
  const pred: number[] = [];
  for (let i = 0; i < X.n; i++) {
    let s = w[X.dim] as number;
    for (let q = X.indptr[i] as number; q < (X.indptr[i + 1] as number); q++) s += (w[X.idx[q] as number] as number) * (X.val[q] as number);
    pred.push(s);
  }
  return { pred };
}

export const linearRegression = defineLearner(
  {
    name: 'linear-regression',
    taskTypes: ['regression'],
    description: 'Ridge regression on standardised features and hashed tf-idf text, solved by preconditioned conjugate gradients.',
    params: [{ name: 'l2', type: 'number', min: 0, default: 1, description: "L2 penalty on the weights (scikit-learn Ridge's alpha)." }, ...SHARED.map((s) => (s.name === 'maxIter' ? { ...s, default: 1000, description: 'Most conjugate-gradient iterations.' } : s))],
  },
  fitRidgeLearner,
);

/**
 * Naive Bayes over mixed features: multinomial over the tokens of the text features (Laplace
 * smoothing alpha; tokens never seen in training are ignored), Gaussian for numeric features
 * (per-class mean and variance, variance smoothed as scikit-learn's GaussianNB), and smoothed
 * per-class value counts for categorical features.
 */
import { defineLearner, softmax, type FitContext, type FitOutput, type ParamSpec } from './common.ts';
import { makeEncoder, rowText, tokenize } from './features.ts';

/**
 * Multinomial naive Bayes over token lists (bench-local's text learner): per test document, the class
 * with the highest log-posterior (ties: the lower index).
 */
export function naiveBayesClassify(alpha: number, docs: string[][], y: number[], classes: number, test: string[][]): number[] {
  return multinomialScores(alpha, docs, y, classes, test).map(argmaxScores);
}

function argmaxScores(s: number[]): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let c = 0; c < s.length; c++) {
    if ((s[c] as number) > bestScore) {
      bestScore = s[c] as number;
      best = c;
    }
  }
  return best;
}

/** Per test document and class: log prior + the tokens' log-likelihoods. */
function multinomialScores(alpha: number, docs: string[][], y: number[], classes: number, test: string[][]): number[][] {
  const counts: Map<string, number>[] = Array.from({ length: classes }, () => new Map());
  const totals = new Array<number>(classes).fill(0);
  const docsPer = new Array<number>(classes).fill(0);
  const vocab = new Set<string>();
  docs.forEach((tokens, i) => {
    const c = y[i] as number;
    docsPer[c] = (docsPer[c] as number) + 1;
    const m = counts[c] as Map<string, number>;
    for (const t of tokens) {
      m.set(t, (m.get(t) ?? 0) + 1);
      vocab.add(t);
    }
    totals[c] = (totals[c] as number) + tokens.length;
  });
  const v = vocab.size;
  const n = docs.length;
  return test.map((tokens) => {
    const out: number[] = [];
    for (let c = 0; c < classes; c++) {
      // Laplace-smoothed prior so a class absent from training is still possible but unlikely.
      let s = Math.log(((docsPer[c] as number) + 1) / (n + classes));
      const m = counts[c] as Map<string, number>;
      const denom = Math.log((totals[c] as number) + alpha * v);
      for (const t of tokens) {
        if (!vocab.has(t)) continue;
        s += Math.log((m.get(t) ?? 0) + alpha) - denom;
      }
      out.push(s);
    }
    return out;
  });
}

const PARAMS: ParamSpec[] = [
  { name: 'alpha', type: 'number', above: 0, default: 1, description: 'Laplace smoothing of token and category counts.' },
  { name: 'maxChars', type: 'int', min: 1, default: 100000, description: 'Tokens are read from the first maxChars characters of the joined text features.' },
  { name: 'varSmoothing', type: 'number', min: 0, default: 1e-9, description: "Share of the largest numeric feature variance added to every variance (scikit-learn's var_smoothing)." },
];

function fit(ctx: FitContext): FitOutput {
  const classes = (ctx.classes as string[]).length;
  const alpha = ctx.params.alpha as number;
  const maxChars = ctx.params.maxChars as number;
  const features = ctx.problem.features;
  const n = ctx.rows.length;

  // Text: multinomial (log prior included).
  const hasText = features.some((f) => f.kind === 'text');
  const docs = ctx.rows.map((r) => (hasText ? tokenize(rowText(features, r), maxChars) : []));
  const test = ctx.predict.map((r) => (hasText ? tokenize(rowText(features, r), maxChars) : []));
  const scores = multinomialScores(alpha, docs, ctx.y, classes, test);

  // Numeric: Gaussian per class.
  const numeric = features.filter((f) => f.kind === 'numeric');
  if (numeric.length > 0) {
    const enc = makeEncoder(numeric);
    const x = ctx.rows.map((r) => enc.encode(r));
    const d = numeric.length;
    const count = new Array<number>(classes).fill(0);
    const mean = Array.from({ length: classes }, () => new Array<number>(d).fill(0));
    const varc = Array.from({ length: classes }, () => new Array<number>(d).fill(0));
    x.forEach((row, i) => {
      const c = ctx.y[i] as number;
      count[c] = (count[c] as number) + 1;
      const m = mean[c] as number[];
      for (let j = 0; j < d; j++) m[j] = (m[j] as number) + (row[j] as number);
    });
    for (let c = 0; c < classes; c++) for (let j = 0; j < d; j++) (mean[c] as number[])[j] = (count[c] as number) > 0 ? ((mean[c] as number[])[j] as number) / (count[c] as number) : 0;
    x.forEach((row, i) => {
      const c = ctx.y[i] as number;
      for (let j = 0; j < d; j++) (varc[c] as number[])[j] = ((varc[c] as number[])[j] as number) + ((row[j] as number) - ((mean[c] as number[])[j] as number)) ** 2;
    });
    // Smoothing: varSmoothing times the largest overall variance (at least 1e-9 so a constant feature stays finite).
    let maxVar = 0;
    for (let j = 0; j < d; j++) {
      let mu = 0;
      for (const row of x) mu += row[j] as number;
      mu /= n;
      let s = 0;
      for (const row of x) s += ((row[j] as number) - mu) ** 2;
      maxVar = Math.max(maxVar, s / n);
    }
    const eps = Math.max(1e-9, (ctx.params.varSmoothing as number) * maxVar);
    for (let c = 0; c < classes; c++) for (let j = 0; j < d; j++) (varc[c] as number[])[j] = ((count[c] as number) > 0 ? ((varc[c] as number[])[j] as number) / (count[c] as number) : maxVar) + eps;
    ctx.predict.forEach((r, i) => {
      const row = enc.encode(r);
      const s = scores[i] as number[];
      for (let c = 0; c < classes; c++) {
        for (let j = 0; j < d; j++) {
          const v = (varc[c] as number[])[j] as number;
          s[c] = (s[c] as number) - 0.5 * Math.log(2 * Math.PI * v) - ((row[j] as number) - ((mean[c] as number[])[j] as number)) ** 2 / (2 * v);
        }
      }
    });
  }

  // Categorical: smoothed value counts per class (values + other).
  for (const f of features) {
    if (f.kind !== 'categorical') continue;
    const values = f.values ?? [];
    const slots = values.length + 1;
    const index = new Map(values.map((v, i) => [v, i] as const));
    const slotOf = (v: unknown) => (v === null || v === undefined ? values.length : (index.get(String(v)) ?? values.length));
    const table = Array.from({ length: classes }, () => new Array<number>(slots).fill(0));
    const perClass = new Array<number>(classes).fill(0);
    ctx.rows.forEach((r, i) => {
      const c = ctx.y[i] as number;
      const k = slotOf(r[f.name]);
      (table[c] as number[])[k] = ((table[c] as number[])[k] as number) + 1;
      perClass[c] = (perClass[c] as number) + 1;
    });
    ctx.predict.forEach((r, i) => {
      const k = slotOf(r[f.name]);
      const s = scores[i] as number[];
      for (let c = 0; c < classes; c++) s[c] = (s[c] as number) + Math.log((((table[c] as number[])[k] as number) + alpha) / ((perClass[c] as number) + alpha * slots));
    });
  }
  return { pred: scores.map(argmaxScores), proba: scores.map(softmax) };
}

export const naiveBayes = defineLearner(
  {
    name: 'naive-bayes',
    taskTypes: ['binary', 'multiclass'],
    description: 'Naive Bayes: multinomial over text tokens, Gaussian for numeric features, smoothed counts for categorical features.',
    params: PARAMS,
  },
  fit,
);

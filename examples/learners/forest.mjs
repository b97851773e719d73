#!/usr/bin/env node
/**
 * A DataMaster learner command in plain Node (no dependencies): a small random forest.
 *
 *   learner: { "command": ["node", "examples/learners/forest.mjs"] }
 *
 * Speaks the learner protocol (docs/learners.md): reads problem.json (DM_PROBLEM), the training table
 * (DM_TRAIN) and the prediction inputs (DM_PREDICT) in csv or jsonl, and writes predictions.csv (DM_OUTPUT)
 * with the key column, `prediction`, and proba_<class> columns for classification.
 *
 * Features: numeric columns as they are (missing -> the training median); categorical columns one-hot over
 * their known values (problem.json `values`, else the 20 most frequent training values); text columns are
 * skipped. Trees: CART on bootstrap samples with histogram splits (up to 32 quantile bins per feature),
 * sqrt(#features) features tried per split; gini for classes, squared error for regression.
 * Knobs (environment, e.g. learner.env): FOREST_TREES (default 40), FOREST_DEPTH (12), FOREST_MIN_LEAF (2).
 */
import { readFileSync, writeFileSync } from 'node:fs';

const env = process.env;
const TREES = Number(env.FOREST_TREES ?? 40);
const DEPTH = Number(env.FOREST_DEPTH ?? 12);
const MIN_LEAF = Number(env.FOREST_MIN_LEAF ?? 2);
const BINS = 32;

if (!env.DM_PROBLEM) {
  console.error('forest.mjs is a DataMaster learner command: it is started by the learner runner, which sets DM_PROBLEM (see docs/learners.md)');
  process.exit(2);
}
const problem = JSON.parse(readFileSync(env.DM_PROBLEM, 'utf8'));

// ---- reading the tables ----------------------------------------------------------------------------
function parseCsv(text) {
  const rows = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let row = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  const push = () => {
    row.push(field === '' && !wasQuoted ? null : field);
    field = '';
    wasQuoted = false;
  };
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = wasQuoted = true;
    else if (c === ',') push();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      push();
      rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || wasQuoted || row.length) {
    push();
    rows.push(row);
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, k) => [h, r[k] ?? null])));
}

function readTable(file) {
  const text = readFileSync(file, 'utf8');
  if (problem.format === 'csv') return parseCsv(text);
  if (problem.format === 'jsonl') return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  console.error(`forest.mjs reads csv or jsonl, not ${problem.format}; set "format": "csv" in the task's learner`);
  process.exit(2);
}

const train = readTable(problem.files.train);
const predict = readTable(problem.files.predict);
const isClass = problem.taskType !== 'regression';
const classes = problem.classes ?? [];

// ---- encoding ---------------------------------------------------------------------------------------
const num = (v) => {
  if (v === null || v === undefined || v === '') return NaN;
  const x = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(x) ? x : NaN;
};
const encoders = [];
for (const f of problem.features) {
  if (f.kind === 'numeric') {
    const xs = train.map((r) => num(r[f.name])).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
    const median = xs.length ? xs[Math.floor(xs.length / 2)] : 0;
    encoders.push((r, out) => {
      const x = num(r[f.name]);
      out.push(Number.isNaN(x) ? median : x);
    });
  } else if (f.kind === 'categorical') {
    let values = f.values;
    if (!values || values.length === 0) {
      const counts = new Map();
      for (const r of train) {
        const v = r[f.name];
        if (v !== null && v !== undefined) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
      }
      values = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 20).map((e) => e[0]);
    }
    encoders.push((r, out) => {
      const v = r[f.name] === null || r[f.name] === undefined ? null : String(r[f.name]);
      for (const c of values) out.push(v === c ? 1 : 0);
    });
  }
}
const encode = (r) => {
  const out = [];
  for (const e of encoders) e(r, out);
  return out;
};
const X = train.map(encode);
const Y = isClass ? train.map((r) => classes.indexOf(String(r[problem.label]))) : train.map((r) => num(r[problem.label]));
const P = predict.map(encode);
const width = X[0]?.length ?? 0;
const K = isClass ? classes.length : 0;

// Quantile bin edges per feature; each value becomes a bin index (Uint8).
const edges = [];
for (let f = 0; f < width; f++) {
  const xs = X.map((x) => x[f]).sort((a, b) => a - b);
  const e = [];
  for (let b = 1; b < BINS; b++) {
    const v = xs[Math.floor((b * xs.length) / BINS)];
    if (v !== undefined && (e.length === 0 || v > e[e.length - 1])) e.push(v);
  }
  edges.push(e);
}
const binOf = (f, x) => {
  const e = edges[f];
  let lo = 0;
  let hi = e.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (x < e[m]) hi = m;
    else lo = m + 1;
  }
  return lo;
};
const XB = X.map((x) => Uint8Array.from(x, (v, f) => binOf(f, v)));

// ---- the forest -------------------------------------------------------------------------------------
let state = (Number(env.DM_SEED ?? problem.seed ?? 1) >>> 0) || 1;
const rand = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

function leaf(idx) {
  if (!isClass) return { value: [idx.reduce((s, i) => s + Y[i], 0) / idx.length] };
  const p = new Array(K).fill(0);
  for (const i of idx) p[Y[i]]++;
  return { value: p.map((c) => c / idx.length) };
}

function impurity(stats, n) {
  // classification: n * gini; regression: sum of squares around the mean. stats = counts | [sum, sumSq]
  if (n === 0) return 0;
  if (!isClass) return stats[1] - (stats[0] * stats[0]) / n;
  let s = 0;
  for (const c of stats) s += c * c;
  return n - s / n;
}

function grow(idx, depth) {
  if (depth >= DEPTH || idx.length < 2 * MIN_LEAF) return leaf(idx);
  const S = isClass ? K : 2;
  const total = new Float64Array(S);
  for (const i of idx) {
    if (isClass) total[Y[i]]++;
    else {
      total[0] += Y[i];
      total[1] += Y[i] * Y[i];
    }
  }
  const parent = impurity(total, idx.length);
  if (parent <= 1e-12) return leaf(idx);
  const tries = Math.max(1, Math.round(Math.sqrt(width)));
  let best = null;
  for (let t = 0; t < tries; t++) {
    const f = Math.floor(rand() * width);
    const nb = edges[f].length + 1;
    const hist = new Float64Array(nb * S);
    const cnt = new Float64Array(nb);
    for (const i of idx) {
      const b = XB[i][f];
      cnt[b]++;
      if (isClass) hist[b * S + Y[i]]++;
      else {
        hist[b * S] += Y[i];
        hist[b * S + 1] += Y[i] * Y[i];
      }
    }
    const left = new Float64Array(S);
    let nl = 0;
    for (let b = 0; b < nb - 1; b++) {
      nl += cnt[b];
      for (let s = 0; s < S; s++) left[s] += hist[b * S + s];
      const nr = idx.length - nl;
      if (nl < MIN_LEAF || nr < MIN_LEAF || cnt[b] === 0) continue;
      const right = total.map((v, s) => v - left[s]);
      const gain = parent - impurity(left, nl) - impurity(right, nr);
      if (gain > 1e-12 && (!best || gain > best.gain)) best = { gain, f, b };
    }
  }
  if (!best) return leaf(idx);
  const l = [];
  const r = [];
  for (const i of idx) (XB[i][best.f] <= best.b ? l : r).push(i);
  return { f: best.f, b: best.b, left: grow(l, depth + 1), right: grow(r, depth + 1) };
}

const trees = [];
for (let t = 0; t < TREES && X.length > 0; t++) {
  const sample = Array.from({ length: X.length }, () => Math.floor(rand() * X.length));
  trees.push(grow(sample, 0));
}

function predictOne(x) {
  const xb = x.map((v, f) => binOf(f, v));
  const acc = new Array(isClass ? K : 1).fill(0);
  for (const tree of trees) {
    let n = tree;
    while (!n.value) n = xb[n.f] <= n.b ? n.left : n.right;
    n.value.forEach((v, k) => (acc[k] += v));
  }
  return acc.map((v) => v / Math.max(1, trees.length));
}

// ---- predictions ------------------------------------------------------------------------------------
const field = (v) => {
  const s = String(v ?? '');
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};
const header = [problem.idColumn, 'prediction', ...(isClass ? problem.probaColumns : [])];
const lines = [header.map(field).join(',')];
P.forEach((x, i) => {
  const out = predictOne(x);
  const key = predict[i][problem.idColumn];
  if (isClass) {
    let c = 0;
    for (let k = 1; k < K; k++) if (out[k] > out[c]) c = k;
    lines.push([key, classes[c], ...out.map((p) => p.toFixed(6))].map(field).join(','));
  } else lines.push([key, out[0]].map(field).join(','));
});
writeFileSync(problem.files.output, lines.join('\n') + '\n');
console.log(`forest.mjs: ${trees.length} trees, ${X.length} training rows, ${width} encoded features, ${P.length} predictions`);

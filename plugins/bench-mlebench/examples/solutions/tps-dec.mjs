// A fixed learner for tabular-playground-series-dec-2021: k nearest neighbours (k = 9) on standardised
// features. Reads train.csv and test.csv, writes submission.csv (Id, Cover_Type).
import { readCsv, writeCsv } from './lib.mjs';

const train = readCsv('train.csv');
const test = readCsv('test.csv');
const label = train.col('Cover_Type');
const features = test.header.filter((h) => h !== 'Id' && train.header.includes(h));
const num = (s) => (s === '' ? NaN : Number(s));
const X = train.rows.map((r) => features.map((f) => num(r[train.col(f)])));
const y = train.rows.map((r) => Math.round(Number(r[label])));
const mean = features.map((_, j) => X.reduce((s, x) => s + (Number.isNaN(x[j]) ? 0 : x[j]), 0) / X.length);
const sd = features.map((_, j) => Math.sqrt(X.reduce((s, x) => s + ((Number.isNaN(x[j]) ? mean[j] : x[j]) - mean[j]) ** 2, 0) / X.length) || 1);
const z = (x) => x.map((v, j) => ((Number.isNaN(v) ? mean[j] : v) - mean[j]) / sd[j]);
const Z = X.map(z);
const k = 9;
const out = test.rows.map((r) => {
  const q = z(features.map((f) => num(r[test.col(f)])));
  const d = Z.map((x, i) => [x.reduce((s, v, j) => s + (v - q[j]) ** 2, 0), i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const votes = new Map();
  for (const [, i] of d.slice(0, k)) votes.set(y[i], (votes.get(y[i]) ?? 0) + 1);
  const best = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
  return [r[test.col('Id')], best];
});
writeCsv('submission.csv', ['Id', 'Cover_Type'], out);

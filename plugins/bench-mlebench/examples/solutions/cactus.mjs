// A fixed learner for the aerial-cactus layout: logistic regression (gradient descent, standardised inputs)
// on the four numbers in each zipped "image". Reads train.csv, train.zip, test.zip and the sample submission.
import { readCsv, readZipAll, writeCsv } from './lib.mjs';

const train = readCsv('train.csv');
const sample = readCsv('sample_submission.csv');
const trainImages = readZipAll('train.zip');
const testImages = readZipAll('test.zip');
const rows = train.rows.map((r) => ({ x: JSON.parse(trainImages.get(r[train.col('id')])), y: Number(r[train.col('has_cactus')]) }));
const d = rows[0].x.length;
const mean = [...Array(d)].map((_, j) => rows.reduce((s, r) => s + r.x[j], 0) / rows.length);
const sd = [...Array(d)].map((_, j) => Math.sqrt(rows.reduce((s, r) => s + (r.x[j] - mean[j]) ** 2, 0) / rows.length) || 1);
const z = (x) => x.map((v, j) => (v - mean[j]) / sd[j]);
const w = new Array(d + 1).fill(0);
const p = (x) => 1 / (1 + Math.exp(-(w[d] + x.reduce((s, v, j) => s + v * w[j], 0))));
for (let epoch = 0; epoch < 300; epoch++) {
  const g = new Array(d + 1).fill(0);
  for (const r of rows) {
    const x = z(r.x);
    const e = p(x) - r.y;
    x.forEach((v, j) => (g[j] += e * v));
    g[d] += e;
  }
  g.forEach((v, j) => (w[j] -= (0.5 * v) / rows.length));
}
const out = sample.rows.map((r) => {
  const id = r[sample.col('id')];
  const img = testImages.get(id);
  if (img === undefined) throw new Error(`test.zip has no image ${id}`);
  return [id, p(z(JSON.parse(img))).toFixed(6)];
});
writeCsv('submission.csv', sample.header, out);

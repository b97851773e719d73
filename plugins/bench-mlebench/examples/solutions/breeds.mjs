// A fixed learner for the dog-breed layout: reads each training "image" (train/<id>.jpg) and each test one
// (test/<id>.jpg, ids from the sample submission), and predicts breed probabilities from the 15 nearest
// training images (smoothed so no probability is 0).
import { readFileSync } from 'node:fs';
import { readCsv, writeCsv } from './lib.mjs';

const labels = readCsv('labels.csv');
const sample = readCsv('sample_submission.csv');
const classes = sample.header.filter((h) => h !== 'id');
const load = (dir, id) => JSON.parse(readFileSync(`${dir}/${id}.jpg`, 'utf8'));
const train = labels.rows.map((r) => ({ x: load('train', r[labels.col('id')]), y: r[labels.col('breed')] }));
const dims = train[0].x.length;
const mean = [...Array(dims)].map((_, j) => train.reduce((s, r) => s + r.x[j], 0) / train.length);
const sd = [...Array(dims)].map((_, j) => Math.sqrt(train.reduce((s, r) => s + (r.x[j] - mean[j]) ** 2, 0) / train.length) || 1);
const z = (x) => x.map((v, j) => (v - mean[j]) / sd[j]);
const Z = train.map((r) => z(r.x));
const out = sample.rows.map((row) => {
  const id = row[sample.col('id')];
  const q = z(load('test', id));
  const near = Z.map((x, i) => [x.reduce((s, v, j) => s + (v - q[j]) ** 2, 0), i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).slice(0, 15);
  const counts = classes.map((c) => near.filter(([, i]) => train[i].y === c).length + 0.5);
  const total = counts.reduce((s, c) => s + c, 0);
  return [id, ...counts.map((c) => (c / total).toFixed(8))];
});
writeCsv('submission.csv', ['id', ...classes], out);

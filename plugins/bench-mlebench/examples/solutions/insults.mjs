// A fixed learner for detecting-insults-in-social-commentary: multinomial naive Bayes on the words of the
// comment. Reads train.csv and the sample submission from its working folder, writes submission.csv.
import { readCsv, tokens, writeCsv } from './lib.mjs';

const train = readCsv('train.csv');
const sample = readCsv('sample_submission_null.csv');
const iy = train.col('Insult');
const ic = train.col('Comment');
if (iy < 0 || ic < 0) throw new Error(`train.csv has no Insult/Comment column: ${train.header.join(',')}`);

const counts = [new Map(), new Map()];
const totals = [0, 0];
const docs = [0, 0];
for (const r of train.rows) {
  const y = Number(r[iy]) > 0.5 ? 1 : 0;
  docs[y]++;
  for (const t of tokens(r[ic])) {
    counts[y].set(t, (counts[y].get(t) ?? 0) + 1);
    totals[y]++;
  }
}
if (docs[0] === 0 || docs[1] === 0) throw new Error('train.csv holds one class only');
const vocab = new Set([...counts[0].keys(), ...counts[1].keys()]).size;
const logp = (y, t) => Math.log(((counts[y].get(t) ?? 0) + 1) / (totals[y] + vocab));

const sc = sample.col('Comment');
const sy = sample.col('Insult');
const out = sample.rows.map((r) => {
  let z = Math.log(docs[1] / docs[0]);
  for (const t of tokens(r[sc])) z += logp(1, t) - logp(0, t);
  const p = 1 / (1 + Math.exp(-Math.max(-30, Math.min(30, z / 8))));
  const row = r.slice();
  row[sy] = p.toFixed(6);
  return row;
});
writeCsv('submission.csv', sample.header, out);
console.log(`trained on ${train.rows.length} comments, predicted ${out.length}`);

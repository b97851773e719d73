// A fixed learner for text-normalization-challenge-english-language: for each token, the normalised form
// seen most often in training; an unseen token is left as it is. Reads the zipped training and test files.
import { parseCsvText, readZipText, writeCsv } from './lib.mjs';

const train = parseCsvText(readZipText('en_train.csv.zip'));
const test = parseCsvText(readZipText('en_test_2.csv.zip'));
const [b, a] = [train.col('before'), train.col('after')];
const seen = new Map();
for (const r of train.rows) {
  const m = seen.get(r[b]) ?? new Map();
  m.set(r[a], (m.get(r[a]) ?? 0) + 1);
  seen.set(r[b], m);
}
const best = (before) => {
  const m = seen.get(before);
  if (!m) return before;
  return [...m.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0][0];
};
const [s, t, tb] = [test.col('sentence_id'), test.col('token_id'), test.col('before')];
writeCsv('submission.csv', ['id', 'after'], test.rows.map((r) => [`${r[s]}_${r[t]}`, best(r[tb])]));

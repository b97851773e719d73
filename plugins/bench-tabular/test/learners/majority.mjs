// A learner command for tests: predicts the most common training label (classification) or the mean
// (regression) for every prediction row. Reads the files the runner names in DM_* variables (CSV).
import { readFileSync, writeFileSync } from 'node:fs';

function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else if (ch !== '\r') cell += ch;
  }
  if (cell !== '' || row.length) row.push(cell), rows.push(row);
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head.map((h, k) => [h, r[k]])));
}

const label = process.env.DM_LABEL;
const idColumn = process.env.DM_ID_COLUMN;
const train = parseCsv(readFileSync(process.env.DM_TRAIN, 'utf8'));
const predict = parseCsv(readFileSync(process.env.DM_PREDICT, 'utf8'));
let guess;
if (process.env.DM_TASK_TYPE === 'regression') {
  guess = train.reduce((s, r) => s + Number(r[label]), 0) / train.length;
} else {
  const counts = new Map();
  for (const r of train) counts.set(r[label], (counts.get(r[label]) ?? 0) + 1);
  guess = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
}
const q = (v) => (/[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
writeFileSync(process.env.DM_OUTPUT, [`${idColumn},prediction`, ...predict.map((r) => `${q(r[idColumn])},${q(guess)}`)].join('\n') + '\n');
console.error(`majority learner: ${train.length} training rows, guess ${guess}`);

/**
 * End to end through prepare / evaluate / grade on MLE-bench-layout competitions built from real data
 * (examples/competitions.ts), with real solution commands (examples/solutions/*.mjs run as `node ...`).
 */
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import t from 'tap';
import { readTable, type Task } from '@datamaster/sdk';
import {
  buildInsults,
  buildPenguinCactus,
  CACTUS,
  buildPenguinBreeds,
  buildPizza,
  buildTextNorm,
  buildTpsDec,
  DOG_BREEDS,
  INSULTS,
  PIZZA,
  TEXT_NORM_EN,
  TPS_DEC,
  writeLeaderboard,
} from '../examples/competitions.ts';
import type { MleBenchConfig } from '../src/config.ts';
import { findMlebench, runGradeSample } from '../src/crosscheck.ts';
import { readCsv } from '../src/csv.ts';
import plugin from '../src/index.ts';
import { context, SOLUTIONS, tempDir, type Captured } from './helpers.ts';

const tmp = tempDir('mle-e2e-');
t.teardown(tmp.remove);
const data = join(tmp.dir, 'data');
const lbDir = join(tmp.dir, 'competitions');
let n = 0;

function task(metric: string, direction: 'max' | 'min'): Task {
  return { id: 'mlebench-e2e', description: 'e2e', benchmark: { plugin: '@datamaster/bench-mlebench' }, metric: { name: metric, direction } };
}

function ctxFor(config: Partial<MleBenchConfig> & { competition: string; solution: MleBenchConfig['solution'] }, captured?: Captured, workDir?: string) {
  return context({ dataDir: data, ...config }, workDir ?? join(tmp.dir, `work-${++n}`), SOLUTIONS, captured);
}

/** ROC AUC by counting pairs: an implementation independent of the plugin's rank-sum one. */
function pairAuc(truth: number[], score: number[]): number {
  let good = 0;
  let pairs = 0;
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] !== 1) continue;
    for (let j = 0; j < truth.length; j++) {
      if (truth[j] !== 0) continue;
      pairs++;
      good += (score[i] as number) > (score[j] as number) ? 1 : score[i] === score[j] ? 0.5 : 0;
    }
  }
  return good / pairs;
}

t.test('detecting-insults-in-social-commentary (SpamAssassin): prepare, evaluate, grade, medal', async (t) => {
  const built = buildInsults(data);
  // 50 teams, higher is better: 0.999, 0.997, ... -> gold at 5 = 0.991, silver at 10 = 0.981, bronze at 20 = 0.961,
  // median (0.951 + 0.949) / 2 = 0.95.
  writeLeaderboard(
    join(lbDir, INSULTS, 'leaderboard.csv'),
    Array.from({ length: 50 }, (_, i) => Number((0.999 - 0.002 * i).toFixed(3))),
  );
  const captured: Captured = { warn: [], info: [] };
  const ctx = ctxFor({ competition: INSULTS, solution: { command: ['node', 'insults.mjs'], timeoutSeconds: 120 }, leaderboardDir: lbDir }, captured);
  const prepared = await plugin.prepare(task('roc_auc', 'max'), ctx);
  t.equal(prepared.label, 'Insult');
  t.same(prepared.keyColumns, ['Date', 'Comment']);
  t.match(prepared.info, { competition: INSULTS, metric: 'roc_auc', direction: 'max', split: { fraction: 0.1, seed: 0, key: 'Comment' }, testRows: built.testRows });
  t.same(prepared.columns.map((c) => [c.name, c.type]), [
    ['Insult', 'BIGINT'],
    ['Date', 'VARCHAR'],
    ['Comment', 'VARCHAR'],
  ]);

  // The base and the test inputs are in folders of their own, with no validation labels and no answers.
  const base = await readTable(prepared.base.path, 'parquet');
  const testInputs = await readTable((prepared.testInputs as { path: string }).path, 'parquet');
  t.same(readdirSync(dirname(prepared.base.path)), ['train.parquet']);
  t.same(readdirSync(dirname((prepared.testInputs as { path: string }).path)), ['test.parquet']);
  t.same(testInputs.columns.map((c) => c.name), ['Date', 'Comment'], 'test inputs carry no label');
  t.equal(testInputs.rows.length, built.testRows);
  const split = (prepared.info as { split: { trainRows: number; validationRows: number } }).split;
  t.equal(base.rows.length, split.trainRows);
  t.equal(split.trainRows + split.validationRows, built.trainRows, 'training rows = base + validation');
  t.ok(split.validationRows > built.trainRows * 0.05 && split.validationRows < built.trainRows * 0.15, `about 10% held out (${split.validationRows})`);

  // prepare is deterministic and reused: a second context on the same work dir gets the same files.
  const again = await plugin.prepare(task('auc', 'max'), context(ctx.config, ctx.workDir, ctx.baseDir));
  t.equal(again.base.path, prepared.base.path);
  // Two processes preparing at once into a fresh work dir agree too.
  const fresh = join(tmp.dir, 'work-race');
  const [p1, p2] = await Promise.all([plugin.prepare(task('auc', 'max'), context(ctx.config, fresh, ctx.baseDir)), plugin.prepare(task('auc', 'max'), context(ctx.config, fresh, ctx.baseDir))]);
  t.equal(p1.base.path, p2.base.path);
  t.same((await readTable(p1.base.path, 'parquet')).rows, base.rows, 'same rows in the same order');

  const ev = await plugin.evaluate({ artifact: prepared.base, fidelity: 1, seed: 0 }, ctx);
  t.ok(ev.score > 0.8 && ev.score <= 1, `validation AUC ${ev.score}`);
  t.match(ev.metrics, { roc_auc: ev.score, trainRows: split.trainRows, validationRows: split.validationRows });
  const ev2 = await plugin.evaluate({ artifact: prepared.base, fidelity: 1, seed: 0 }, ctx);
  t.equal(ev2.score, ev.score, 'the same artifact scores the same');
  t.same(readdirSync(join(ctx.workDir, 'runs')), [], 'run folders are removed');

  // A smaller artifact (every 6th base row) trains a different model: the score comes from the data.
  const small = join(tmp.dir, 'small.csv');
  const sixth = base.rows.filter((_, i) => i % 6 === 0);
  writeFileSync(small, 'Insult,Date,Comment\n' + sixth.map((r) => `${r.Insult},${r.Date ?? ''},"${String(r.Comment).replaceAll('"', '""')}"`).join('\n') + '\n');
  const evSmall = await plugin.evaluate({ artifact: { path: small, format: 'csv' }, fidelity: 1, seed: 0 }, ctx);
  t.equal(evSmall.metrics?.trainRows, sixth.length);
  t.not(evSmall.score, ev.score);

  const graded = await plugin.grade({ artifact: prepared.base, fidelity: 1, seed: 0 }, ctx);
  const m = graded.metrics as Record<string, number>;
  t.match(m, { gold_threshold: 0.991, silver_threshold: 0.981, bronze_threshold: 0.961, median_threshold: 0.95, teams: 50 });
  const s = graded.score;
  const expected = s >= 0.991 ? 'gold' : s >= 0.981 ? 'silver' : s >= 0.961 ? 'bronze' : 'none';
  t.equal(graded.medal, expected, `score ${s} -> ${expected}`);
  t.equal(m.any_medal, expected === 'none' ? 0 : 1);
  t.equal(m.above_median, s > 0.95 ? 1 : 0);
  t.equal(s, Number(m.raw_score?.toFixed(5)), 'the grade is rounded to 5 decimals');

  // The kept submission, scored independently against the private answers.
  const sub = await readCsv(join(ctx.workDir, 'final', 'submission.csv'));
  const ans = await readCsv(join(data, INSULTS, 'prepared', 'private', 'test.csv'));
  const predBy = new Map((sub.columns.get('Comment') as string[]).map((c, i) => [c, Number((sub.columns.get('Insult') as string[])[i])]));
  const truth = (ans.columns.get('Insult') as string[]).map(Number);
  const score = (ans.columns.get('Comment') as string[]).map((c) => predBy.get(c) as number);
  t.ok(Math.abs(pairAuc(truth, score) - (m.raw_score as number)) < 1e-12, 'grade = pairwise AUC of the final submission');
  const report = JSON.parse(readFileSync(join(ctx.workDir, 'final', 'report.json'), 'utf8')) as Record<string, unknown>;
  t.match(report, { competition_id: INSULTS, score: s, medal: expected, is_lower_better: false });

  // Cross-check with the reference grader when it is installed.
  const exe = findMlebench();
  if (!exe) t.skip('cross-check with `mlebench grade-sample`: mlebench is not on PATH (pip install the mle-bench checkout to run it)', () => undefined);
  else t.equal((await runGradeSample(exe, join(ctx.workDir, 'final', 'submission.csv'), INSULTS, data)).score, s);
});

t.test('solution failures surface as errors with their output', async (t) => {
  const dir = join(tmp.dir, 'bad-solutions');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'crash.mjs'), "console.error('reading train.csv'); process.exitCode = 2; throw new Error('model exploded');\n");
  writeFileSync(join(dir, 'hang.mjs'), "console.error('epoch 1/100'); setInterval(() => {}, 1000);\n");
  writeFileSync(join(dir, 'silent.mjs'), "console.log('forgot to write it');\n");
  writeFileSync(
    join(dir, 'badid.mjs'),
    "import { readFileSync, writeFileSync } from 'node:fs';\nconst lines = readFileSync('sample_submission_null.csv', 'utf8').trimEnd().split('\\n');\nlines[3] = '0.5,,\"not a test comment\"';\nwriteFileSync('submission.csv', lines.join('\\n') + '\\n');\n",
  );
  const run = (command: string[], timeoutSeconds = 60) => {
    const c = context({ competition: INSULTS, dataDir: data, solution: { command, timeoutSeconds } }, join(tmp.dir, `work-${++n}`), dir);
    return plugin.prepare(task('auc', 'max'), c).then((p) => plugin.evaluate({ artifact: p.base, fidelity: 1, seed: 0 }, c));
  };
  await t.rejects(run(['node', 'crash.mjs']), { code: 'E_MLEBENCH_SOLUTION_FAILED', message: /exited with code 1[\s\S]*model exploded/ });
  await t.rejects(run(['node', 'hang.mjs'], 2), { code: 'E_MLEBENCH_SOLUTION_TIMEOUT', message: /timeoutSeconds \(2 s\)[\s\S]*epoch 1\/100/ });
  await t.rejects(run(['node', 'silent.mjs']), { code: 'E_MLEBENCH_NO_SUBMISSION', message: /without writing submission\.csv[\s\S]*forgot to write it/ });
  await t.rejects(run(['node', 'badid.mjs']), { code: 'E_MLEBENCH_SUBMISSION', message: /line 4 \(row 3\): Comment 'not a test comment' is not a test id/ });
});

t.test('configuration and task errors', async (t) => {
  const solution = { command: ['node', 'insults.mjs'] };
  await t.rejects(plugin.prepare(task('auc', 'max'), ctxFor({ competition: 'detecting-insult-in-social-commentary', solution })), {
    code: 'E_MLEBENCH_CONFIG',
    message: /did you mean 'detecting-insults-in-social-commentary'/,
  });
  await t.rejects(plugin.prepare(task('auc', 'min'), ctxFor({ competition: INSULTS, solution })), { code: 'E_MLEBENCH_TASK', message: /"direction": "max"/ });
  await t.rejects(plugin.prepare(task('rmse', 'min'), ctxFor({ competition: 'denoising-dirty-documents', solution })), { code: 'E_MLEBENCH_UNSUPPORTED', message: /graded but not searched/ });
  await t.rejects(plugin.prepare(task('auc', 'max'), ctxFor({ competition: 'tabular-playground-series-may-2022', solution })), { code: 'E_MLEBENCH_CONFIG', message: /mlebench prepare -c tabular-playground-series-may-2022/ });
  await t.rejects(plugin.prepare(task('auc', 'max'), ctxFor({ competition: INSULTS, solution, validation: { fraction: 1.5 } })), { code: 'E_MLEBENCH_CONFIG', message: /validation\.fraction/ });
  // A configured leaderboard that is missing fails at prepare, before any training.
  await t.rejects(plugin.prepare(task('auc', 'max'), ctxFor({ competition: INSULTS, solution, leaderboardDir: join(tmp.dir, 'nowhere') })), { code: 'E_MLEBENCH_LEADERBOARD', message: /no leaderboard for detecting-insults/ });
  // dataDir may also be the competition's own folder.
  const p = await plugin.prepare(task('auc', 'max'), ctxFor({ competition: INSULTS, solution, dataDir: join(data, INSULTS) }));
  t.match(p.info, { competition: INSULTS });
});

t.test('tabular-playground-series-dec-2021 (weather.csv): numeric multiclass accuracy without a leaderboard', async (t) => {
  const built = buildTpsDec(data);
  const captured: Captured = { warn: [], info: [] };
  const ctx = ctxFor({ competition: TPS_DEC, solution: { command: ['node', 'tps-dec.mjs'] } }, captured);
  const p = await plugin.prepare(task('accuracy', 'max'), ctx);
  t.equal(p.label, 'Cover_Type');
  t.same(p.keyColumns, ['Seattle', 'Month', 'Precipitation', 'Temp_Max', 'Temp_Min', 'Wind'], 'the id is not a contamination key');
  t.same(p.columns.find((c) => c.name === 'Cover_Type')?.values, [1, 2, 3, 4, 5]);
  const ev = await plugin.evaluate({ artifact: p.base, fidelity: 1, seed: 0 }, ctx);
  t.ok(ev.score > 0.5 && ev.score <= 1, `validation accuracy ${ev.score}`);
  const g = await plugin.grade({ artifact: p.base, fidelity: 1, seed: 0 }, ctx);
  t.ok(g.score > 0.5, `test accuracy ${g.score}`);
  t.equal(g.medal, undefined, 'no leaderboard, no medal');
  t.match(captured.warn.join('\n'), /no leaderboardDir configured/);
  t.equal(g.metrics?.testRows, built.testRows);
});

t.test('random-acts-of-pizza (football.json): JSON files, zipped mirrors, training-only fields', async (t) => {
  const built = await buildPizza(data);
  const ctx = ctxFor({ competition: PIZZA, solution: { command: ['node', 'pizza.mjs'] }, keepWorkDirs: true });
  const p = await plugin.prepare(task('roc_auc', 'max'), ctx);
  t.equal(p.label, 'requester_received_pizza');
  t.notOk(p.keyColumns?.some((k) => k.endsWith('_at_retrieval')));
  const ev = await plugin.evaluate({ artifact: p.base, fidelity: 1, seed: 0 }, ctx);
  t.ok(ev.score > 0.55, `validation AUC ${ev.score}`);
  const [runName] = readdirSync(join(ctx.workDir, 'runs'));
  const input = join(ctx.workDir, 'runs', runName as string, 'input');
  const trainJson = JSON.parse(readFileSync(join(input, 'train.json'), 'utf8')) as Record<string, unknown>[];
  const testJson = JSON.parse(readFileSync(join(input, 'test.json'), 'utf8')) as Record<string, unknown>[];
  t.equal(trainJson.length, ev.metrics?.trainRows);
  t.equal(testJson.length, ev.metrics?.validationRows);
  t.same(Object.keys(testJson[0] as object).sort(), ['request_id', 'request_text_edit_aware', 'request_title', 'requester_subreddits_at_request', 'unix_timestamp_of_request'], 'validation inputs have the public test fields only');
  t.same((trainJson[0] as { requester_subreddits_at_request: unknown }).requester_subreddits_at_request instanceof Array, true, 'list fields stay lists');
  const trainIds = new Set(trainJson.map((r) => r.request_id));
  t.notOk(testJson.some((r) => trainIds.has(r.request_id)), 'validation rows are not in the training file');
  const sample = await readCsv(join(input, 'sampleSubmission.csv'));
  t.same([...(sample.columns.get('request_id') as string[])].sort(), testJson.map((r) => r.request_id as string).sort());
  const { listZip, extractNamed } = await import('../src/zip.ts');
  t.same(listZip(join(input, 'train.zip')).map((e) => e.name), ['train.json']);
  await extractNamed(join(input, 'train.zip'), 'train.json', join(tmp.dir, 'pizza-train-from-zip.json'));
  t.equal(readFileSync(join(tmp.dir, 'pizza-train-from-zip.json'), 'utf8'), readFileSync(join(input, 'train.json'), 'utf8'), 'train.zip mirrors the written train.json');
  await extractNamed(join(input, 'test.zip'), 'test.json', join(tmp.dir, 'pizza-test-from-zip.json'));
  t.equal(readFileSync(join(tmp.dir, 'pizza-test-from-zip.json'), 'utf8'), readFileSync(join(input, 'test.json'), 'utf8'), 'test.zip mirrors the validation test.json');
  const g = await plugin.grade({ artifact: p.base, fidelity: 1, seed: 0 }, ctx);
  t.ok(g.score > 0.55, `test AUC ${g.score}`);
  t.equal(g.metrics?.testRows, built.testRows);
});

t.test('text-normalization-challenge-english-language (subject lines): zipped CSVs, whole sentences held out', async (t) => {
  await buildTextNorm(data);
  const ctx = ctxFor({ competition: TEXT_NORM_EN, solution: { command: ['node', 'textnorm.mjs'] } });
  const p = await plugin.prepare(task('accuracy', 'max'), ctx);
  t.equal(p.label, 'after');
  const base = await readTable(p.base.path, 'parquet');
  const val = await readTable(join(dirname(dirname(p.base.path)), 'validation', 'val.parquet'), 'parquet');
  const baseSentences = new Set(base.rows.map((r) => r.sentence_id));
  t.notOk(
    val.rows.some((r) => baseSentences.has(r.sentence_id)),
    'no sentence is split between training and validation',
  );
  const answers = await readCsv(join(dirname(dirname(p.base.path)), 'validation', 'answers.csv'));
  t.same(answers.header, ['id', 'after']);
  t.equal((answers.columns.get('id') as string[])[0], `${val.rows[0]?.sentence_id}_${val.rows[0]?.token_id}`);
  const ev = await plugin.evaluate({ artifact: p.base, fidelity: 1, seed: 0 }, ctx);
  t.ok(ev.score > 0.8 && ev.score < 1, `validation accuracy ${ev.score}`);
  const g = await plugin.grade({ artifact: p.base, fidelity: 1, seed: 0 }, ctx);
  t.ok(g.score > 0.8, `test accuracy ${g.score}`);
});

t.test('dog-breed-identification layout (penguins): per-row media, one-hot log loss, lower-is-better medal', async (t) => {
  const built = buildPenguinBreeds(data);
  // 500 teams, lower is better: 0.01, 0.02, ... -> gold at 11 = 0.11, silver at 50 = 0.5, bronze at 100 = 1,
  // median (2.5 + 2.51) / 2 = 2.505.
  writeLeaderboard(
    join(lbDir, DOG_BREEDS, 'leaderboard.csv'),
    Array.from({ length: 500 }, (_, i) => Number(((i + 1) / 100).toFixed(2))),
  );
  const ctx = ctxFor({ competition: DOG_BREEDS, solution: { command: ['node', 'breeds.mjs'] }, keepWorkDirs: true, leaderboardDir: lbDir });
  const p = await plugin.prepare(task('log_loss', 'min'), ctx);
  t.equal(p.label, 'breed');
  t.same(p.columns.find((c) => c.name === 'breed')?.values, built.classes);
  const ev = await plugin.evaluate({ artifact: p.base, fidelity: 1, seed: 0 }, ctx);
  t.ok(ev.score > 0 && ev.score < 0.7, `validation log loss ${ev.score}`);
  // The validation run's test/ folder holds exactly the validation rows' files, linked from public train/.
  const [runName] = readdirSync(join(ctx.workDir, 'runs'));
  const input = join(ctx.workDir, 'runs', runName as string, 'input');
  const sample = await readCsv(join(input, 'sample_submission.csv'));
  const ids = (sample.columns.get('id') as string[]).slice().sort();
  t.equal(ids.length, ev.metrics?.validationRows);
  t.same(readdirSync(join(input, 'test')).sort(), ids.map((id) => `${id}.jpg`));
  const one = join(input, 'test', `${ids[0]}.jpg`);
  t.equal(realpathSync(one), realpathSync(join(data, DOG_BREEDS, 'prepared', 'public', 'train', `${ids[0]}.jpg`)));
  t.ok(lstatSync(join(input, 'train')).isSymbolicLink() && readlinkSync(join(input, 'train')).endsWith('public/train'));
  t.ok(existsSync(join(input, 'labels.csv')) && !lstatSync(join(input, 'labels.csv')).isSymbolicLink(), 'labels.csv is the written artifact');

  const g = await plugin.grade({ artifact: p.base, fidelity: 1, seed: 0 }, ctx);
  const m = g.metrics as Record<string, number>;
  t.match(m, { gold_threshold: 0.11, silver_threshold: 0.5, bronze_threshold: 1, median_threshold: 2.505, teams: 500 });
  const s = g.score;
  t.equal(g.medal, s <= 0.11 ? 'gold' : s <= 0.5 ? 'silver' : s <= 1 ? 'bronze' : 'none', `log loss ${s}`);
  t.equal(m.above_median, s < 2.505 ? 1 : 0);
});

t.test('aerial-cactus-identification layout (penguins): zipped per-row media', async (t) => {
  const built = await buildPenguinCactus(data);
  const ctx = ctxFor({ competition: CACTUS, solution: { command: ['node', 'cactus.mjs'] }, keepWorkDirs: true });
  const p = await plugin.prepare(task('auc', 'max'), ctx);
  t.same(p.keyColumns, ['id'], 'with no test table the id is the only key');
  const ev = await plugin.evaluate({ artifact: p.base, fidelity: 1, seed: 0 }, ctx);
  t.ok(ev.score > 0.8, `validation AUC ${ev.score}`);
  const [runName] = readdirSync(join(ctx.workDir, 'runs'));
  const input = join(ctx.workDir, 'runs', runName as string, 'input');
  const { listZip } = await import('../src/zip.ts');
  const sample = await readCsv(join(input, 'sample_submission.csv'));
  t.same(
    listZip(join(input, 'test.zip')).map((e) => e.name).sort(),
    (sample.columns.get('id') as string[]).slice().sort(),
    'the validation test.zip holds exactly the validation rows, copied from train.zip',
  );
  t.equal(listZip(join(input, 'test.zip')).length, ev.metrics?.validationRows);
  const g = await plugin.grade({ artifact: p.base, fidelity: 1, seed: 0 }, ctx);
  t.ok(g.score > 0.8, `test AUC ${g.score}`);
  t.equal(g.metrics?.testRows, built.testRows);
});

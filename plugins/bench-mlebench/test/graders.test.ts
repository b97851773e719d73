import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import t from 'tap';
import { COMPETITION_IDS, COMPETITIONS, competitionSpec } from '../src/competitions.ts';
import { parseCsv } from '../src/csv.ts';
import { checkSubmission } from '../src/grade.ts';

const csv = (text: string, name = 'submission.csv') => parseCsv(text.replace(/^\n/, ''), name);
const spec = (id: string) => {
  const s = competitionSpec(id);
  if (!s) throw new Error(id);
  return s;
};
const grade = (id: string, sub: string, ans: string) => spec(id).grade(csv(sub), csv(ans, 'answers.csv'));

t.test('the 22 competitions of MLE-Bench Lite', async (t) => {
  const low = [
    'aerial-cactus-identification',
    'aptos2019-blindness-detection',
    'denoising-dirty-documents',
    'detecting-insults-in-social-commentary',
    'dog-breed-identification',
    'dogs-vs-cats-redux-kernels-edition',
    'histopathologic-cancer-detection',
    'jigsaw-toxic-comment-classification-challenge',
    'leaf-classification',
    'mlsp-2013-birds',
    'new-york-city-taxi-fare-prediction',
    'nomad2018-predict-transparent-conductors',
    'plant-pathology-2020-fgvc7',
    'random-acts-of-pizza',
    'ranzcr-clip-catheter-line-classification',
    'siim-isic-melanoma-classification',
    'spooky-author-identification',
    'tabular-playground-series-dec-2021',
    'tabular-playground-series-may-2022',
    'text-normalization-challenge-english-language',
    'text-normalization-challenge-russian-language',
    'the-icml-2013-whale-challenge-right-whale-redux',
  ];
  t.same([...COMPETITION_IDS].sort(), low);
  // Where the mle-bench snapshot is at hand, the grader names and file paths must match its config.yaml.
  const repo = '/work/.mirror/openai+mle-bench/repo';
  if (!existsSync(repo)) {
    t.skip('config.yaml comparison: no mle-bench snapshot at hand', () => undefined);
    return;
  }
  const show = (p: string) => execFileSync('git', ['-C', repo, 'show', `HEAD:${p}`], { encoding: 'utf8' });
  t.same(show('experiments/splits/low.txt').split(/\s+/).filter(Boolean).sort(), low);
  for (const c of COMPETITIONS) {
    const yaml = show(`mlebench/competitions/${c.id}/config.yaml`);
    t.match(yaml, `name: ${c.grader}\n`, `${c.id} grader`);
    t.match(yaml, `answers: ${c.answers}\n`, `${c.id} answers`);
    t.match(yaml, `sample_submission: ${c.sampleSubmission}\n`, `${c.id} sample submission`);
  }
  t.equal(COMPETITIONS.filter((c) => c.runner).length, 18, 'all but four can be searched');
});

t.test('submission checks name the bad row', async (t) => {
  const sample = csv('id,has_cactus\na.jpg,0.5\nb.jpg,0.5\nc.jpg,0.5\n', 'sample_submission.csv');
  t.doesNotThrow(() => checkSubmission(csv('has_cactus,id\n0.1,c.jpg\n0.2,a.jpg\n0.3,b.jpg\n'), sample, 'id'), 'any row and column order');
  t.throws(() => checkSubmission(csv('id,has_catcus\na.jpg,1\nb.jpg,1\nc.jpg,1\n'), sample, 'id'), {
    code: 'E_MLEBENCH_SUBMISSION',
    message: /missing column 'has_cactus' \(did you mean 'has_catcus'\?\)/,
  });
  t.throws(() => checkSubmission(csv('id,has_cactus\na.jpg,1\nx.jpg,1\nc.jpg,1\n'), sample, 'id'), {
    code: 'E_MLEBENCH_SUBMISSION',
    message: /line 3 \(row 2\): id 'x.jpg' is not a test id/,
  });
  t.throws(() => checkSubmission(csv('id,has_cactus\na.jpg,1\nb.jpg,1\n'), sample, 'id'), {
    code: 'E_MLEBENCH_SUBMISSION',
    message: /no row for id 'c.jpg'/,
  });
  t.throws(() => checkSubmission(csv('id,has_cactus\na.jpg,1\nb.jpg,1\nc.jpg,1\na.jpg,1\n'), sample, 'id'), {
    code: 'E_MLEBENCH_SUBMISSION',
    message: /line 5 \(row 4\): id 'a.jpg' appears more than once/,
  });
  // A quoted field with a newline: the line number is where the record starts.
  const s2 = csv('id,text\n1,x\n2,y\n', 'sample.csv');
  t.throws(() => checkSubmission(csv('id,text\n1,"two\nlines"\n7,y\n'), s2, 'id'), { message: /line 4 \(row 2\): id '7'/ });
  // Numeric ids compare by value, as pandas reads them.
  t.doesNotThrow(() => checkSubmission(csv('id,text\n1.0,a\n2,b\n'), s2, 'id'));
});

t.test('AUC graders (prepare_for_auroc_metric)', async (t) => {
  const ans = 'Insult,Date,Comment,Usage\n0,,"""hi""",PrivateTest\n0,2012,"a, b",PrivateTest\n1,,you,PrivateTest\n1,,"""x""",PrivateTest\n';
  // Sorted by comment: positives score 0.35 and 0.8, negatives 0.1 and 0.4 -> 0.75
  t.equal(grade('detecting-insults-in-social-commentary', 'Insult,Date,Comment\n0.1,,"""hi"""\n0.4,2012,"a, b"\n0.35,,you\n0.8,,"""x"""\n', ans), 0.75);
  t.throws(() => grade('detecting-insults-in-social-commentary', 'Insult,Date,Comment\n0.1,,"""hi"""\n1.4,2012,"a, b"\n0.35,,you\n0.8,,"""x"""\n', ans), {
    code: 'E_MLEBENCH_SUBMISSION',
    message: /line 3 \(row 2\): Insult 1.4 is outside \[0, 1\]/,
  });
  t.throws(() => grade('detecting-insults-in-social-commentary', 'Insult,Date,Comment\nhigh,,"""hi"""\n0.4,2012,"a, b"\n0.35,,you\n0.8,,"""x"""\n', ans), {
    message: /line 2 \(row 1\): Insult 'high' is not a number/,
  });
  t.throws(() => grade('aerial-cactus-identification', 'id,has_cactus\na,0.1\nb,0.2\n', 'id,has_cactus\na,1\nb,1\n'), { code: 'E_MLEBENCH_METRIC', message: /only one class/ });
  // RANZCR scores the 9 listed columns only; Swan Ganz is ignored.
  const cls = ['ETT - Abnormal', 'ETT - Borderline', 'ETT - Normal', 'NGT - Abnormal', 'NGT - Borderline', 'NGT - Incompletely Imaged', 'NGT - Normal', 'CVC - Abnormal', 'CVC - Borderline'];
  const head = ['StudyInstanceUID', ...cls, 'Swan Ganz Catheter Present'].join(',');
  const truth = `${head}\nu1,${'0,'.repeat(9)}1\nu2,${'1,'.repeat(9)}0\n`;
  const perfect = `${head}\nu1,${'0.2,'.repeat(9)}0\nu2,${'0.9,'.repeat(9)}1\n`;
  t.equal(grade('ranzcr-clip-catheter-line-classification', perfect, truth), 1);
});

t.test('column-wise AUC (jigsaw) skips rows marked -1', async (t) => {
  const head = 'id,toxic,severe_toxic,obscene,threat,insult,identity_hate';
  const ans = `${head}\na,0,0,0,0,0,0\nb,1,1,1,1,1,1\nc,-1,-1,-1,-1,-1,-1\nd,1,0,1,0,1,0\ne,0,1,0,1,0,1\n`;
  // Rows a, b, d, e are scored; every column has two positives and two negatives.
  // Scores rank b > d > e > a in every column: columns with positives {b, d} get 1, those with {b, e} get 0.75.
  const sub = `${head}\na,0.1,0.1,0.1,0.1,0.1,0.1\nb,0.9,0.9,0.9,0.9,0.9,0.9\nc,0.5,0.5,0.5,0.5,0.5,0.5\nd,0.7,0.7,0.7,0.7,0.7,0.7\ne,0.3,0.3,0.3,0.3,0.3,0.3\n`;
  t.equal(grade('jigsaw-toxic-comment-classification-challenge', sub, ans), (1 + 0.75 + 1 + 0.75 + 1 + 0.75) / 6);
});

t.test('multi-class log loss (spooky, leaf, dog breeds)', async (t) => {
  const ans = 'id,EAP,HPL,MWS\nid1,1,0,0\nid2,0,1,0\n';
  // -(ln 0.5 + ln 0.6) / 2
  const ll = grade('spooky-author-identification', 'id,EAP,HPL,MWS\nid2,0.1,0.6,0.3\nid1,0.5,0.25,0.25\n', ans);
  t.ok(Math.abs(ll - 0.6019864021629145) < 1e-12, `${ll}`);
  t.throws(() => grade('spooky-author-identification', 'id,EAP,HPL,MWS\nid1,0.5,0.25,0.35\nid2,0.1,0.6,0.3\n', ans), {
    message: /line 2 \(row 1\): the class probabilities sum to 1.1/,
  });
  // Within numpy's isclose(atol=1e-6, rtol=1e-5) of 1 is accepted.
  t.doesNotThrow(() => grade('spooky-author-identification', 'id,EAP,HPL,MWS\nid1,0.500005,0.25,0.25\nid2,0.1,0.6,0.3\n', ans));
  t.throws(() => grade('spooky-author-identification', 'id,EAP,HPL,MWS,extra\nid1,0.5,0.25,0.25,1\nid2,0.1,0.6,0.3,1\n', ans), { message: /unexpected column\(s\) 'extra'/ });
  // Dog breeds tolerate extra columns, as the reference does.
  t.doesNotThrow(() => grade('dog-breed-identification', 'id,EAP,HPL,MWS,extra\nid1,0.5,0.25,0.25,1\nid2,0.1,0.6,0.3,1\n', ans));
});

t.test('regression, kappa and accuracy graders', async (t) => {
  // NYC taxi: sqrt((0.25 + 1) / 2)
  t.equal(grade('new-york-city-taxi-fare-prediction', 'key,fare_amount\nk2,9\nk1,4.5\n', 'key,fare_amount,pickup_datetime\nk1,5,x\nk2,10,y\n'), Math.sqrt(0.625));
  // Nomad: mean of per-target RMSLE; rows pair by id.
  const nomad = grade('nomad2018-predict-transparent-conductors', 'id,formation_energy_ev_natom,bandgap_energy_ev\n2,0.2,3\n1,0.1,1\n', 'id,formation_energy_ev_natom,bandgap_energy_ev\n1,0.1,1\n2,0.2,1\n');
  // Only the second bandgap is off: sqrt((ln 4 - ln 2)^2 / 2) / 2
  t.ok(Math.abs(nomad - Math.sqrt(Math.log(2) ** 2 / 2) / 2) < 1e-12, `${nomad}`);
  // APTOS: quadratic kappa; grades must be integers ("2.0" is the integer 2).
  t.ok(Math.abs(grade('aptos2019-blindness-detection', 'id_code,diagnosis\na,0\nb,2.0\nc,2\nd,1\n', 'id_code,diagnosis\na,0\nb,1\nc,2\nd,2\n') - 7 / 11) < 1e-12);
  t.throws(() => grade('aptos2019-blindness-detection', 'id_code,diagnosis\na,0.5\nb,2\n', 'id_code,diagnosis\na,0\nb,1\n'), { message: /line 2 \(row 1\): diagnosis 0.5 is not a class label/ });
  // TPS Dec 2021: numeric labels compare by value.
  t.equal(grade('tabular-playground-series-dec-2021', 'Id,Cover_Type\n1,2.0\n2,3\n3,1\n4,7\n', 'Id,Cover_Type\n1,2\n2,3\n3,2\n4,7\n'), 0.75);
  // Text normalization: text as pandas' astype(str) sees it, an NA cell reads 'nan' on both sides.
  t.equal(grade('text-normalization-challenge-english-language', 'id,after\n0_0,hello\n0_1,NA\n0_2,twelve\n1_0,"a, b"\n', 'id,after\n0_0,hello\n0_1,nan\n0_2,12\n1_0,"a, b"\n'), 0.75);
  // Dogs vs cats: binary log loss, -(ln 0.8 + ln 0.7) / 2
  t.ok(Math.abs(grade('dogs-vs-cats-redux-kernels-edition', 'id,label\n1,0.8\n2,0.3\n', 'id,label\n1,1\n2,0\n') - 0.2899092476264711) < 1e-12);
  // Denoising: pixel RMSE over ids that are text.
  t.equal(grade('denoising-dirty-documents', 'id,value\n1_1_1,1\n1_1_2,0.5\n', 'id,value\n1_1_2,0.5\n1_1_1,0\n'), Math.sqrt(0.5));
  // Plant pathology: exactly its five columns.
  t.throws(() => grade('plant-pathology-2020-fgvc7', 'image_id,healthy,rust,scab\nTest_0,1,0,0\n', 'image_id,healthy,multiple_diseases,rust,scab\nTest_0,1,0,0,0\n'), { message: /missing column 'multiple_diseases'/ });
});

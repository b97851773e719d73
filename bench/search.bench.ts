// npm run bench:search: the whole bench-local suite at a fixed budget and seed, then the same suite with
// ablations (random selection, no pool reuse across branches, no memory). Last line: one JSON object.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { SearchConfig } from '@datamaster/core';
import { createLogger } from '../packages/agents/src/host/logger.ts';
import { runEmbedded, type RunSummary } from '../packages/agents/src/run/embedded.ts';

const { values } = parseArgs({ options: { budget: { type: 'string', default: '12' }, tasks: { type: 'string' } } });
const budget = Number(values.budget);
const tasksDir = fileURLToPath(new URL('../plugins/bench-local/tasks/', import.meta.url));
const files = readdirSync(tasksDir).filter((f) => f.endsWith('.task.json')).sort();
const only = values.tasks?.split(',');
const tasks = files.filter((f) => !only || only.some((o) => f.startsWith(o)));

interface Row { task: string; direction: 'max' | 'min'; s: RunSummary; seconds: number }

const variants: [string, Partial<SearchConfig>][] = [
  ['ucb', {}],
  ['random', { selection: 'random' }],
  ['no_pool', { poolReuse: false }],
  ['no_memory', { memory: false }],
];

const work = mkdtempSync(join(tmpdir(), 'dm-bench-search-'));
const results: Record<string, Row[]> = {};
try {
  for (const [name, search] of variants) {
    results[name] = [];
    for (const f of tasks) {
      const started = performance.now();
      const { summary, state } = await runEmbedded({
        taskFile: join(tasksDir, f),
        runDir: join(work, `${name}-${f}`),
        budget,
        parallel: 2,
        search,
        logger: createLogger('bench', 'error'),
      });
      results[name].push({ task: f.replace('.task.json', ''), direction: state.task!.metric.direction, s: summary, seconds: (performance.now() - started) / 1000 });
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Relative test gain in the metric's better direction. */
function gain(r: Row): number {
  const b = r.s.baseline.test;
  const x = r.s.best.test;
  if (b === null || x === null || b === 0) return 0;
  return r.direction === 'max' ? (x - b) / Math.abs(b) : (b - x) / Math.abs(b);
}
const fmt = (v: number | null) => (v === null ? '-' : v.toFixed(4));
function aggregate(rows: Row[]) {
  const improved = rows.filter((r) => gain(r) > 0).length;
  const mean = rows.reduce((s, r) => s + gain(r), 0) / Math.max(1, rows.length);
  return { improved, mean_rel_gain: Number(mean.toFixed(4)) };
}

console.log(`budget ${budget} nodes, parallel 2, seed from each task\n`);
console.log(['variant', 'task', 'base val', 'base test', 'best', 'best val', 'best test', 'rel gain', 'nodes', 'seconds'].join('\t'));
for (const [name] of variants) {
  for (const r of results[name]!) {
    console.log([name, r.task, fmt(r.s.baseline.val), fmt(r.s.baseline.test), r.s.best.id, fmt(r.s.best.val), fmt(r.s.best.test), `${(gain(r) * 100).toFixed(2)}%`, r.s.nodes, r.seconds.toFixed(1)].join('\t'));
  }
}
const main = aggregate(results.ucb!);
const out = {
  tasks: tasks.length,
  improved: main.improved,
  mean_rel_gain: main.mean_rel_gain,
  ablations: {
    random: aggregate(results.random!),
    no_pool: aggregate(results.no_pool!),
    no_memory: aggregate(results.no_memory!),
  },
};
console.log(JSON.stringify(out));

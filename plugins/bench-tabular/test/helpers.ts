import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PluginContext, Task, TaskColumn } from '@datamaster/sdk';

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

/** The data/ folder of the installed vega-datasets package (its exports hide package.json). */
function vegaData(): string {
  let dir = dirname(createRequire(import.meta.url).resolve('vega-datasets'));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return join(dir, 'data');
}
export const VEGA = vegaData();

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface LogLine {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

/** A plugin context like the host's, with the log lines kept for assertions. */
export function context(config: unknown, workDir: string, baseDir: string): PluginContext<Record<string, unknown>> & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, ...(fields ? { fields } : {}) });
  mkdirSync(workDir, { recursive: true });
  return {
    name: '@datamaster/bench-tabular',
    config: config as Record<string, unknown>,
    workDir,
    baseDir,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    secrets: { get: () => undefined },
    http: {
      request: () => Promise.reject(new Error('not used')),
      json: () => Promise.reject(new Error('not used')),
      download: () => Promise.reject(new Error('not used')),
    },
    lines,
  };
}

/** vega-datasets weather.csv (Seattle and New York, 2012-2015, one row per place and day), typed. */
export function weatherRows(): Row[] {
  const [head, ...lines] = readFileSync(join(VEGA, 'weather.csv'), 'utf8').trim().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => {
    const v = l.split(',');
    return Object.fromEntries(cols.map((c, i) => [c, c === 'location' || c === 'date' || c === 'weather' ? v[i]! : Number(v[i])]));
  });
}

/** vega-datasets gapminder.json: 62 countries every 5 years from 1955 to 2005. */
export function gapminderRows(): Row[] {
  return JSON.parse(readFileSync(join(VEGA, 'gapminder.json'), 'utf8')) as Row[];
}

function csvCell(v: Cell | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function writeCsv(file: string, rows: readonly Row[], columns: readonly string[] = Object.keys(rows[0] ?? {})): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, [columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n');
  return file;
}

export function writeJson(file: string, rows: readonly Row[]): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(rows));
  return file;
}

/** A task for bench-tabular. */
export function task(config: unknown, o: { label?: string; metric?: string; direction?: 'max' | 'min'; columns?: TaskColumn[]; seed?: number } = {}): Task {
  return {
    id: 'tabular-test',
    description: 'a bench-tabular test task',
    benchmark: { plugin: '@datamaster/bench-tabular', config: config as {} },
    metric: { name: o.metric ?? 'accuracy', direction: o.direction ?? 'max' },
    ...(o.label !== undefined || o.columns ? { data: { ...(o.label !== undefined ? { label: o.label } : {}), ...(o.columns ? { columns: o.columns } : {}) } } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
  };
}

/** Every file under `dir` (recursively). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** The share of rows whose class is the most common one: the score of always guessing it. */
export function majorityShare(labels: readonly Cell[]): number {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(String(l), (counts.get(String(l)) ?? 0) + 1);
  return Math.max(...counts.values()) / labels.length;
}

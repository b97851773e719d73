import type { ColumnType, TaskColumn } from '../schema/types.ts';
import type { ColumnInfo } from './session.ts';
import { ident, typeKind, type TypeKind } from './sql.ts';

/**
 * Column-mapping suggestion: which source column feeds each task column.
 *
 * Names are compared on *canonical tokens*: split on punctuation, spaces and camelCase, lower-cased, light
 * plural stripping, each token replaced by its synonym group (max/maximum/high/hi -> max; temp/temperature/t
 * -> temp ...), and unknown tokens split into two known ones (tmax -> t+max -> temp max). Scores:
 *   1.00 same name; 0.95 same after case/punctuation folding; 0.90 same token set; 0.6 + 0.2 x |task|/|source|
 *   when every task token is in the source name (wind -> wind_speed); else 0.8 x Jaccard of the token sets
 *   when that is at least 0.5.
 * The score is then multiplied by a type factor (same kind 1, text task 0.9, text source for a numeric/date/bool
 * task 0.7 with a TRY_CAST, bool/numeric 0.7, otherwise 0.3), and pairs are assigned greedily, best score first,
 * one source column per task column, keeping scores >= 0.5.
 */

const SYNONYMS: Record<string, string> = {
  maximum: 'max', hi: 'max', high: 'max', highest: 'max', top: 'max', mx: 'max',
  minimum: 'min', lo: 'min', low: 'min', lowest: 'min', mn: 'min',
  temperature: 'temp', tmp: 'temp', t: 'temp', tem: 'temp',
  precipitation: 'precip', prcp: 'precip', prec: 'precip', rain: 'precip', rainfall: 'precip', ppt: 'precip',
  average: 'mean', avg: 'mean', med: 'median',
  latitude: 'lat', longitude: 'lon', lng: 'lon', long: 'lon',
  wnd: 'wind', windspeed: 'wind', spd: 'speed', velocity: 'speed',
  dt: 'date', datetime: 'date', timestamp: 'time', ts: 'time',
  cnt: 'count', qty: 'count', quantity: 'count',
  target: 'label', class: 'label', y: 'label', outcome: 'label',
  identifier: 'id', key: 'id',
  weight: 'weight', wt: 'weight', mass: 'weight',
  horsepower: 'hp', mpg: 'mile per gallon',
  yr: 'year', mo: 'month', mon: 'month',
  desc: 'description', txt: 'text', msg: 'message',
  pct: 'percent', perc: 'percent',
  dist: 'distance', dest: 'destination', orig: 'origin', src: 'source',
};
const STOPWORDS = new Set(['of', 'the', 'a', 'in', 'per']);

const VOCAB = new Set<string>([...Object.keys(SYNONYMS), ...Object.values(SYNONYMS).flatMap((v) => v.split(' '))]);

function canonicalToken(tok: string): string[] {
  const syn = SYNONYMS[tok];
  if (syn) return syn.split(' ');
  return [tok];
}

function singular(tok: string): string {
  return tok.length > 3 && tok.endsWith('s') && !tok.endsWith('ss') ? tok.slice(0, -1) : tok;
}

/** Splits a glued token (tmax, maxtemp, windspeed) into two vocabulary words when it can. */
function segment(tok: string): string[] {
  if (VOCAB.has(tok) || tok.length < 3) return [tok];
  for (let i = 1; i < tok.length; i++) {
    const a = tok.slice(0, i);
    const b = tok.slice(i);
    if (VOCAB.has(a) && VOCAB.has(b)) return [a, b];
  }
  return [tok];
}

/** Canonical tokens of a column name. */
export function nameTokens(name: string): string[] {
  const raw = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t && !STOPWORDS.has(t));
  const out: string[] = [];
  for (const t of raw) for (const s of segment(singular(t))) out.push(...canonicalToken(singular(s)));
  return [...new Set(out)].sort();
}

function folded(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** How alike two names are, 0..1, before types. */
export function nameScore(taskName: string, sourceName: string): number {
  if (taskName === sourceName) return 1;
  if (folded(taskName) === folded(sourceName) && folded(taskName)) return 0.95;
  const a = nameTokens(taskName);
  const b = nameTokens(sourceName);
  if (!a.length || !b.length) return 0;
  const setB = new Set(b);
  const inter = a.filter((t) => setB.has(t)).length;
  const union = new Set([...a, ...b]).size;
  if (inter === union) return 0.9;
  // Every task token is in the source name (wind -> wind_speed): a qualified name, likely the same quantity.
  if (inter === a.length) return 0.6 + 0.2 * (a.length / b.length);
  const jaccard = inter / union;
  return jaccard >= 0.5 ? 0.8 * jaccard : 0;
}

function taskKind(type: ColumnType): TypeKind {
  return typeKind(type);
}

/** Type factor and the expression that reads the source column as the task column. */
export function typeFit(task: TaskColumn, source: ColumnInfo): { factor: number; expr: string } {
  const col = ident(source.name);
  const tk = taskKind(task.type);
  const sk = typeKind(source.type);
  if (tk === sk) return { factor: 1, expr: col };
  if (tk === 'text') return { factor: 0.9, expr: col };
  if (sk === 'text') return { factor: 0.7, expr: `TRY_CAST(${col} AS ${task.type})` };
  if ((tk === 'boolean' && sk === 'numeric') || (tk === 'numeric' && sk === 'boolean')) return { factor: 0.7, expr: col };
  if (tk === 'temporal' && sk === 'temporal') return { factor: 1, expr: col };
  return { factor: 0.3, expr: col };
}

export interface MappingSuggestion {
  /** task column -> SQL expression over the source's columns (a quoted column name, or a TRY_CAST of one). */
  mapping: Record<string, string>;
  /** task column -> score of the chosen pair. */
  scores: Record<string, number>;
}

export const MAPPING_THRESHOLD = 0.5;

export function suggestMapping(taskColumns: readonly TaskColumn[], sourceColumns: readonly ColumnInfo[]): MappingSuggestion {
  const pairs: { t: number; s: number; score: number; expr: string }[] = [];
  taskColumns.forEach((task, t) => {
    sourceColumns.forEach((src, s) => {
      const ns = nameScore(task.name, src.name);
      if (ns === 0) return;
      const fit = typeFit(task, src);
      const score = Math.round(ns * fit.factor * 1000) / 1000;
      if (score >= MAPPING_THRESHOLD) pairs.push({ t, s, score, expr: fit.expr });
    });
  });
  // Best first; ties go to the earlier task column, then the earlier source column: deterministic.
  pairs.sort((x, y) => y.score - x.score || x.t - y.t || x.s - y.s);
  const usedT = new Set<number>();
  const usedS = new Set<number>();
  const mapping: Record<string, string> = {};
  const scores: Record<string, number> = {};
  for (const p of pairs) {
    if (usedT.has(p.t) || usedS.has(p.s)) continue;
    usedT.add(p.t);
    usedS.add(p.s);
    const name = taskColumns[p.t]!.name;
    mapping[name] = p.expr;
    scores[name] = p.score;
  }
  return { mapping, scores };
}

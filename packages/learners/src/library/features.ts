/**
 * Feature encodings: deciding what each input column is (numeric, categorical, text) and turning rows
 * into numbers. An encoding is fixed per task (decided once from the task's base rows or its declared
 * columns) and never refitted on an artifact, so every artifact is compared under the same encoding.
 */
import type { Cell, FeatureColumn, Row } from '../types.ts';

/** Categorical columns keep at most this many values by default (the rest encode as 'other'). */
export const DEFAULT_MAX_CATEGORIES = 32;

/** Lower-case word tokens, 2..24 characters of [a-z0-9$!], from the first `maxChars` characters. */
export function tokenize(text: string, maxChars = Infinity): string[] {
  const out: string[] = [];
  for (const m of text.slice(0, maxChars).toLowerCase().matchAll(/[a-z0-9$!]{2,24}/g)) out.push(m[0]);
  return out;
}

/** The text features of a row, joined with newlines (what the text learners read). */
export function rowText(features: readonly FeatureColumn[], row: Row): string {
  return features
    .filter((f) => f.kind === 'text')
    .map((f) => {
      const v = row[f.name];
      return v === null || v === undefined ? '' : String(v);
    })
    .join('\n');
}

/** A cell as a number: numbers as is, numeric strings parsed, booleans 1/0; anything else NaN. */
export function numericCell(v: Cell | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() === '' ? Number.NaN : Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return Number.NaN;
}

/** Turns rows into fixed-width numeric vectors under one encoding. */
export interface Encoder {
  readonly features: readonly FeatureColumn[];
  /** Length of every encoded vector. */
  readonly width: number;
  /** One name per encoded position: the column ('age'), or 'column=value' / 'column=<other>' for one-hot. */
  readonly names: readonly string[];
  /** Encoded position -> index of the feature it came from. */
  readonly source: readonly number[];
  encode(row: Row): number[];
}

/**
 * The fixed encoder: a numeric feature is one position (a null or non-numeric cell -> its `impute`,
 * default 0); a categorical feature is one-hot over its `values` plus a last 'other' position (null
 * and unseen values -> other); text features take no position (the text learners read them).
 */
export function makeEncoder(features: readonly FeatureColumn[]): Encoder {
  const names: string[] = [];
  const parts: ({ kind: 'numeric'; name: string; impute: number } | { kind: 'categorical'; name: string; index: Map<string, number>; other: number })[] = [];
  const sourceIdx: number[] = [];
  features.forEach((f, fi) => {
    if (f.kind === 'numeric') {
      parts.push({ kind: 'numeric', name: f.name, impute: f.impute ?? 0 });
      names.push(f.name);
      sourceIdx.push(fi);
    } else if (f.kind === 'categorical') {
      const values = f.values ?? [];
      const index = new Map<string, number>();
      values.forEach((v, i) => {
        if (!index.has(v)) index.set(v, i);
      });
      parts.push({ kind: 'categorical', name: f.name, index, other: values.length });
      for (const v of values) names.push(`${f.name}=${v}`);
      names.push(`${f.name}=<other>`);
      for (let i = 0; i <= values.length; i++) sourceIdx.push(fi);
    }
  });
  const width = names.length;
  return {
    features,
    width,
    names,
    source: sourceIdx,
    encode(row: Row): number[] {
      const out: number[] = [];
      for (const p of parts) {
        const v = row[p.name];
        if (p.kind === 'numeric') {
          const x = numericCell(v);
          out.push(Number.isFinite(x) ? x : p.impute);
        } else {
          const idx = v === null || v === undefined ? p.other : (p.index.get(String(v)) ?? p.other);
          for (let i = 0; i <= p.other; i++) out.push(i === idx ? 1 : 0);
        }
      }
      return out;
    },
  };
}

const encoders = new WeakMap<readonly FeatureColumn[], Encoder>();

/** Encodes one row (the encoder for a features array is built once and cached). */
export function encodeRow(features: readonly FeatureColumn[], row: Row): number[] {
  let e = encoders.get(features);
  if (!e) {
    e = makeEncoder(features);
    encoders.set(features, e);
  }
  return e.encode(row);
}

/** Width of the numeric vector `features` encode to. */
export function encodedWidth(features: readonly FeatureColumn[]): number {
  return features.reduce((n, f) => n + (f.kind === 'numeric' ? 1 : f.kind === 'categorical' ? (f.values?.length ?? 0) + 1 : 0), 0);
}

// ---------------------------------------------------------------- deciding the encoding

export interface InferOptions {
  /** Columns that are never features (the label, the id). */
  exclude?: readonly string[];
  /** A string column with at most this many distinct values is categorical over all of them (default 32). */
  maxCategories?: number;
}

/** The encoding decided for the columns, and the columns left out with the reason. */
export interface FeatureReport {
  features: FeatureColumn[];
  skipped: { name: string; reason: string }[];
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Median of finite numbers (the mean of the middle two for an even count); 0 when there are none. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = Float64Array.from(xs).sort();
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function isMissing(v: Cell | undefined): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '') || (typeof v === 'number' && Number.isNaN(v));
}

/** The rule for a column of strings: categorical, text, the most frequent values, or left out. */
function stringFeature(name: string, cells: readonly string[], maxCategories: number): FeatureColumn | { skip: string } {
  const freq = new Map<string, number>();
  let words = 0;
  let chars = 0;
  for (const c of cells) {
    freq.set(c, (freq.get(c) ?? 0) + 1);
    words += c.split(/\s+/).filter(Boolean).length;
    chars += c.length;
  }
  const distinct = freq.size;
  const textLike = words / cells.length >= 3 || chars / cells.length >= 40;
  if (textLike && distinct > Math.min(maxCategories, cells.length / 2)) return { name, kind: 'text' };
  if (distinct <= maxCategories) return { name, kind: 'categorical', values: [...freq.keys()].sort(compareStrings) };
  // Many distinct short strings: keep the values that repeat, most frequent first, if any do.
  const repeated = [...freq.entries()].filter(([, n]) => n >= 2).sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]));
  if (repeated.length === 0) return { skip: `all ${distinct} values are distinct short strings (an id or a name?): not a useful feature` };
  return { name, kind: 'categorical', values: repeated.slice(0, maxCategories).map(([v]) => v).sort(compareStrings) };
}

function columnOrder(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

/**
 * Decides each column's encoding from the data (see inferFeatures), with the reason for every column
 * left out (all missing; only distinct short strings).
 */
export function inferFeaturesReport(rows: readonly Row[], opts: InferOptions = {}): FeatureReport {
  const exclude = new Set(opts.exclude ?? []);
  const maxCategories = opts.maxCategories ?? DEFAULT_MAX_CATEGORIES;
  const features: FeatureColumn[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const name of columnOrder(rows)) {
    if (exclude.has(name)) continue;
    const cells = rows.map((r) => r[name]).filter((v) => !isMissing(v)) as (string | number | boolean)[];
    if (cells.length === 0) {
      skipped.push({ name, reason: 'every value is missing' });
      continue;
    }
    if (cells.every((v) => typeof v === 'boolean')) {
      features.push({ name, kind: 'categorical', values: ['false', 'true'] });
      continue;
    }
    const nums = cells.map((v) => (typeof v === 'boolean' ? Number.NaN : numericCell(v)));
    if (nums.every((x) => Number.isFinite(x))) {
      features.push({ name, kind: 'numeric', impute: median(nums) });
      continue;
    }
    const f = stringFeature(name, cells.map(String), maxCategories);
    if ('skip' in f) skipped.push({ name, reason: f.skip });
    else features.push(f);
  }
  return { features, skipped };
}

/**
 * Decides each column's encoding from the rows: numbers (or numeric strings) -> numeric with impute =
 * the median; booleans -> categorical false/true; strings with at most maxCategories distinct values
 * -> categorical over them, sorted; long free text (3+ words or 40+ characters on average, mostly
 * distinct) -> text; other strings -> categorical over the values that repeat (most frequent
 * maxCategories), or left out when every value is distinct. Columns in `exclude` are never features.
 */
export function inferFeatures(rows: readonly Row[], opts: InferOptions = {}): FeatureColumn[] {
  return inferFeaturesReport(rows, opts).features;
}

/** A declared task column (the task schema's TaskColumn). */
export interface DeclaredColumn {
  name: string;
  type: string;
  values?: readonly (string | number | boolean)[];
}

/**
 * The encoding of declared task columns: DOUBLE/BIGINT/INTEGER/FLOAT -> numeric (impute = median over
 * `rows`); BOOLEAN -> categorical false/true; a string column with declared `values` -> categorical
 * over them in the declared order; a string column without -> decided from `rows` as inferFeatures
 * does; DATE/TIMESTAMP -> left out (derive numeric parts with a recipe step).
 */
export function declaredFeaturesReport(columns: readonly DeclaredColumn[], rows: readonly Row[], opts: InferOptions = {}): FeatureReport {
  const exclude = new Set(opts.exclude ?? []);
  const maxCategories = opts.maxCategories ?? DEFAULT_MAX_CATEGORIES;
  const features: FeatureColumn[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const c of columns) {
    if (exclude.has(c.name)) continue;
    const type = c.type.toUpperCase();
    if (/^(DOUBLE|FLOAT|REAL|DECIMAL|NUMERIC|BIGINT|INTEGER|INT|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER)/.test(type)) {
      const nums = rows.map((r) => numericCell(r[c.name])).filter((x) => Number.isFinite(x));
      features.push({ name: c.name, kind: 'numeric', impute: median(nums) });
    } else if (type === 'BOOLEAN') {
      features.push({ name: c.name, kind: 'categorical', values: ['false', 'true'] });
    } else if (type === 'DATE' || type.startsWith('TIMESTAMP')) {
      skipped.push({ name: c.name, reason: `a ${type} column is not encoded: derive numeric parts (year, month, day of week) with a recipe step` });
    } else if (c.values && c.values.length > 0) {
      features.push({ name: c.name, kind: 'categorical', values: [...new Set(c.values.map(String))] });
    } else {
      const cells = rows.map((r) => r[c.name]).filter((v) => !isMissing(v)).map(String);
      if (cells.length === 0) {
        skipped.push({ name: c.name, reason: 'every value is missing' });
        continue;
      }
      const f = stringFeature(c.name, cells, maxCategories);
      if ('skip' in f) skipped.push({ name: c.name, reason: f.skip });
      else features.push(f);
    }
  }
  return { features, skipped };
}

/** The encoding of declared task columns (see declaredFeaturesReport for the rules). */
export function featuresFromDeclared(columns: readonly DeclaredColumn[], rows: readonly Row[], opts: InferOptions = {}): FeatureColumn[] {
  return declaredFeaturesReport(columns, rows, opts).features;
}

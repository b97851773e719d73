import type { Cell, Row } from './table.ts';
import type { FeatureSpec, TaskSpec } from './suite/spec.ts';

/** Lower-case word tokens, 2..24 characters, from the first `maxChars` characters. */
export function tokenize(text: string, maxChars: number): string[] {
  const out: string[] = [];
  for (const m of text.slice(0, maxChars).toLowerCase().matchAll(/[a-z0-9$!]{2,24}/g)) out.push(m[0]);
  return out;
}

function numeric(v: Cell, f: FeatureSpec): number {
  const x = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(x) ? x : (f.impute ?? 0);
}

/** Width of the numeric vector a feature encodes to (text features are handled by the text learner). */
function width(f: FeatureSpec): number {
  if (f.kind === 'numeric') return 1;
  if (f.kind === 'categorical') return (f.values?.length ?? 0) + 1;
  return 0;
}

/**
 * The task's fixed encoder: numeric features as is (null -> the feature's impute value), categorical
 * features one-hot over the task's declared values plus 'other'. Nothing is learned from the artifact,
 * so two artifacts are always compared under the same encoding.
 */
export function encodeRow(spec: TaskSpec, row: Row): number[] {
  const out: number[] = [];
  for (const f of spec.features) {
    if (f.kind === 'numeric') out.push(numeric(row[f.name] ?? null, f));
    else if (f.kind === 'categorical') {
      const values = f.values ?? [];
      const v = row[f.name];
      const idx = v === null || v === undefined ? -1 : values.indexOf(String(v));
      for (let i = 0; i <= values.length; i++) out.push(i === (idx === -1 ? values.length : idx) ? 1 : 0);
    }
  }
  return out;
}

export function encodedWidth(spec: TaskSpec): number {
  return spec.features.reduce((n, f) => n + width(f), 0);
}

/** Concatenated text features of a row (for the text learner). */
export function rowText(spec: TaskSpec, row: Row): string {
  return spec.features
    .filter((f) => f.kind === 'text')
    .map((f) => (row[f.name] === null || row[f.name] === undefined ? '' : String(row[f.name])))
    .join('\n');
}

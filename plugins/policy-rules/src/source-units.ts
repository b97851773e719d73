import type { PoolEntry, TaskColumn } from '@datamaster/core';
import { canonicalUnit, convertExpression } from './units.ts';

/**
 * A source's units come from `source.meta.units`: { <task column or source column>: <unit> }, written by the
 * source plugin or the curator's profiler (e.g. NOAA GHCN daily: { TMAX: 'tenths_degC', PRCP: 'tenths_mm' }).
 */
export function sourceUnits(entry: PoolEntry): Record<string, string> {
  const meta = entry.source.meta as { units?: unknown } | undefined;
  const units = meta?.units;
  if (!units || typeof units !== 'object' || Array.isArray(units)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(units as Record<string, unknown>)) if (typeof v === 'string' && v) out[k] = v;
  return out;
}

/** The unit of the values a mapping puts into task column `column`: looked up by task column, then source column. */
export function unitOfMapped(entry: PoolEntry, column: string, expr: string | undefined): string | undefined {
  const units = sourceUnits(entry);
  if (units[column]) return units[column];
  if (expr === undefined) return undefined;
  const bare = expr.trim().replace(/^"(.*)"$/, '$1');
  return units[bare];
}

export interface UnitConversion {
  column: string;
  from: string;
  to: string;
  expression: string;
}

/**
 * Conversions needed to bring a source's mapped columns into the task's units, given `exprOf(column)` for the
 * value before conversion. Unknown units and different dimensions are left alone (no guessing).
 */
export function unitConversions(
  entry: PoolEntry,
  columns: TaskColumn[],
  mapping: Record<string, string>,
  exprOf: (column: string) => string,
): UnitConversion[] {
  const out: UnitConversion[] = [];
  for (const col of columns) {
    if (!col.unit || mapping[col.name] === undefined) continue;
    const from = unitOfMapped(entry, col.name, mapping[col.name]);
    if (!from) continue;
    const a = canonicalUnit(from);
    const b = canonicalUnit(col.unit);
    if (!a || !b || a === b) continue;
    const expression = convertExpression(exprOf(col.name), from, col.unit);
    if (expression) out.push({ column: col.name, from: a, to: b, expression });
  }
  return out;
}

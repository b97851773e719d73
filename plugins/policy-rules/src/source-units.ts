import type { PoolEntry, TaskColumn } from '@datamaster/sdk';
import { canonicalUnit, convertExpression } from './units.ts';

/**
 * A source's units, keyed by task column or source column: `source.meta.units` ({ TMAX: 'tenths_degC' }), and
 * `source.meta.columns[].unit` (the catalog shape: [{ name: 'tmax_f', type: 'DOUBLE', unit: 'degF' }]).
 * meta.units wins when both name a column.
 */
export function sourceUnits(entry: PoolEntry): Record<string, string> {
  const meta = entry.source.meta as { units?: unknown; columns?: unknown } | undefined;
  const out: Record<string, string> = {};
  if (Array.isArray(meta?.columns)) {
    for (const c of meta.columns as unknown[]) {
      const col = c as { name?: unknown; unit?: unknown } | null;
      if (col && typeof col.name === 'string' && typeof col.unit === 'string' && col.unit) out[col.name] = col.unit;
    }
  }
  const units = meta?.units;
  if (units && typeof units === 'object' && !Array.isArray(units)) {
    for (const [k, v] of Object.entries(units as Record<string, unknown>)) if (typeof v === 'string' && v) out[k] = v;
  }
  return out;
}

/** The source column a mapping expression reads as is: `tmax`, `"tmax f"`, or `TRY_CAST("tmax" AS DOUBLE)`. */
export function bareColumn(expr: string): string | null {
  let e = expr.trim();
  const cast = /^TRY_CAST\(\s*(.+?)\s+AS\s+[A-Za-z]+\s*\)$/i.exec(e);
  if (cast?.[1]) e = cast[1];
  const quoted = /^"((?:[^"]|"")*)"$/.exec(e);
  if (quoted?.[1] !== undefined) return quoted[1].replace(/""/g, '"');
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(e) ? e : null;
}

/**
 * The unit of the values a mapping puts into task column `column`: the unit of the source column it reads as is,
 * else a unit filed under the task column's name. A computed expression (`precip_in * 25.4`) has no known unit
 * unless the source files one under the task column.
 */
export function unitOfMapped(entry: PoolEntry, column: string, expr: string | undefined): string | undefined {
  const units = sourceUnits(entry);
  const source = expr === undefined ? null : bareColumn(expr);
  if (source !== null && units[source]) return units[source];
  return units[column];
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

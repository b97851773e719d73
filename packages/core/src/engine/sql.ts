/** SQL text helpers: every name and literal that reaches DuckDB goes through these. */

/** A double-quoted identifier: any column name, however odd, is safe. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A single-quoted string literal. */
export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** A list literal of strings, e.g. for allowed_directories. */
export function listLiteral(items: readonly string[]): string {
  return `[${items.map(literal).join(', ')}]`;
}

/** Recipe SQL often ends with a ';' that would make our wrapping invalid. */
export function stripTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/u, '');
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL(\(\d+,\s*\d+\))?)$/i;
const TEMPORAL = /^(DATE|TIME|TIMESTAMP|TIMESTAMP WITH TIME ZONE|TIMESTAMP_(S|MS|NS)|TIMESTAMPTZ|INTERVAL)$/i;
const NESTED = /(\[\]|\[\d+\]$|^STRUCT\(|^MAP\(|^UNION\()/i;

export type TypeKind = 'numeric' | 'temporal' | 'boolean' | 'text' | 'nested' | 'other';

/** Coarse kind of a DuckDB type name: what statistics and casts make sense on it. */
export function typeKind(duckType: string): TypeKind {
  const t = duckType.trim();
  if (NESTED.test(t)) return 'nested';
  if (NUMERIC.test(t)) return 'numeric';
  if (TEMPORAL.test(t)) return 'temporal';
  if (/^BOOLEAN$/i.test(t)) return 'boolean';
  if (/^(VARCHAR|UUID|JSON)$/i.test(t)) return 'text';
  return 'other';
}

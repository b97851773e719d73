import type { TaskColumn } from '../schema/types.ts';
import { nameTokens } from './mapping.ts';
import type { ColumnInfo, Session } from './session.ts';
import { ident, typeKind } from './sql.ts';

/** Task column names that are a part of a date, with the DuckDB function that extracts it. */
const DATE_PARTS: Record<string, string> = {
  month: 'month',
  year: 'year',
  day: 'day',
  dayofmonth: 'day',
  weekday: 'dayofweek',
  dayofweek: 'dayofweek',
  hour: 'hour',
  quarter: 'quarter',
};

/** Task columns that hold free text, and source column name parts that mark prose. */
const TEXT_NAMES = new Set(['text', 'body', 'content', 'message', 'document', 'email']);
const PROSE_TOKENS = new Set(['subject', 'title', 'headline', 'body', 'message', 'content', 'text', 'description', 'summary']);

/** Share of a column's non-null values that must fit for a data-based match. */
export const DATA_MATCH_SHARE = 0.8;

const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;

/**
 * Completes a name-based mapping by looking at the data, for task columns names could not place:
 * - a task column with known `values` (a category, often the label) takes the unused text column whose values
 *   fall in that set (as written, or after lower(trim())) for at least 80% of its non-null rows;
 * - a task column named after a date part (month, year, day, weekday, hour, quarter) is extracted from the unused
 *   column that parses as a date or timestamp for at least 80% of its non-null rows.
 * - a two-class category takes a boolean column named is_<class> or has_<class>;
 * - a free-text task column (text, body, content, message ...) takes the source's prose columns (subject, title,
 *   body, message ...) joined by newlines, when there are at least two.
 * Deterministic: candidates are tried in source column order.
 */
export async function completeMapping(
  session: Session,
  table: string,
  task: readonly TaskColumn[],
  source: readonly ColumnInfo[],
  mapping: Record<string, string>,
): Promise<Record<string, string>> {
  const out = { ...mapping };
  const used = new Set(Object.values(out).join(' ').match(/"[^"]+"/g)?.map((q) => q.slice(1, -1)) ?? []);
  const free = () => source.filter((c) => !used.has(c.name));
  const t = ident(table);

  for (const col of task) {
    if (out[col.name] !== undefined) continue;
    const values = (col.values ?? []).filter((v): v is string => typeof v === 'string');
    // A two-class category and a boolean column named is_<class> / has_<class>: CASE WHEN col THEN class ELSE other.
    if (values.length === 2) {
      const flag = free().find((c) => {
        if (typeKind(c.type) !== 'boolean') return false;
        const tokens = nameTokens(c.name);
        return ['is', 'has'].includes(tokens[0] ?? '') && values.some((v) => tokens.slice(1).join('') === nameTokens(v).join(''));
      });
      if (flag) {
        const tokens = nameTokens(flag.name).slice(1).join('');
        const yes = values.find((v) => nameTokens(v).join('') === tokens)!;
        const no = values.find((v) => v !== yes)!;
        out[col.name] = `CASE WHEN ${ident(flag.name)} THEN ${quote(yes)} WHEN NOT ${ident(flag.name)} THEN ${quote(no)} END`;
        used.add(flag.name);
        continue;
      }
    }
    if (values.length) {
      const list = values.map(quote).join(', ');
      const lowered = values.map((v) => quote(v.toLowerCase().trim())).join(', ');
      for (const c of free()) {
        if (typeKind(c.type) !== 'text') continue;
        // JSON columns count as text: compare their VARCHAR form.
        const q = /^VARCHAR/i.test(c.type) ? ident(c.name) : `CAST(${ident(c.name)} AS VARCHAR)`;
        let row: Record<string, unknown>;
        try {
          row = (await session.rows(
            `SELECT count(${q}) AS n, count(*) FILTER (WHERE ${q} IN (${list})) AS exact, count(*) FILTER (WHERE lower(trim(${q})) IN (${lowered})) AS loose FROM ${t}`,
          ))[0] ?? {};
        } catch {
          continue; // a column DuckDB cannot compare as text is simply not a candidate
        }
        const n = Number(row.n ?? 0);
        if (!n) continue;
        if (Number(row.exact) / n >= DATA_MATCH_SHARE) out[col.name] = q;
        else if (Number(row.loose) / n >= DATA_MATCH_SHARE) out[col.name] = `lower(trim(${q}))`;
        else continue;
        used.add(c.name);
        break;
      }
      continue;
    }
    // A free-text task column with no counterpart: the source's own text columns joined line by line
    // (subject + body, title + content), when at least two look like prose.
    if (typeKind(col.type) === 'text' && TEXT_NAMES.has(nameTokens(col.name).join(''))) {
      const prose = free().filter((c) => typeKind(c.type) === 'text' && nameTokens(c.name).some((x) => PROSE_TOKENS.has(x)));
      if (prose.length >= 2) {
        out[col.name] = prose.map((c) => `coalesce(CAST(${ident(c.name)} AS VARCHAR), '')`).join(' || chr(10) || ');
        for (const c of prose) used.add(c.name);
        continue;
      }
    }
    const part = DATE_PARTS[nameTokens(col.name).join('')];
    if (!part) continue;
    for (const c of free()) {
      const kind = typeKind(c.type);
      const tokens = nameTokens(c.name);
      const datey = kind === 'temporal' || tokens.some((x) => ['date', 'time', 'timestamp', 'datetime', 'day', 'dt', 'when'].includes(x));
      if (!datey) continue;
      const q = ident(c.name);
      const expr = kind === 'temporal' ? q : `TRY_CAST(${q} AS TIMESTAMP)`;
      let row: Record<string, unknown>;
      try {
        row = (await session.rows(`SELECT count(${q}) AS n, count(${expr}) AS ok FROM ${t}`))[0] ?? {};
      } catch {
        continue;
      }
      const n = Number(row.n ?? 0);
      if (!n || Number(row.ok) / n < DATA_MATCH_SHARE) continue;
      out[col.name] = `${part}(${expr})`;
      used.add(c.name);
      break;
    }
  }
  return out;
}

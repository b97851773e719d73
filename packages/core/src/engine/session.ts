import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { StatementType } from '@duckdb/node-api';
import { EngineCodes, duckMessage, engineError } from './errors.ts';
import { ident } from './sql.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
export type Row = Record<string, JsonValue>;

export interface ColumnInfo {
  name: string;
  /** DuckDB type name, e.g. BIGINT, DOUBLE, VARCHAR, DATE, STRUCT(...). */
  type: string;
}

/**
 * One DuckDB connection for one job (a profile or a materialisation). Its TEMP tables are private to it,
 * so concurrent jobs on the same engine never see each other's `data` table.
 */
export class Session {
  readonly #conn: DuckDBConnection;
  readonly #timeoutMs: number;
  #closed = false;

  constructor(conn: DuckDBConnection, timeoutMs: number) {
    this.#conn = conn;
    this.#timeoutMs = timeoutMs;
  }

  /** Runs one statement and returns its rows as JSON-safe objects (BIGINT as string, dates as ISO text). */
  async rows(sql: string): Promise<Row[]> {
    const reader = await this.#withTimeout(() => this.#conn.runAndReadAll(sql));
    return reader.getRowObjectsJson() as Row[];
  }

  async run(sql: string): Promise<void> {
    await this.#withTimeout(() => this.#conn.run(sql));
  }

  /** First column of the first row as a number (counts, sums). */
  async number(sql: string): Promise<number> {
    const rows = await this.rows(sql);
    const first = rows[0];
    const v = first ? Object.values(first)[0] : null;
    return v === null || v === undefined ? 0 : Number(v);
  }

  /** An appender on one of this session's TEMP tables. */
  async appender(table: string): Promise<DuckDBAppender> {
    if (this.#closed) throw engineError(EngineCodes.closed, 'engine session is closed; open a new one with DataEngine.open()');
    return this.#conn.createAppender(table, 'main', 'temp');
  }

  async columns(table: string): Promise<ColumnInfo[]> {
    const rows = await this.rows(`DESCRIBE ${ident(table)}`);
    return rows.map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) }));
  }

  /**
   * Refuses SQL that is more than one statement: recipe text (a where, a mapping expression, a sql step) is
   * spliced into our statements, and `a; DROP TABLE data` must not become two.
   */
  async assertSingleStatement(sql: string, where: string): Promise<void> {
    let count: number;
    try {
      count = (await this.#conn.extractStatements(sql)).count;
    } catch (err) {
      throw engineError(EngineCodes.sql, `${where}: SQL does not parse: ${duckMessage(err)}`, { where }, err);
    }
    if (count !== 1) {
      throw engineError(EngineCodes.sql, `${where}: expected exactly one SQL statement, found ${count}; remove the ';' separated parts`, { where });
    }
  }

  /** A recipe's sql step must be a query (SELECT / WITH / VALUES ...), nothing that changes the database. */
  async assertSelect(sql: string, where: string): Promise<void> {
    await this.assertSingleStatement(sql, where);
    let type: StatementType;
    try {
      const prepared = await this.#conn.prepare(sql);
      type = prepared.statementType;
      prepared.destroySync();
    } catch (err) {
      throw engineError(EngineCodes.sql, `${where}: ${duckMessage(err)}`, { where }, err);
    }
    if (type !== StatementType.SELECT) {
      throw engineError(EngineCodes.sql, `${where}: only a SELECT over the table 'data' is allowed, got a ${StatementType[type] ?? type} statement`, { where });
    }
  }

  async #withTimeout<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) throw engineError(EngineCodes.closed, 'engine session is closed; open a new one with DataEngine.open()');
    if (!(this.#timeoutMs > 0)) return fn();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.#conn.interrupt();
    }, this.#timeoutMs);
    try {
      return await fn();
    } catch (err) {
      if (timedOut) {
        throw engineError(EngineCodes.timeout, `query ran past the engine's ${this.#timeoutMs} ms limit; raise queryTimeoutMs or reduce the data`, {}, err);
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#conn.closeSync();
  }
}

/**
 * Every error DataMaster raises on purpose has a stable `code` and a message that says
 * what was wrong, where (file, JSON path, subject, run directory) and how to fix it.
 */
export class DataMasterError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;
  constructor(code: string, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
  toInfo(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}

export interface SchemaIssue {
  /** JSON pointer inside the checked value, '' for the root. */
  path: string;
  message: string;
}

/** A value failed its JSON Schema. `where` names the file, subject or event type it came from. */
export class SchemaError extends DataMasterError {
  readonly schema: string;
  readonly where: string;
  readonly issues: SchemaIssue[];
  constructor(schema: string, where: string, issues: SchemaIssue[], hint?: string) {
    const list = issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; ');
    super(
      'E_SCHEMA',
      `${where}: does not match ${schema}: ${list}${hint ? `. ${hint}` : ''}`,
      { schema, where, issues },
    );
    this.schema = schema;
    this.where = where;
    this.issues = issues;
  }
}

/** Turns anything thrown into the `{code, message}` shape that events carry. */
export function errorInfo(err: unknown): { code: string; message: string } {
  if (err instanceof DataMasterError) return err.toInfo();
  if (err instanceof Error) {
    const raw = (err as Error & { code?: unknown }).code;
    const code = typeof raw === 'string' ? raw : 'E_INTERNAL';
    return { code, message: err.message };
  }
  return { code: 'E_INTERNAL', message: String(err) };
}

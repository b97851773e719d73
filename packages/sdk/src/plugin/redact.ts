/** Replaces secret values in text before it reaches a log line, an error message or an event. */
export type Redactor = (text: string) => string;

export const REDACTED = '[redacted]';

/** Query parameters whose values are credentials by name. */
const SECRET_PARAM = /^(access[_-]?token|api[_-]?key|apikey|auth|authorization|key|password|passwd|secret|sig|signature|token|x-amz-security-token|x-amz-signature)$/i;

/** A redactor that knows the given secret values (short values are ignored: they would redact ordinary words). */
export function secretRedactor(values: Iterable<string | undefined>): Redactor {
  const known = [...new Set([...values].filter((v): v is string => typeof v === 'string' && v.length >= 4))]
    // Longest first so a secret containing another is replaced whole.
    .sort((a, b) => b.length - a.length);
  if (!known.length) return (text) => text;
  return (text) => {
    let out = text;
    for (const v of known) out = out.split(v).join(REDACTED);
    return out;
  };
}

/** Removes credentials from a URL: user info and token-like query parameters. Not a URL? returned as is. */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  if (u.username || u.password) {
    u.username = u.username ? 'redacted' : '';
    u.password = '';
  }
  for (const name of [...u.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) u.searchParams.set(name, 'redacted');
  }
  return u.toString();
}

/** Applies `redact` to every string inside a JSON-like value (log fields), keeping its shape. */
export function redactDeep(value: unknown, redact: Redactor, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return redact(`${value.name}: ${value.message}`);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = /^(authorization|cookie|set-cookie|x-api-key|password|token|secret)$/i.test(k) ? REDACTED : redactDeep(v, redact, depth + 1);
  }
  return out;
}

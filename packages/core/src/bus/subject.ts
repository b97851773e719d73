import { BusError } from './errors.ts';

/**
 * NATS subject matching: tokens split on '.', '*' matches exactly one token, '>' (last token only)
 * matches one or more. MemoryBus uses it for routing; NatsBus leaves matching to the server.
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  if (pattern === subject) return true;
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const tok = p[i];
    if (tok === '>') return s.length > i;
    if (i >= s.length) return false;
    if (tok !== '*' && tok !== s[i]) return false;
  }
  return p.length === s.length;
}

const TOKEN = /^[^\s.*>]+$/;

/** A subject to publish on: dot-separated non-empty tokens, no wildcards, no whitespace. */
export function assertPublishSubject(subject: string): void {
  if (!subject || subject.split('.').some((t) => !TOKEN.test(t))) {
    throw new BusError('E_BUS_SUBJECT', subject, `invalid subject '${subject}' to publish on: use dot-separated tokens without spaces or the wildcards '*' and '>'`);
  }
}

/** A subscription pattern: tokens, '*' anywhere, '>' only as the last token. */
export function assertPattern(pattern: string): void {
  const toks = pattern ? pattern.split('.') : [];
  const ok = toks.length > 0 && toks.every((t, i) => t === '*' || (t === '>' && i === toks.length - 1) || TOKEN.test(t));
  if (!ok) {
    throw new BusError('E_BUS_SUBJECT', pattern, `invalid subject pattern '${pattern}': use dot-separated tokens, '*' for one token and '>' only at the end`);
  }
}

/** One subject token (a run id, a role, a durable name): no '.', wildcards or spaces. */
export function assertToken(what: string, value: string): void {
  if (!TOKEN.test(value) || value.length > 200) {
    throw new BusError('E_BUS_SUBJECT', value, `invalid ${what} '${value}': it becomes one NATS subject token, so it must be 1-200 characters without '.', '*', '>' or whitespace`);
  }
}

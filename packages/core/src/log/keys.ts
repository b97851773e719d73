/**
 * The LevelDB key layout of a run's log. Keys are utf8 strings; seqs are zero-padded so that the
 * database's byte order is seq order.
 */

/** Digits of a seq in a key: room for 10^16 events, far past any run. */
export const SEQ_WIDTH = 16;
export const EVENT_PREFIX = 'evt!';
export const ID_PREFIX = 'id!';
export const META_RUN = 'meta!run';
export const META_FORMAT = 'meta!format';
/** Bumped when the layout changes; an older build refuses a newer log instead of misreading it. */
export const LOG_FORMAT = '1';

/** Separates an index key from the seq in an index entry; ids never sort past it (see indexEntryKey). */
const INDEX_SEP = '\u0000';

export function seqKey(seq: number): string {
  return EVENT_PREFIX + String(seq).padStart(SEQ_WIDTH, '0');
}

/** The seq in an `evt!` key, or undefined when the key is not one. */
export function seqOfKey(key: string): number | undefined {
  if (!key.startsWith(EVENT_PREFIX) || key.length !== EVENT_PREFIX.length + SEQ_WIDTH) return undefined;
  const digits = key.slice(EVENT_PREFIX.length);
  return /^[0-9]+$/.test(digits) ? Number(digits) : undefined;
}

export function idKey(id: string): string {
  return ID_PREFIX + id;
}

/** Range bounds that cover every `evt!` key. */
export const EVENT_RANGE = { gte: seqKey(0), lte: seqKey(10 ** SEQ_WIDTH - 1) } as const;

/** Range bounds that cover every `id!` key ('"' follows '!'). */
export const ID_RANGE = { gte: ID_PREFIX, lt: 'id"' } as const;

/** `<key>\0<seq>`: all entries of one key are contiguous and in seq order. */
export function indexEntryKey(key: string, seq: number): string {
  return key + INDEX_SEP + String(seq).padStart(SEQ_WIDTH, '0');
}

/** Range bounds over the entries of `key`; callers still check the exact key (an id could contain \0). */
export function indexRange(key: string): { gte: string; lt: string } {
  return { gte: key + INDEX_SEP, lt: key + '\u0001' };
}

/** The seq of an index entry if it belongs to exactly `key`. */
export function seqOfIndexEntry(entry: string, key: string): number | undefined {
  if (entry.length !== key.length + 1 + SEQ_WIDTH || !entry.startsWith(key + INDEX_SEP)) return undefined;
  return Number(entry.slice(key.length + 1));
}

/**
 * Deep copy of a JSON value (objects, arrays, strings, numbers, booleans, null). Several times faster than
 * structuredClone for the small objects events carry, which matters in a fold that copies every event's data.
 * Keys whose value is undefined are dropped, as JSON would.
 */
export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = cloneJson(value[i] as unknown);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const k in value as Record<string, unknown>) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = cloneJson(v);
  }
  return out as T;
}

import { createHash } from 'node:crypto';
import type { Recipe } from '../schema/types.ts';

/** JSON with object keys sorted at every level: one text per value, whatever the key order it was built in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The recipe hash: sha256 of the recipe's canonical JSON. Equal recipes train once. */
export function recipeHash(recipe: Recipe): string {
  return sha256Hex(canonicalJson(recipe));
}

export const ROOT_RECIPE: Recipe = Object.freeze({ v: 1, base: 'task', steps: [] }) as Recipe;

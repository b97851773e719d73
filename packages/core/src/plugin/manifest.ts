import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { DataMasterError, type SchemaIssue } from '../errors.ts';
import { sha256Hex } from '../recipe/hash.ts';
import { issuesOf, schemas } from '../schema/registry.ts';
import type { PluginManifest } from '../schema/types.ts';

export const MANIFEST_FILE = 'datamaster-plugin.json';

/** A manifest that passed its schema, with its config schema compiled and its entry resolved. */
export interface ReadManifest {
  manifest: PluginManifest;
  /** Package directory (absolute). */
  dir: string;
  /** The manifest file (absolute). */
  file: string;
  /** The entry module (absolute). */
  entry: string;
  /** ajv validator of the config schema; fills defaults in place. */
  validateConfig: ValidateFunction;
}

function listIssues(issues: SchemaIssue[]): string {
  return issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; ');
}

/**
 * Reads `<dir>/datamaster-plugin.json`, checks it against schemas/plugin-manifest.schema.json, compiles its
 * configSchema and checks the entry file exists. Errors name the plugin, the file, the JSON path and the reason.
 */
export function readManifest(dir: string): ReadManifest {
  const abs = resolve(dir);
  const file = join(abs, MANIFEST_FILE);
  const fail = (plugin: string, path: string, reason: string, extra: Record<string, unknown> = {}, cause?: unknown) =>
    new DataMasterError(
      'E_PLUGIN_MANIFEST',
      `plugin ${plugin}: ${file} at ${path || '/'}: ${reason}`,
      { plugin, file, path, ...extra },
      cause ? { cause } : undefined,
    );
  if (!existsSync(file)) {
    throw fail(abs, '', `no ${MANIFEST_FILE} here; a plugin package needs one (see docs/plugins.md or run 'datamaster plugin new')`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw fail(abs, '', `not valid JSON (${(err as Error).message}); fix the syntax`, {}, err);
  }
  const plugin = typeof (raw as { name?: unknown })?.name === 'string' ? (raw as { name: string }).name : abs;
  const issues = schemas().check('plugin-manifest', raw);
  if (issues.length) {
    throw fail(plugin, issues[0]!.path, `${listIssues(issues)} (schemas/plugin-manifest.schema.json)`, { issues });
  }
  const manifest = raw as PluginManifest;
  let validateConfig: ValidateFunction;
  try {
    // Keyed by content: two packages with the same schema share one compiled validator.
    validateConfig = schemas().compileForeign(manifest.configSchema, sha256Hex(JSON.stringify(manifest.configSchema)));
  } catch (err) {
    throw new DataMasterError(
      'E_PLUGIN_SCHEMA',
      `plugin ${plugin}: ${file} at /configSchema: not a valid JSON Schema (2020-12, strict): ${(err as Error).message}`,
      { plugin, file, path: '/configSchema' },
      { cause: err },
    );
  }
  const entry = resolve(abs, manifest.entry);
  if (!existsSync(entry)) throw fail(plugin, '/entry', `entry '${manifest.entry}' does not exist (looked for ${entry})`);
  return { manifest, dir: abs, file, entry, validateConfig };
}

/** Where a config came from, for error messages: the file and the JSON path of the config inside it. */
export interface ConfigOrigin {
  file?: string;
  /** JSON pointer of the config object inside `file`, e.g. '/sources/0/config'. */
  path?: string;
}

/** Checks `config` against the manifest's configSchema; returns a copy with defaults filled. */
export function checkPluginConfig(read: ReadManifest, config: unknown, origin: ConfigOrigin = {}): Record<string, unknown> {
  const copy = structuredClone(config ?? {}) as Record<string, unknown>;
  if (read.validateConfig(copy)) return copy;
  const issues = issuesOf(read.validateConfig.errors).map((i) => ({ ...i, path: `${origin.path ?? ''}${i.path}` }));
  const where = origin.file ? `config in ${origin.file}` : 'config';
  throw new DataMasterError(
    'E_PLUGIN_CONFIG',
    `plugin ${read.manifest.name}: ${where} at ${listIssues(issues)}; the config must match configSchema in ${read.file}`,
    { plugin: read.manifest.name, file: origin.file, manifest: read.file, issues },
  );
}

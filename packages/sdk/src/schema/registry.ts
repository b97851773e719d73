import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { SchemaError, DataMasterError, type SchemaIssue } from '../errors.ts';
import { SCHEMA_BASE, schemasDir } from './files.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020;

/** Short names for the top-level schemas; events are addressed as `events/<type>`. */
export type SchemaName =
  | 'common'
  | 'config'
  | 'event'
  | 'plugin-manifest'
  | 'recipe'
  | 'source'
  | 'task'
  | 'local-catalog'
  | `events/${string}`
  | `messages/${string}`;

function listSchemaFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) out.push(...listSchemaFiles(join(dir, entry.name), `${prefix}${entry.name}/`));
    else if (entry.name.endsWith('.schema.json')) out.push(`${prefix}${entry.name}`);
  }
  return out.sort();
}

export function issuesOf(errors: ErrorObject[] | null | undefined): SchemaIssue[] {
  if (!errors) return [];
  // Recipe steps use a discriminator on `op`, so a bad step reports its own branch only; drop exact repeats.
  const seen = new Set<string>();
  const out: SchemaIssue[] = [];
  for (const e of errors) {
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') message = `unknown property '${String(e.params.additionalProperty)}'`;
    else if (e.keyword === 'enum') message = `must be one of ${JSON.stringify(e.params.allowedValues)}`;
    else if (e.keyword === 'const') message = `must be ${JSON.stringify(e.params.allowedValue)}`;
    else if (e.keyword === 'required') message = `missing required property '${String(e.params.missingProperty)}'`;
    else if (e.keyword === 'discriminator') message = `unknown ${String(e.params.tag)} ${JSON.stringify(e.params.tagValue)}`;
    const key = `${e.instancePath}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: e.instancePath, message });
  }
  return out;
}

/**
 * Compiles every schema in schemas/ once. Two ajv instances: `wire` never changes what it checks
 * (events, messages); `input` fills in schema defaults (task and config files).
 */
export class SchemaRegistry {
  private readonly wire: Ajv2020;
  private readonly input: Ajv2020;
  private readonly wireCache = new Map<string, ValidateFunction>();
  private readonly inputCache = new Map<string, ValidateFunction>();
  readonly names: string[];

  constructor(dir: string = schemasDir) {
    const files = listSchemaFiles(dir);
    this.names = files.map((f) => f.replace(/\.schema\.json$/, ''));
    const make = (useDefaults: boolean) => {
      const ajv = new Ajv2020({ allErrors: true, strict: true, useDefaults, allowUnionTypes: true, discriminator: true });
      addFormats(ajv);
      for (const f of files) ajv.addSchema(JSON.parse(readFileSync(join(dir, f), 'utf8')) as object);
      return ajv;
    };
    this.wire = make(false);
    this.input = make(true);
  }

  has(name: string): boolean {
    return this.names.includes(name);
  }

  private compiled(name: string, withDefaults: boolean): ValidateFunction {
    const cache = withDefaults ? this.inputCache : this.wireCache;
    let fn = cache.get(name);
    if (!fn) {
      const ajv = withDefaults ? this.input : this.wire;
      fn = ajv.getSchema(`${SCHEMA_BASE}${name}.schema.json`);
      if (!fn) throw new DataMasterError('E_NO_SCHEMA', `no schema named '${name}' in ${schemasDir}`, { name });
      cache.set(name, fn);
    }
    return fn;
  }

  /** Issues of `value` against schema `name`, or [] when it is valid. Never mutates. */
  check(name: SchemaName, value: unknown): SchemaIssue[] {
    const fn = this.compiled(name, false);
    return fn(value) ? [] : issuesOf(fn.errors);
  }

  /** Throws a SchemaError naming `where` when `value` fails schema `name`. */
  assert<T>(name: SchemaName, value: unknown, where: string, hint?: string): T {
    const issues = this.check(name, value);
    if (issues.length) throw new SchemaError(`schemas/${name}.schema.json`, where, issues, hint);
    return value as T;
  }

  /** Like assert, for input files: fills schema defaults into a copy and returns it. */
  parseInput<T>(name: SchemaName, value: unknown, where: string, hint?: string): T {
    const copy = structuredClone(value);
    const fn = this.compiled(name, true);
    if (!fn(copy)) throw new SchemaError(`schemas/${name}.schema.json`, where, issuesOf(fn.errors), hint);
    return copy as T;
  }

  /** Any JSON Schema given at run time (a plugin's config schema), compiled on the input instance. */
  compileForeign(schema: object, key: string): ValidateFunction {
    const cacheKey = `foreign:${key}`;
    let fn = this.inputCache.get(cacheKey);
    if (!fn) {
      fn = this.input.compile(schema);
      this.inputCache.set(cacheKey, fn);
    }
    return fn;
  }
}

let shared: SchemaRegistry | undefined;
/** The process-wide registry (schemas are compiled once). */
export function schemas(): SchemaRegistry {
  shared ??= new SchemaRegistry();
  return shared;
}

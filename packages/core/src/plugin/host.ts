import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DataMasterError } from '../errors.ts';
import type { PluginKind, PluginManifest, PluginRef } from '../schema/types.ts';
import { contextFromManifest, type Env } from './context.ts';
import type { HttpClientOptions } from './http.ts';
import { silentLogger } from './logger.ts';
import { checkPluginConfig, MANIFEST_FILE, readManifest, type ConfigOrigin } from './manifest.ts';
import type { Redactor } from './redact.ts';
import type { AnyPlugin, BenchmarkPlugin, CriticPlugin, Logger, PluginContext, PolicyPlugin, SourcePlugin } from './types.ts';

/** Methods each kind must have; checked at load so a broken plugin fails before a run starts. */
export const REQUIRED_METHODS: Record<PluginKind, readonly string[]> = {
  source: ['search', 'fetch'],
  benchmark: ['prepare', 'evaluate', 'grade'],
  critic: ['judge'],
  policy: ['propose'],
};

/** A plugin ready to call: its manifest, checked config, context and module object. */
export interface LoadedPlugin<P extends AnyPlugin = AnyPlugin> {
  name: string;
  kind: P['kind'];
  manifest: PluginManifest;
  /** Package directory. */
  dir: string;
  config: Record<string, unknown>;
  ctx: PluginContext<Record<string, unknown>>;
  plugin: P;
  /** Removes the plugin's secret values from text (used on its errors before they are logged). */
  redact: Redactor;
}

export interface PluginHostOptions {
  /** The run's directory; each plugin gets <runDir>/plugins/<name>/. */
  runDir: string;
  logger?: Logger;
  /** Where declared secrets are read from; default process.env. */
  env?: Env;
  signal?: AbortSignal;
  http?: Omit<HttpClientOptions, 'redact' | 'logger' | 'signal'>;
  /** Extra directories to resolve package names from, after baseDir (default: cwd and the repository root). */
  searchDirs?: string[];
}

export interface LoadOptions extends ConfigOrigin {
  /** Relative plugin paths and relative config paths resolve against this (the task file's folder). */
  baseDir?: string;
}

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/** True when `ref` names a package rather than a path. */
export function isPackageName(ref: string): boolean {
  return !ref.startsWith('.') && !isAbsolute(ref) && PACKAGE_NAME.test(ref);
}

/** Finds <dir>/node_modules/<name> walking up from each start directory; follows workspace symlinks. */
function findPackageDir(name: string, starts: string[]): string | undefined {
  for (const start of starts) {
    let dir = resolve(start);
    for (;;) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json')) || existsSync(join(candidate, MANIFEST_FILE))) return realpathSync(candidate);
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return undefined;
}

/** The directory of the plugin package `ref` names (a package name or a path relative to baseDir). */
export function resolvePluginDir(ref: string, baseDir: string, searchDirs: string[] = [process.cwd(), REPO_ROOT]): string {
  if (!isPackageName(ref)) {
    const dir = resolve(baseDir, ref);
    if (!existsSync(dir)) {
      throw new DataMasterError('E_PLUGIN_NOT_FOUND', `plugin ${ref}: no such directory ${dir} (paths resolve against ${baseDir})`, { plugin: ref, dir });
    }
    // A path may point at the manifest itself.
    return dir.endsWith(MANIFEST_FILE) ? dirname(dir) : dir;
  }
  const found = findPackageDir(ref, [baseDir, ...searchDirs]);
  if (!found) {
    throw new DataMasterError(
      'E_PLUGIN_NOT_FOUND',
      `plugin ${ref}: package not found in node_modules from ${baseDir} or ${searchDirs.join(', ')}; install it (npm i ${ref}) or give a path`,
      { plugin: ref, baseDir },
    );
  }
  return found;
}

/** Checks the module's default export is a plugin of the manifest's kind with the kind's methods. */
export function checkContract(value: unknown, manifest: PluginManifest, entry: string): AnyPlugin {
  const fail = (reason: string) =>
    new DataMasterError('E_PLUGIN_CONTRACT', `plugin ${manifest.name}: ${entry}: ${reason}`, { plugin: manifest.name, file: entry });
  if (value === null || typeof value !== 'object') throw fail('the default export must be the object built with definePlugin({...})');
  const kind = (value as { kind?: unknown }).kind;
  if (kind !== manifest.kind) throw fail(`default export has kind ${JSON.stringify(kind)} but the manifest says '${manifest.kind}'`);
  const missing = REQUIRED_METHODS[manifest.kind].filter((m) => typeof (value as Record<string, unknown>)[m] !== 'function');
  if (missing.length) throw fail(`a ${manifest.kind} plugin must implement ${missing.map((m) => `${m}()`).join(', ')}`);
  return value as AnyPlugin;
}

/**
 * Loads plugins by package name or path: manifest, config (defaults filled), entry module, contract, context.
 * Every failure is a DataMasterError naming the plugin, the file and the JSON path.
 */
export class PluginHost {
  readonly loaded: LoadedPlugin[] = [];
  constructor(private readonly options: PluginHostOptions) {}

  async load(ref: PluginRef, opts: LoadOptions = {}): Promise<LoadedPlugin> {
    const baseDir = resolve(opts.baseDir ?? process.cwd());
    const dir = resolvePluginDir(ref.plugin, baseDir, this.options.searchDirs);
    const read = readManifest(dir);
    const config = checkPluginConfig(read, ref.config ?? {}, { file: opts.file, path: opts.path ?? '' });
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(read.entry).href)) as { default?: unknown };
    } catch (err) {
      throw new DataMasterError(
        'E_PLUGIN_LOAD',
        `plugin ${read.manifest.name}: importing ${read.entry} failed: ${(err as Error).message}`,
        { plugin: read.manifest.name, file: read.entry },
        { cause: err },
      );
    }
    const plugin = checkContract(mod.default, read.manifest, read.entry);
    const { ctx, redact } = contextFromManifest(read.manifest, {
      config,
      runDir: this.options.runDir,
      baseDir,
      logger: this.options.logger ?? silentLogger,
      ...(this.options.env ? { env: this.options.env } : {}),
      ...(this.options.signal ? { signal: this.options.signal } : {}),
      ...(this.options.http ? { http: this.options.http } : {}),
    });
    const loaded: LoadedPlugin = { name: read.manifest.name, kind: read.manifest.kind, manifest: read.manifest, dir, config, ctx, plugin, redact };
    this.loaded.push(loaded);
    return loaded;
  }

  private async loadKind<P extends AnyPlugin>(kind: P['kind'], ref: PluginRef, opts?: LoadOptions): Promise<LoadedPlugin<P>> {
    const loaded = await this.load(ref, opts);
    if (loaded.kind !== kind) {
      throw new DataMasterError(
        'E_PLUGIN_CONTRACT',
        `plugin ${loaded.name}: is a ${loaded.kind} plugin, but a ${kind} plugin is needed here${opts?.file ? ` (${opts.file}${opts.path ? ` at ${opts.path}` : ''})` : ''}`,
        { plugin: loaded.name, file: opts?.file, expected: kind, actual: loaded.kind },
      );
    }
    return loaded as unknown as LoadedPlugin<P>;
  }

  loadSource(ref: PluginRef, opts?: LoadOptions): Promise<LoadedPlugin<SourcePlugin>> {
    return this.loadKind<SourcePlugin>('source', ref, opts);
  }
  loadBenchmark(ref: PluginRef, opts?: LoadOptions): Promise<LoadedPlugin<BenchmarkPlugin>> {
    return this.loadKind<BenchmarkPlugin>('benchmark', ref, opts);
  }
  loadCritic(ref: PluginRef, opts?: LoadOptions): Promise<LoadedPlugin<CriticPlugin>> {
    return this.loadKind<CriticPlugin>('critic', ref, opts);
  }
  loadPolicy(ref: PluginRef, opts?: LoadOptions): Promise<LoadedPlugin<PolicyPlugin>> {
    return this.loadKind<PolicyPlugin>('policy', ref, opts);
  }
}

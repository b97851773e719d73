import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataMasterError } from '../errors.ts';
import type { PluginManifest } from '../schema/types.ts';
import { createHttpClient, type HttpClientOptions } from './http.ts';
import { HTTP_ALLOW_ENV, parseAllowList } from './net-guard.ts';
import { pluginLogger, silentLogger } from './logger.ts';
import { secretRedactor, type Redactor } from './redact.ts';
import type { Logger, PluginContext, Secrets } from './types.ts';

export type Env = Record<string, string | undefined>;

export interface PluginContextOptions<C> {
  /** Plugin package name. */
  name: string;
  config: C;
  /** The run's directory; the plugin works in <runDir>/plugins/<safe name>/. */
  runDir: string;
  /** Relative paths in the config resolve against this (the task or config file's folder). */
  baseDir?: string;
  /** Environment variable names the plugin may read (manifest.secrets). */
  secrets?: string[];
  /** Where secret values (and DATAMASTER_HTTP_ALLOW) come from; default process.env. */
  env?: Env;
  logger?: Logger;
  signal?: AbortSignal;
  /**
   * Limits and test hooks for the HTTP client (redaction, logger and signal are filled in). `http.allow` lists the
   * internal targets the plugin may reach (a test's loopback server, a private mirror); it adds to the entries of
   * DATAMASTER_HTTP_ALLOW in `env`.
   */
  http?: Omit<HttpClientOptions, 'redact' | 'logger' | 'signal'>;
}

/** A plugin name as one directory segment: '@datamaster/source-hf' -> 'datamaster__source-hf'. */
export function safePluginDirName(name: string): string {
  const s = name.replace(/^@/, '').replace(/\//g, '__').replace(/[^A-Za-z0-9._-]/g, '_');
  return s === '' || s === '.' || s === '..' ? '_plugin' : s;
}

/** Only declared names are readable, so a plugin cannot go fishing in the environment. */
export class DeclaredSecrets implements Secrets {
  constructor(
    private readonly plugin: string,
    private readonly declared: readonly string[],
    private readonly env: Env,
  ) {}
  get(name: string): string | undefined {
    if (!this.declared.includes(name)) {
      throw new DataMasterError(
        'E_PLUGIN_SECRET',
        `plugin ${this.plugin}: secret '${name}' is not declared; add it to "secrets" in datamaster-plugin.json`,
        { plugin: this.plugin, secret: name },
      );
    }
    const v = this.env[name];
    return v === '' ? undefined : v;
  }
  /** The values present, for redaction. */
  values(): string[] {
    return this.declared.map((n) => this.env[n]).filter((v): v is string => !!v);
  }
}

/** A context plus the redactor that protects its secrets (the host uses it on plugin errors too). */
export interface BuiltContext<C> {
  ctx: PluginContext<C>;
  redact: Redactor;
}

/** Builds what a plugin sees: its sandbox dir (created), a redacting logger, its declared secrets, an HTTP client. */
export function buildPluginContext<C>(opts: PluginContextOptions<C>): BuiltContext<C> {
  const env = opts.env ?? process.env;
  const secrets = new DeclaredSecrets(opts.name, opts.secrets ?? [], env);
  const redact = secretRedactor(secrets.values());
  const workDir = join(resolve(opts.runDir), 'plugins', safePluginDirName(opts.name));
  mkdirSync(workDir, { recursive: true });
  const logger = pluginLogger(opts.logger ?? silentLogger, opts.name, redact);
  const allow = [
    ...parseAllowList(env[HTTP_ALLOW_ENV], HTTP_ALLOW_ENV).map((r) => r.text),
    ...parseAllowList(opts.http?.allow, `plugin ${opts.name}: http.allow`).map((r) => r.text),
  ];
  const http = createHttpClient({ ...(opts.http ?? {}), allow, redact, logger, ...(opts.signal ? { signal: opts.signal } : {}) });
  const ctx: PluginContext<C> = {
    name: opts.name,
    config: opts.config,
    workDir,
    baseDir: resolve(opts.baseDir ?? process.cwd()),
    logger,
    http,
    secrets,
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
  return { ctx, redact };
}

/** The context alone (tests and the conformance suite). */
export function createPluginContext<C>(opts: PluginContextOptions<C>): PluginContext<C> {
  return buildPluginContext(opts).ctx;
}

/** Context options from a manifest: its name and declared secrets. */
export function contextFromManifest<C>(manifest: PluginManifest, rest: Omit<PluginContextOptions<C>, 'name' | 'secrets'>): BuiltContext<C> {
  return buildPluginContext({ ...rest, name: manifest.name, secrets: manifest.secrets ?? [] });
}

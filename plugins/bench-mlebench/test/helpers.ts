import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PluginContext } from '@datamaster/sdk';
import type { MleBenchConfig } from '../src/config.ts';

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Captured {
  warn: string[];
  info: string[];
}

/** A minimal plugin context (the real host builds one from the manifest and the task file). */
export function context(config: MleBenchConfig, workDir: string, baseDir: string, captured: Captured = { warn: [], info: [] }): PluginContext<MleBenchConfig> {
  const quiet = () => undefined;
  return {
    name: '@datamaster/bench-mlebench',
    config,
    workDir,
    baseDir,
    logger: { debug: quiet, info: (m) => captured.info.push(m), warn: (m) => captured.warn.push(m), error: quiet },
    secrets: { get: () => undefined },
    http: {
      request: () => Promise.reject(new Error('not used')),
      json: () => Promise.reject(new Error('not used')),
      download: () => Promise.reject(new Error('not used')),
    },
  };
}

export const SOLUTIONS = new URL('../examples/solutions/', import.meta.url).pathname;

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PluginContext } from '@datamaster/core';
import type { BenchLocalConfig } from '../src/plugin.ts';

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A minimal plugin context (the real host builds one from the manifest). */
export function context(config: BenchLocalConfig, workDir: string, baseDir = workDir): PluginContext<BenchLocalConfig> {
  const quiet = () => undefined;
  return {
    name: '@datamaster/bench-local',
    config,
    workDir,
    baseDir,
    logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    secrets: { get: (n) => process.env[n] },
    http: {
      request: () => Promise.reject(new Error('not used')),
      json: () => Promise.reject(new Error('not used')),
      download: () => Promise.reject(new Error('not used')),
    },
  };
}

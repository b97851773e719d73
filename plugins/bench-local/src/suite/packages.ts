import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataMasterError } from '@datamaster/core';

const require = createRequire(import.meta.url);

/** Root folder of an installed package, found from its entry point (some packages do not export package.json). */
export function packageRoot(name: string): string {
  let dir = dirname(require.resolve(name));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
    const up = dirname(dir);
    if (up === dir) throw new DataMasterError('E_BENCH_PACKAGE', `cannot find the folder of package '${name}'; is it installed (npm ls ${name})?`, { name });
    dir = up;
  }
}

export function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(packageRoot(name), 'package.json'), 'utf8')) as { version: string }).version;
}

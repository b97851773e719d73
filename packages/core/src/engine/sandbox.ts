import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { EngineCodes, engineError } from './errors.ts';
import { listLiteral, literal } from './sql.ts';

/**
 * The sandbox every engine connection runs in, applied once per DuckDB instance, in this order (checked on
 * DuckDB 1.5): allowed_directories, then enable_external_access=false (file access outside those folders,
 * ATTACH, COPY TO elsewhere all fail), then lock_configuration=true (no SET/RESET can undo it).
 */
export function sandboxStatements(allowedDirs: readonly string[], tempDir: string): string[] {
  return [
    `SET autoinstall_known_extensions=false`,
    `SET temp_directory=${literal(tempDir)}`,
    `SET allowed_directories=${listLiteral(allowedDirs.map((d) => (d.endsWith(sep) ? d : d + sep)))}`,
    `SET enable_external_access=false`,
    `SET lock_configuration=true`,
  ];
}

/** Resolves symlinks so that the prefix check below and DuckDB's own check agree. */
export async function realDir(dir: string, what: string): Promise<string> {
  if (!isAbsolute(dir)) dir = resolve(dir);
  try {
    return await realpath(dir);
  } catch (err) {
    throw engineError(EngineCodes.path, `${what} '${dir}' does not exist; create it first`, { dir }, err);
  }
}

export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The real path of `path` if it lies inside an allowed directory, else E_ENGINE_PATH. Checked before DuckDB
 * sees the path so the message can say which folders are allowed. A file that does not exist yet (an output)
 * is resolved through its parent folder.
 */
export async function allowedPath(path: string, allowed: readonly string[], what: string, mustExist = true): Promise<string> {
  const abs = resolve(path);
  let real: string;
  try {
    real = await realpath(abs);
  } catch (err) {
    if (mustExist) {
      if ((err as { code?: string }).code === 'ENOENT') throw engineError(EngineCodes.notFound, `${what} ${abs}: no such file; fetch it first or fix the path`, { file: abs }, err);
      throw err;
    }
    // Not there yet (an output folder): resolve its nearest existing ancestor, create nothing.
    let existing = dirname(abs);
    for (;;) {
      try {
        real = resolve(await realpath(existing), relative(existing, abs));
        break;
      } catch {
        const up = dirname(existing);
        if (up === existing) throw err;
        existing = up;
      }
    }
  }
  if (!allowed.some((d) => isInside(real, d))) {
    throw engineError(EngineCodes.path, `${what} ${abs} is outside the engine's allowed directories (${allowed.join(', ')}); pass its folder in DataEngine.open({ allowedDirs })`, { path: abs, allowed });
  }
  return real;
}

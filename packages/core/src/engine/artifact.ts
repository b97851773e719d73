import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Artifact layout, content-addressed by recipe hash inside the caller's outDir:
 *   <outDir>/<recipeHash>.parquet   the training data (task columns, in order; no bookkeeping columns)
 *   <outDir>/<recipeHash>.json      its manifest: rows, sha256 of the Parquet bytes, rows by origin, drops
 * Both are written under a temporary name and renamed: a crash never leaves a partial artifact under the
 * final name. The manifest is renamed first, so an existing Parquet always has its manifest next to it.
 */
export interface ArtifactManifest {
  v: 1;
  recipeHash: string;
  rows: number;
  sha256: string;
  format: 'parquet';
  columns: { name: string; type: string }[];
  rowsBySource: Record<string, number>;
  contamination: Record<string, number>;
}

export function artifactPaths(outDir: string, recipeHash: string): { parquet: string; manifest: string } {
  return { parquet: join(outDir, `${recipeHash}.parquet`), manifest: join(outDir, `${recipeHash}.json`) };
}

/** A temp name in the same folder (so rename is atomic), unique per process and call. */
export function tempName(finalPath: string): string {
  return `${finalPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The manifest of an existing artifact, if it is there, parses, and its sha256 matches the Parquet bytes. */
export async function readValidManifest(outDir: string, recipeHash: string): Promise<ArtifactManifest | null> {
  const { parquet, manifest } = artifactPaths(outDir, recipeHash);
  if (!(await exists(parquet))) return null;
  try {
    const m = JSON.parse(await readFile(manifest, 'utf8')) as ArtifactManifest;
    if (m.v !== 1 || m.recipeHash !== recipeHash) return null;
    return (await sha256File(parquet)) === m.sha256 ? m : null;
  } catch {
    return null;
  }
}

export async function writeManifest(outDir: string, m: ArtifactManifest): Promise<void> {
  const { manifest } = artifactPaths(outDir, m.recipeHash);
  const tmp = tempName(manifest);
  await writeFile(tmp, JSON.stringify(m, null, 2) + '\n');
  await rename(tmp, manifest);
}

export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true });
}

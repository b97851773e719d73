import { readFile } from 'node:fs/promises';
import { DataMasterError, type PluginContext } from '@datamaster/sdk';

export interface KaggleCredentials {
  username: string;
  key: string;
  from: 'environment' | 'file';
}

/** KAGGLE_USERNAME + KAGGLE_KEY first (both or neither), then kaggle.json, like the official client. */
export async function loadCredentials(ctx: Pick<PluginContext, 'secrets'>, file: string): Promise<KaggleCredentials> {
  const username = ctx.secrets.get('KAGGLE_USERNAME');
  const key = ctx.secrets.get('KAGGLE_KEY');
  if (username && key) return { username, key, from: 'environment' };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new DataMasterError(
      'E_SOURCE_CREDENTIALS',
      `source-kaggle: no Kaggle credentials: set KAGGLE_USERNAME and KAGGLE_KEY, or put {"username": ..., "key": ...} in ${file} (Kaggle > Settings > API > Create New Token)`,
      { file },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const p = parsed as { username?: unknown; key?: unknown } | undefined;
  if (typeof p?.username !== 'string' || typeof p.key !== 'string' || !p.username || !p.key) {
    // The file's content is a secret: the message names the file only.
    throw new DataMasterError('E_SOURCE_CREDENTIALS', `source-kaggle: ${file} is not a Kaggle token file; it must be JSON with string "username" and "key" (download a new one from Kaggle > Settings > API)`, { file });
  }
  return { username: p.username, key: p.key, from: 'file' };
}

export function basicAuth(c: KaggleCredentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.key}`).toString('base64')}`;
}

import { DataMasterError } from '@datamaster/sdk';

/** Re-states a failure with what was being done and how to fix it; HTTP codes (E_HTTP_AUTH, ...) are kept. */
export function webError(err: unknown, what: string, fix: string): Error {
  if (!(err instanceof DataMasterError)) {
    return new DataMasterError('E_SOURCE_FAILED', `source-web: ${what} failed: ${err instanceof Error ? err.message : String(err)}; ${fix}`, {}, { cause: err });
  }
  const hint: Record<string, string> = {
    E_HTTP_AUTH: 'the server asks for credentials this plugin does not have; open data portals and public files need none, so the resource is private or the URL points at a login wall: pick another candidate or download it by hand',
    E_HTTP_NOT_FOUND: `not found; ${fix}`,
  };
  const h = hint[err.code];
  return new DataMasterError(err.code, `source-web: ${what}: ${h ? `${h} (${err.message})` : err.message}`, err.details, { cause: err });
}

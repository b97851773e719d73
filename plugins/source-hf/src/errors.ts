import { DataMasterError } from '@datamaster/sdk';

/**
 * Re-states an HTTP failure in the hub's terms: what was asked, and how to fix it. The code stays the HTTP
 * client's (E_HTTP_AUTH, E_HTTP_NOT_FOUND, ...) so callers can branch on it across plugins.
 */
export function hubError(err: unknown, what: string, datasetUrl: string): Error {
  if (!(err instanceof DataMasterError)) {
    const message = err instanceof Error ? err.message : String(err);
    return new DataMasterError('E_SOURCE_FAILED', `source-hf: ${what} failed: ${message}`, {}, { cause: err });
  }
  const hint: Record<string, string> = {
    E_HTTP_AUTH: `the hub refused the credentials. Set HF_TOKEN to a token with read access (https://huggingface.co/settings/tokens); for a gated dataset, also accept its terms at ${datasetUrl} with that account`,
    E_HTTP_NOT_FOUND: `not found at ${datasetUrl}; check the dataset id, the file path and HF_ENDPOINT / the endpoint config`,
    E_HTTP_RATE_LIMITED: 'still rate limited after the retries; set HF_TOKEN (authenticated calls have higher limits) or try again later',
  };
  return new DataMasterError(err.code, `source-hf: ${what}: ${hint[err.code] ?? err.message}${hint[err.code] ? ` (${err.message})` : ''}`, err.details, { cause: err });
}

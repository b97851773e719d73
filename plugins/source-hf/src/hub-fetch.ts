import type { HttpClient } from '@datamaster/sdk';

/** Statuses whose Response must have no body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

export interface HubFetchOptions {
  http: HttpClient;
  /** Bearer token sent to the hub's own origin only; never to other hosts. */
  token?: string;
  hubOrigin: string;
  /** Cap on any API answer (listings, info): these are small JSON documents. */
  maxBytes: number;
  timeoutMs?: number;
}

function headersOf(init: RequestInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

/**
 * A `fetch` for @huggingface/hub that goes through the plugin's HttpClient, so the context's time, size and retry
 * limits apply to every hub call. Errors (401/403, 404, 429 after retries, too large) are the client's
 * DataMasterErrors and propagate unchanged through the hub functions.
 */
export function hubFetch(opts: HubFetchOptions): typeof fetch {
  const call = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers = headersOf(init);
    // The token goes in here, not through the hub library, so it reaches only the hub's origin.
    if (opts.token && new URL(url).origin === opts.hubOrigin) headers.authorization = `Bearer ${opts.token}`;
    const res = await opts.http.request(url, {
      method: init?.method ?? 'GET',
      headers,
      body: typeof init?.body === 'string' ? init.body : undefined,
      maxBytes: opts.maxBytes,
      timeoutMs: opts.timeoutMs,
      signal: init?.signal ?? undefined,
    });
    const response = new Response(NULL_BODY.has(res.status) ? null : res.body, { status: res.status, headers: res.headers });
    // A constructed Response has an empty url; the hub library reads it to resolve download links.
    Object.defineProperty(response, 'url', { value: res.url });
    return response;
  };
  return call as typeof fetch;
}

export * from './types.ts';
export { createHttpClient, LimitedHttpClient, parseRetryAfter, DEFAULT_HTTP_LIMITS, type HttpClientOptions, type HttpLimits } from './http.ts';
export { secretRedactor, redactUrl, redactDeep, REDACTED, type Redactor } from './redact.ts';

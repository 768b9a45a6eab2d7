import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './openapi';

export type ApiClient = Client<paths>;

/**
 * A client typed from docs/openapi.json: a route or schema change there breaks the console's
 * type check. Every call carries the caller's token and language; a 401 means the token is
 * no longer accepted, so the caller signs in again.
 */
export function apiClient(options: {
  readonly token: () => string | undefined;
  readonly language: () => string;
  readonly onUnauthorized: () => void;
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
}): ApiClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? window.location.origin,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const middleware: Middleware = {
    onRequest({ request }) {
      const token = options.token();
      if (token) request.headers.set('authorization', `Bearer ${token}`);
      request.headers.set('accept-language', options.language());
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) options.onUnauthorized();
      return response;
    },
  };
  client.use(middleware);
  return client;
}

/** A new key per user action: a retried click is then the same request, never a second one. */
export const idempotencyKey = (): string => crypto.randomUUID();

/** The `If-Match` value for a record's version (the API's ETag is the quoted version). */
export const ifMatch = (version: number | undefined): string => `"${version ?? 0}"`;

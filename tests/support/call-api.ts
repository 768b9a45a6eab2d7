import type { Context } from 'aws-lambda';
import { apiEvent } from './api-event';
import { context, parsed } from './lambda';

export interface CallOptions {
  /** Path parameters, substituted into the route template for the raw path. */
  readonly path?: Record<string, string>;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
  /** Verified claims; omit for an unauthenticated (or public) call. */
  readonly claims?: Record<string, string>;
}

/**
 * Calls an API handler the way API Gateway would for `method route`, with a JSON body, and
 * answers its status, headers and parsed body.
 */
export async function callApi(
  handler: (event: never, context: Context) => Promise<unknown>,
  method: string,
  route: string,
  options: CallOptions = {},
): Promise<ReturnType<typeof parsed>> {
  let path = route;
  for (const [name, value] of Object.entries(options.path ?? {})) path = path.replace(`{${name}}`, value);
  const event = apiEvent({
    method,
    route,
    path,
    ...(options.path ? { pathParameters: options.path } : {}),
    headers: { 'content-type': 'application/json', ...options.headers },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    ...(options.claims ? { claims: options.claims } : {}),
  });
  if (options.query) event.queryStringParameters = options.query;
  return parsed(await handler(event as never, context()));
}

import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { HttpMethod, RouteSpec } from '../manifest';
import {
  type Principal,
  type PrincipalOptions,
  principalOf,
  requireProvinceScope,
  requireRole,
} from './auth';
import { type CursorSealer, pageCursors } from './cursor';
import { methodNotAllowed, routeNotFound } from './problem';
import type { ApiRequest, ApiResponse } from './request';

const ANONYMOUS: Principal = { subject: 'anonymous', roles: [] };

export type RouteHandler = (request: ApiRequest) => Promise<ApiResponse>;

/** Route handlers keyed like API Gateway route keys: `GET /v1/persons/{personId}`. */
export type RouteTable = Readonly<Record<string, RouteHandler>>;

/** The caller a cursor is bound to: who, with which roles, scoped to which region. */
const callerOf = (principal: Principal): string =>
  JSON.stringify([principal.subject, [...principal.roles].sort(), principal.scopePrefix ?? null]);

/**
 * Dispatches an event to the handler for its route. The path template comes from the
 * event's route key (API Gateway matched it); the method from the request, because the
 * function also owns an `ANY` route per path so it can answer 405 with `Allow`. The roles
 * each route admits, and whether it is province-wide, come from the manifest, the one place
 * they are written. `province` is the deployment's; routes with `scope: 'province'` need it.
 */
export function routeRequest(
  specs: readonly RouteSpec[],
  handlers: RouteTable,
  cursors: CursorSealer,
  identity: PrincipalOptions = {},
  province?: string,
) {
  for (const spec of specs) {
    if (!handlers[`${spec.method} ${spec.path}`])
      throw new Error(`no handler for ${spec.method} ${spec.path}`);
    if (spec.scope === 'province' && !province)
      throw new Error(`${spec.method} ${spec.path} is province-wide: its handler needs the province`);
  }
  return async (event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<ApiResponse> => {
    const path = event.routeKey.slice(event.routeKey.indexOf(' ') + 1);
    const method = event.requestContext.http.method.toUpperCase() as HttpMethod;
    const onPath = specs.filter((s) => s.path === path);
    if (onPath.length === 0) throw routeNotFound();
    const spec = onPath.find((s) => s.method === method);
    if (!spec) throw methodNotAllowed(onPath.map((s) => s.method));
    const handler = handlers[`${spec.method} ${spec.path}`] as RouteHandler;
    const principal = spec.public ? ANONYMOUS : principalOf(event, identity);
    if (!spec.public) requireRole(principal, spec.roles);
    if (spec.scope === 'province') requireProvinceScope(principal, province as string);
    return handler({
      principal,
      route: spec,
      cursors: pageCursors(cursors, `${spec.method} ${spec.path}`, callerOf(principal)),
      event,
      pathParameters: event.pathParameters ?? {},
      query: event.queryStringParameters ?? {},
      headers: event.headers,
    });
  };
}

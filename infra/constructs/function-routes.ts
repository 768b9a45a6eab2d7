import {
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  type IHttpApi,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { PlannedRoute } from './manifest-plan';
import { acknowledge } from './nag';

/**
 * Puts a function's planned routes on the shared HTTP API. One integration per function,
 * reused by all its routes, with one API-scoped invoke permission instead of one per route:
 * a function's resource policy is capped at 20 KB, which a route-per-permission scheme
 * outgrows as routes are added.
 */
export function addFunctionRoutes(
  scope: Construct,
  name: string,
  fn: IFunction,
  routes: readonly PlannedRoute[],
  api: IHttpApi,
  authorizers: Readonly<Record<'citizen' | 'staff', IHttpRouteAuthorizer>>,
): HttpRoute[] {
  if (routes.length === 0) return [];
  const integration = new HttpLambdaIntegration(`${name}-integration`, fn, { scopePermissionToRoute: false });
  return routes.map((route) => {
    const httpRoute = new HttpRoute(scope, `Route ${route.method} ${route.path.replaceAll('/', ':')}`, {
      httpApi: api,
      routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
      integration,
      // Citizen routes trust the real-name platform's tokens only, the others the staff's.
      authorizer: route.authorizer ? authorizers[route.authorizer] : undefined,
    });
    if (!route.authorizer) {
      const why =
        route.method === 'ANY'
          ? `${route.routeKey} only lets ${name} answer 405 for methods its public routes on this path do not serve.`
          : `${route.routeKey} is declared public in the manifest of ${name}: it serves callers that hold no ` +
            'user token (e.g. certificate verification, signed partner notifications); the handler applies ' +
            'its own checks and discloses only what that route allows.';
      acknowledge(httpRoute, 'AwsSolutions-APIG4', why);
    }
    return httpRoute;
  });
}

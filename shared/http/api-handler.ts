import { randomBytes } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { RouteSpec } from '../manifest';
import { type Observability, observability } from '../observability';
import type { PrincipalOptions } from './auth';
import { cursorSealer } from './cursor';
import {
  type ApiMiddleware,
  correlationId,
  idempotencyKeyShape,
  problemJson,
  responseMetrics,
} from './middlewares';
import type { ApiResponse } from './request';
import { type RouteTable, routeRequest } from './router';

export interface ApiHandlerOptions {
  readonly service: string;
  /** The function's routes from its manifest: they name the roles each route admits. */
  readonly routes: readonly RouteSpec[];
  readonly handlers: RouteTable;
  /** Runs last before the route, e.g. `idempotentPosts(...)`. */
  readonly idempotency?: ApiMiddleware;
  readonly observability?: Observability;
  /**
   * How callers are read: functions serving citizen routes pass their person reference
   * function, so a citizen's verified resident ID becomes their reference at the edge.
   */
  readonly identity?: PrincipalOptions;
  /**
   * The `cursor-key` secret that seals page cursors. Deployed list functions load it; a
   * builder without one (a test) seals under a key made for this process only.
   */
  readonly cursorSecret?: string;
  /** The province this deployment serves; needed by routes with `scope: 'province'`. */
  readonly province?: string;
}

const processCursorSecret = randomBytes(32).toString('hex');

function toResult(response: ApiResponse): APIGatewayProxyStructuredResultV2 {
  const hasBody = response.body !== undefined;
  return {
    statusCode: response.status,
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...response.headers },
    ...(hasBody ? { body: JSON.stringify(response.body) } : {}),
  };
}

/**
 * Builds a Lambda handler for one route group: tracing, structured redacting logs with a
 * correlation id, metrics, problem+json errors, optional idempotency, then role checks
 * and dispatch to the route's handler.
 */
export function apiHandler(options: ApiHandlerOptions) {
  const { logger, metrics, tracing } = options.observability ?? observability(options.service);
  const route = routeRequest(
    options.routes,
    options.handlers,
    cursorSealer(options.cursorSecret ?? processCursorSecret),
    options.identity,
    options.province,
  );
  const handler = middy(async (event: APIGatewayProxyEventV2WithJWTAuthorizer) =>
    toResult(await route(event)),
  )
    .use(tracing)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(correlationId(logger))
    .use(responseMetrics(metrics))
    .use(problemJson(logger))
    .use(idempotencyKeyShape());
  if (options.idempotency) handler.use(options.idempotency);
  return handler;
}

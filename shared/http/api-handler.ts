import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { RouteSpec } from '../manifest';
import { type Observability, observability } from '../observability';
import { correlationId, idempotencyKeyShape, onlyWhen, problemJson, responseMetrics } from './middlewares';
import type { ApiResponse } from './request';
import { type RouteTable, routeRequest } from './router';

/**
 * The idempotency key of a request, scoped to the caller and the route so two callers'
 * keys never collide.
 */
const IDEMPOTENCY_KEY_PATH =
  '[requestContext.authorizer.jwt.claims.sub, routeKey, headers."idempotency-key"]';

/** Only a signed-in POST that carries `Idempotency-Key` is made idempotent. */
const wantsIdempotency = (event: APIGatewayProxyEventV2WithJWTAuthorizer): boolean =>
  event.requestContext.http.method === 'POST' &&
  event.headers['idempotency-key'] !== undefined &&
  typeof event.requestContext.authorizer?.jwt?.claims?.sub === 'string';

/** Replayed responses are kept this long, long enough for a phone to retry after a day offline. */
const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export interface ApiHandlerOptions {
  readonly service: string;
  /** The function's routes from its manifest: they name the roles each route admits. */
  readonly routes: readonly RouteSpec[];
  readonly handlers: RouteTable;
  /** When given, a POST with `Idempotency-Key` replays its first response. */
  readonly idempotency?: BasePersistenceLayer;
  readonly observability?: Observability;
}

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
  const { logger, metrics, tracer } = options.observability ?? observability(options.service);
  const route = routeRequest(options.routes, options.handlers);
  const handler = middy(async (event: APIGatewayProxyEventV2WithJWTAuthorizer) =>
    toResult(await route(event)),
  )
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(correlationId(logger))
    .use(responseMetrics(metrics))
    .use(problemJson(logger))
    .use(idempotencyKeyShape());
  if (options.idempotency) {
    handler.use(
      onlyWhen(
        wantsIdempotency,
        makeHandlerIdempotent({
          persistenceStore: options.idempotency,
          config: new IdempotencyConfig({
            eventKeyJmesPath: IDEMPOTENCY_KEY_PATH,
            payloadValidationJmesPath: 'body',
            expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
          }),
        }),
      ),
    );
  }
  return handler;
}

import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { type ApiMiddleware, onlyWhen } from './middlewares';

/**
 * The idempotency key of a request, scoped to the caller and the route so two callers'
 * keys never collide.
 */
const IDEMPOTENCY_KEY_PATH =
  '[requestContext.authorizer.jwt.claims.sub, routeKey, headers."idempotency-key"]';

/** Replayed responses are kept this long, long enough for a phone to retry after a day offline. */
const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** Only a signed-in POST that carries `Idempotency-Key` is made idempotent. */
const wantsIdempotency = (event: APIGatewayProxyEventV2WithJWTAuthorizer): boolean =>
  event.requestContext.http.method === 'POST' &&
  event.headers['idempotency-key'] !== undefined &&
  typeof event.requestContext.authorizer?.jwt?.claims?.sub === 'string';

/**
 * Makes POSTs that carry `Idempotency-Key` replay their first response (Powertools
 * idempotency, persisted in DynamoDB); the same key with another body is refused.
 * A separate module so read-only functions do not bundle it.
 */
export function idempotentPosts(persistenceStore: BasePersistenceLayer): ApiMiddleware {
  return onlyWhen(
    wantsIdempotency,
    makeHandlerIdempotent({
      persistenceStore,
      config: new IdempotencyConfig({
        eventKeyJmesPath: IDEMPOTENCY_KEY_PATH,
        payloadValidationJmesPath: 'body',
        expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
      }),
    }),
  );
}

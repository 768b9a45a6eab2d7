import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { negotiateLanguage } from './language';
import { HttpError, problemResponse } from './problem';

export type ApiMiddleware = MiddlewareObj<
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2
>;

const CORRELATION_ID = /^[\w.-]{1,64}$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Takes the caller's `x-correlation-id` when it is well-formed, else the gateway's request
 * id, puts it on every log line and echoes it in the response.
 */
export function correlationId(logger: Logger): ApiMiddleware {
  let current = '';
  const echo: ApiMiddleware['after'] = (request) => {
    if (request.response) {
      request.response.headers = { ...request.response.headers, 'x-correlation-id': current };
    }
  };
  return {
    before: (request) => {
      const given = request.event.headers['x-correlation-id'];
      current = given && CORRELATION_ID.test(given) ? given : request.event.requestContext.requestId;
      logger.setCorrelationId(current);
    },
    after: echo,
    // Registered before problemJson, so on errors it runs after it and sees the problem.
    onError: echo,
  };
}

/** Refuses an `Idempotency-Key` that is empty, too long or not printable ASCII. */
export function idempotencyKeyShape(): ApiMiddleware {
  return {
    before: (request) => {
      const key = request.event.headers['idempotency-key'];
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
        throw new HttpError(
          400,
          'invalid-idempotency-key',
          'Invalid Idempotency-Key',
          'Idempotency-Key must be 1 to 255 printable ASCII characters.',
        );
      }
    },
  };
}

/**
 * Applies a middleware to the requests a predicate picks, and passes others by untouched
 * (the predicate must give the same answer in every phase of one request).
 */
export function onlyWhen(
  applies: (event: APIGatewayProxyEventV2WithJWTAuthorizer) => boolean,
  middleware: ApiMiddleware,
): ApiMiddleware {
  return {
    before: (request) => (applies(request.event) ? middleware.before?.(request) : undefined),
    after: (request) => (applies(request.event) ? middleware.after?.(request) : undefined),
    onError: (request) => (applies(request.event) ? middleware.onError?.(request) : undefined),
  };
}

/** Counts answers by status class, so dashboards show error rates per function. */
export function responseMetrics(metrics: Metrics): ApiMiddleware {
  // Block bodies: a value returned from a middy hook would become the response.
  const count = (status: number | undefined): void => {
    metrics.addMetric(`Http${Math.floor((status ?? 500) / 100)}xx`, MetricUnit.Count, 1);
  };
  return {
    after: (request) => {
      count(request.response?.statusCode);
    },
    // Registered before problemJson, so on errors it runs after it and sees the problem.
    onError: (request) => {
      count(request.response?.statusCode);
    },
  };
}

/** Powertools idempotency errors, by name so GET-only bundles need not import the package. */
const IDEMPOTENCY_PROBLEMS: Record<string, HttpError> = {
  IdempotencyValidationError: new HttpError(
    422,
    'idempotency-key-reused',
    'Idempotency-Key Reused',
    'This Idempotency-Key was already used with a different request body.',
  ),
  IdempotencyAlreadyInProgressError: new HttpError(
    409,
    'idempotency-in-progress',
    'Request In Progress',
    'A request with this Idempotency-Key is still being processed; retry shortly.',
  ),
};

/**
 * Answers every error as RFC 9457 problem+json, in the language `Accept-Language` asks for
 * (Chinese by default). Client errors are logged briefly;
 * anything else is logged in full and answered as a bare 500.
 */
export function problemJson(logger: Logger): ApiMiddleware {
  return {
    onError: (request) => {
      const error = IDEMPOTENCY_PROBLEMS[(request.error as Error | undefined)?.name ?? ''] ?? request.error;
      // The one place the language of an answer is chosen.
      const language = negotiateLanguage(request.event.headers['accept-language']);
      const response = problemResponse(error, request.event.rawPath, language);
      const status = response.statusCode ?? 500;
      if (status >= 500) {
        logger.error('request failed', request.error as Error);
      } else {
        logger.info('request refused', { status, problem: (error as Error).name });
      }
      request.response = response;
    },
  };
}

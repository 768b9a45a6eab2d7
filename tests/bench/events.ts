/**
 * Sample events for benchmarks: for each function in the manifests, one event its handler
 * answers after full initialisation (dependencies built, middleware run, input validated)
 * but before any AWS call, so a cold start can be timed without AWS or emulators.
 */
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  Context,
  DynamoDBStreamEvent,
  SQSEvent,
} from 'aws-lambda';
import type { FunctionSpec, RouteSpec } from '../../shared/manifest';

/** What triggers a function, as its manifest says. */
export type Trigger = 'api' | 'sqs' | 'stream' | 'schedule' | 'operator';

/** What a handler did with a benchmark event: its answer, or the error it threw. */
export type HandlerOutcome = { ok: true; result: unknown } | { ok: false; errorName: string; error: string };

export interface BenchEvent {
  readonly trigger: Trigger;
  /** One line for reports: what is sent and what should come back. */
  readonly description: string;
  readonly event: unknown;
  /** Why the outcome is not the expected one, or undefined when it is. */
  check(outcome: HandlerOutcome): string | undefined;
}

/** The identity platforms the benchmarked functions trust (`JIAHE_*_ISSUER`). */
export const BENCH_ISSUERS = {
  citizen: 'https://citizen-id.bench',
  staff: 'https://staff-id.bench',
} as const;

/**
 * Claims of a staff member holding every role a route may ask for, scoped to Zhejiang (33),
 * issued when the benchmark starts (staff tokens are good for 15 minutes).
 */
export const BENCH_CLAIMS = {
  sub: 'bench',
  iss: BENCH_ISSUERS.staff,
  iat: String(Math.floor(Date.now() / 1000)),
  roles: '[registrar auditor payout-officer exchange-operator]',
  region: '330000',
} as const;

/** Fills every `{param}` of a route; a value no id schema accepts, so validation refuses it. */
export const INVALID_PATH_PARAM = 'not-a-ulid';

/** Methods whose requests carry a JSON body. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

const FIXED_TIME = Date.UTC(2026, 10, 1, 8, 0, 0);

/** The path parameters of an API Gateway route template, each set to `value`. */
export function pathParametersOf(path: string, value: string): Record<string, string> {
  const names = [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => m[1] as string);
  return Object.fromEntries(names.map((name) => [name, value]));
}

/**
 * An HTTP API (payload 2.0) request for a route, as API Gateway hands it over once the JWT
 * authorizer has verified the token. Path parameters are invalid ids and a body, where the
 * method takes one, is an empty object, so the route's schema refuses it with 422 before
 * the handler reads or writes a table. POSTs carry no `Idempotency-Key`, so the
 * idempotency middleware (which would read the idempotency table) stays out of the way.
 */
export function apiEvent(route: RouteSpec): APIGatewayProxyEventV2WithJWTAuthorizer {
  const pathParameters = pathParametersOf(route.path, INVALID_PATH_PARAM);
  const rawPath = route.path.replace(/\{([^}+]+)\+?\}/g, INVALID_PATH_PARAM);
  const routeKey = `${route.method} ${route.path}`;
  const hasBody = BODY_METHODS.has(route.method);
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    headers: {
      accept: 'application/json',
      host: 'api.bench.invalid',
      'user-agent': 'jiahe-bench',
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
    },
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: { claims: { ...BENCH_CLAIMS }, scopes: [] },
      },
      domainName: 'api.bench.invalid',
      domainPrefix: 'api',
      http: {
        method: route.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.1',
        userAgent: 'jiahe-bench',
      },
      requestId: 'bench-request',
      routeKey,
      stage: '$default',
      time: new Date(FIXED_TIME).toISOString(),
      timeEpoch: FIXED_TIME,
    },
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    ...(hasBody ? { body: '{}' } : {}),
    isBase64Encoded: false,
  };
}

/**
 * One SQS message whose body is JSON but no event envelope: the consumer's schema refuses
 * it before any table access. With every record of the batch failed, Powertools throws
 * `FullBatchFailureError` (so Lambda retries the batch) instead of returning the list.
 */
export function sqsEvent(queue: string): SQSEvent {
  return {
    Records: [
      {
        messageId: '00000000-0000-4000-8000-000000000001',
        receiptHandle: 'bench-receipt',
        body: JSON.stringify({ bench: 'not an event envelope' }),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(FIXED_TIME),
          SenderId: 'BENCH',
          ApproximateFirstReceiveTimestamp: String(FIXED_TIME),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue}`,
        awsRegion: 'us-east-1',
      },
    ],
  };
}

/** One REMOVE record from a table stream: publishers ignore deletions, so nothing is sent. */
export function streamRemoveEvent(table: string): DynamoDBStreamEvent {
  const keys = { pk: { S: 'PERSON#bench' }, sk: { S: 'PERSON' } };
  return {
    Records: [
      {
        eventID: 'bench-1',
        eventName: 'REMOVE',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        dynamodb: {
          ApproximateCreationDateTime: FIXED_TIME / 1000,
          Keys: keys,
          OldImage: { ...keys, entity: { S: 'Person' } },
          SequenceNumber: '100000000000000000001',
          SizeBytes: 64,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        eventSourceARN: `arn:aws:dynamodb:us-east-1:000000000000:table/${table}/stream/2026-11-01T00:00:00.000`,
      },
    ],
  };
}

/** The status code of an API answer, if the outcome is one. */
function statusOf(outcome: HandlerOutcome): number | undefined {
  if (!outcome.ok || typeof outcome.result !== 'object' || outcome.result === null) return undefined;
  const status = (outcome.result as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Number of failed records in a batch answer; undefined when the answer is not one. */
function failuresOf(outcome: HandlerOutcome): number | undefined {
  if (!outcome.ok || typeof outcome.result !== 'object' || outcome.result === null) return undefined;
  const failures = (outcome.result as { batchItemFailures?: unknown }).batchItemFailures;
  return Array.isArray(failures) ? failures.length : undefined;
}

/** A short account of an outcome for error messages. */
function describe(outcome: HandlerOutcome): string {
  return outcome.ok
    ? JSON.stringify(outcome.result).slice(0, 200)
    : `threw ${outcome.errorName}: ${outcome.error.slice(0, 200)}`;
}

/**
 * How a route refuses input it cannot use before touching a table: a malformed envelope
 * (400), an id that names nothing it knows without looking (404: a scheme code is
 * configuration), or a schema failure (422).
 */
const REFUSALS = new Set([400, 404, 422]);

/** The benchmark event for an API function: a route with input, refused by validation. */
function apiBenchEvent(route: RouteSpec): BenchEvent {
  return {
    trigger: 'api',
    description: `${route.method} ${route.path} with invalid input, expecting it refused (400, 404 or 422)`,
    event: apiEvent(route),
    check: (outcome) =>
      REFUSALS.has(statusOf(outcome) ?? 0) ? undefined : `expected 400, 404 or 422, got ${describe(outcome)}`,
  };
}

/** The benchmark event for a route with no path or body (a list): 2xx, or its query refused. */
function plainApiBenchEvent(route: RouteSpec): BenchEvent {
  return {
    trigger: 'api',
    description: `${route.method} ${route.path} without query, expecting 2xx or a refusal`,
    event: apiEvent(route),
    check: (outcome) => {
      const status = statusOf(outcome);
      // A list whose query is required refuses the empty query instead.
      return status !== undefined && ((status >= 200 && status < 300) || REFUSALS.has(status))
        ? undefined
        : `expected 2xx or a refusal, got ${describe(outcome)}`;
    },
  };
}

/** The benchmark event for a queue consumer: one malformed message. */
function sqsBenchEvent(queue: string): BenchEvent {
  return {
    trigger: 'sqs',
    description: `one malformed message on ${queue}, expecting the batch to fail`,
    event: sqsEvent(queue),
    check: (outcome) =>
      (!outcome.ok && outcome.errorName === 'FullBatchFailureError') || failuresOf(outcome) === 1
        ? undefined
        : `expected one failed record, got ${describe(outcome)}`,
  };
}

/** The benchmark event for a stream publisher: one deletion, which it skips. */
function streamBenchEvent(table: string): BenchEvent {
  return {
    trigger: 'stream',
    description: `one REMOVE record from the ${table} stream, expecting no failures`,
    event: streamRemoveEvent(table),
    check: (outcome) =>
      failuresOf(outcome) === 0 ? undefined : `expected no failures, got ${describe(outcome)}`,
  };
}

/**
 * The event a function is benchmarked with, chosen by its trigger. A scheduled function
 * gets its first schedule's payload; no shortcut avoids its AWS calls, so any answer is
 * accepted and the benchmark reports the network calls it attempted.
 */
export function benchEventFor(fn: FunctionSpec): BenchEvent {
  // A route with something to validate (a path parameter or a body); else the first route,
  // which then answers without refusing anything.
  const route = fn.routes?.find((r) => r.path.includes('{') || BODY_METHODS.has(r.method)) ?? fn.routes?.[0];
  if (route) {
    return route.path.includes('{') || BODY_METHODS.has(route.method)
      ? apiBenchEvent(route)
      : plainApiBenchEvent(route);
  }
  if (fn.queue) return sqsBenchEvent(fn.queue.queue);
  if (fn.stream) return streamBenchEvent(fn.stream.table);
  const schedule = fn.schedules?.[0];
  if (schedule) {
    return {
      trigger: 'schedule',
      description: `payload of schedule ${schedule.name} (may call AWS)`,
      event: schedule.payload,
      check: () => undefined,
    };
  }
  // No trigger at all: an operator invokes it (e.g. re-sealing after a key rotation) with its defaults.
  return {
    trigger: 'operator',
    description: 'an operator invocation with the default payload (may call AWS)',
    event: {},
    check: () => undefined,
  };
}

/** The JSON-serialisable part of a Lambda context; the child process adds the methods. */
export type ContextFields = Omit<
  Context,
  'getRemainingTimeInMillis' | 'done' | 'fail' | 'succeed' | 'identity' | 'clientContext'
>;

/** Context fields as Lambda would pass them to a function of this name and size. */
export function lambdaContextFields(name: string, memoryMb = 256): ContextFields {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: '00000000-0000-4000-8000-00000000bench',
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: '2026/11/01/[$LATEST]bench',
  };
}

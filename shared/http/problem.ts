import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  AccessDeniedError,
  ConflictError,
  DomainError,
  type FieldIssue,
  NotFoundError,
  StaleVersionError,
  ValidationError,
} from '../domain/errors';

/** RFC 9457 problem details, as every error response carries them. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly FieldIssue[];
}

/**
 * An error that is already an HTTP answer: malformed requests, missing tokens, methods
 * the route does not serve. `headers` carries e.g. `Allow` for a 405.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly errors?: readonly FieldIssue[],
  ) {
    super(detail);
    this.name = 'HttpError';
  }
}

export const malformedJson = () =>
  new HttpError(400, 'malformed-json', 'Malformed JSON', 'The request body is not valid JSON.');
export const unauthorized = (detail = 'A valid bearer token is required.') =>
  new HttpError(401, 'unauthorized', 'Unauthorized', detail, { 'www-authenticate': 'Bearer' });
export const forbidden = (detail = 'Your role does not allow this action.') =>
  new HttpError(403, 'forbidden', 'Forbidden', detail);
export const routeNotFound = () => new HttpError(404, 'not-found', 'Not Found', 'No such resource.');
export const methodNotAllowed = (allow: readonly string[]) =>
  new HttpError(
    405,
    'method-not-allowed',
    'Method Not Allowed',
    'This resource does not support that method.',
    {
      allow: allow.join(', '),
    },
  );
export const payloadTooLarge = (limit: number) =>
  new HttpError(413, 'payload-too-large', 'Payload Too Large', `The request body exceeds ${limit} bytes.`);
export const unsupportedMediaType = () =>
  new HttpError(
    415,
    'unsupported-media-type',
    'Unsupported Media Type',
    'Send the body as application/json.',
  );
export const preconditionRequired = () =>
  new HttpError(
    428,
    'precondition-required',
    'Precondition Required',
    'Send If-Match with the ETag you last read.',
  );

/** The one mapping of domain error classes to HTTP statuses. */
const DOMAIN_STATUS: ReadonlyArray<[abstract new (...args: never[]) => DomainError, number, string]> = [
  [ValidationError, 422, 'Validation Failed'],
  [NotFoundError, 404, 'Not Found'],
  [ConflictError, 409, 'Conflict'],
  [StaleVersionError, 412, 'Precondition Failed'],
  [AccessDeniedError, 403, 'Forbidden'],
];

export const PROBLEM_TYPE_BASE = 'urn:cn:gov:jiahe:problem:';

/**
 * Turns any thrown value into a problem+json response. Unknown errors become a 500 that
 * says nothing of internals; the caller logs the original.
 */
export function problemResponse(error: unknown, instance?: string): APIGatewayProxyStructuredResultV2 {
  const { problem, headers } = toProblem(error);
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify(instance ? { ...problem, instance } : problem),
  };
}

function toProblem(error: unknown): { problem: Problem; headers: Readonly<Record<string, string>> } {
  if (error instanceof HttpError) {
    const problem: Problem = {
      type: PROBLEM_TYPE_BASE + error.slug,
      title: error.title,
      status: error.status,
      detail: error.detail,
      ...(error.errors ? { errors: error.errors } : {}),
    };
    return { problem, headers: error.headers };
  }
  if (error instanceof DomainError) {
    const [, status, title] = DOMAIN_STATUS.find(([cls]) => error instanceof cls) ?? [
      DomainError,
      400,
      'Bad Request',
    ];
    const problem: Problem = {
      type: PROBLEM_TYPE_BASE + error.kind,
      title,
      status,
      detail: error.message,
      ...(error instanceof ValidationError ? { errors: error.issues } : {}),
    };
    return { problem, headers: {} };
  }
  return {
    problem: {
      type: `${PROBLEM_TYPE_BASE}internal`,
      title: 'Internal Server Error',
      status: 500,
      detail: 'The request could not be completed. It has been logged; try again later.',
    },
    headers: {},
  };
}

import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  AccessDeniedError,
  type Bilingual,
  ConflictError,
  DomainError,
  type FieldIssue,
  NotFoundError,
  StaleVersionError,
  ValidationError,
} from '../domain/errors';
import { DEFAULT_LANGUAGE, LANGUAGE_TAG, type Language } from './language';
import { localize, PROBLEM_TITLES } from './problem-text';

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
  /** The English detail; `zh` its Chinese wording when given. */
  readonly detail: string;
  readonly zh?: string;
  constructor(
    readonly status: number,
    readonly slug: string,
    /** English title, used only for a slug without one in PROBLEM_TITLES. */
    readonly title: string,
    detail: string | Bilingual,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly errors?: readonly FieldIssue[],
  ) {
    const en = typeof detail === 'string' ? detail : detail.en;
    super(en);
    this.name = 'HttpError';
    this.detail = en;
    if (typeof detail !== 'string') this.zh = detail.zh;
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
  new HttpError(413, 'payload-too-large', 'Payload Too Large', {
    en: `The request body exceeds ${limit} bytes.`,
    zh: `请求体超过 ${limit} 字节。`,
  });
/** A route's request limit is used up; `Retry-After` says when to try again, in seconds. */
export const tooManyRequests = (retryAfterSeconds: number) =>
  new HttpError(
    429,
    'too-many-requests',
    'Too Many Requests',
    {
      en: `This route is receiving more requests than it accepts. Try again in ${retryAfterSeconds} s.`,
      zh: `该接口请求过多，请 ${retryAfterSeconds} 秒后重试。`,
    },
    { 'retry-after': String(retryAfterSeconds) },
  );
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
 * Turns any thrown value into a problem+json response in the caller's language (titles,
 * details and field messages; `type` and field paths never change). Unknown errors become
 * a 500 that says nothing of internals; the caller logs the original.
 */
export function problemResponse(
  error: unknown,
  instance?: string,
  language: Language = DEFAULT_LANGUAGE,
): APIGatewayProxyStructuredResultV2 {
  const { problem, headers } = toProblem(error, language);
  return {
    statusCode: problem.status,
    headers: {
      'content-type': 'application/problem+json',
      'content-language': LANGUAGE_TAG[language],
      vary: 'accept-language',
      ...headers,
    },
    body: JSON.stringify(instance ? { ...problem, instance } : problem),
  };
}

const titleOf = (slug: string, fallback: string, language: Language): string =>
  PROBLEM_TITLES[slug]?.[language] ?? fallback;

const localizeIssues = (issues: readonly FieldIssue[], language: Language): FieldIssue[] =>
  issues.map(({ zh, ...issue }) => ({ ...issue, message: localize(issue.message, zh, language) }));

function toProblem(
  error: unknown,
  language: Language,
): { problem: Problem; headers: Readonly<Record<string, string>> } {
  if (error instanceof HttpError) {
    const problem: Problem = {
      type: PROBLEM_TYPE_BASE + error.slug,
      title: titleOf(error.slug, error.title, language),
      status: error.status,
      detail: localize(error.detail, error.zh, language),
      ...(error.errors ? { errors: localizeIssues(error.errors, language) } : {}),
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
      title: titleOf(error.kind, title, language),
      status,
      detail: localize(error.message, error.zh, language),
      ...(error instanceof ValidationError ? { errors: localizeIssues(error.issues, language) } : {}),
    };
    return { problem, headers: {} };
  }
  return {
    problem: {
      type: `${PROBLEM_TYPE_BASE}internal`,
      title: titleOf('internal', 'Internal Server Error', language),
      status: 500,
      detail: localize(
        'The request could not be completed. It has been logged; try again later.',
        undefined,
        language,
      ),
    },
    headers: {},
  };
}

import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type * as z from 'zod';
// Only the Chinese locale: the whole locale set would add to every bundle.
import zhCN from 'zod/v4/locales/zh-CN.js';
import { StaleVersionError, ValidationError } from '../domain/errors';
import type { RouteSpec } from '../manifest';
import type { Principal } from './auth';
import type { PageCursors } from './cursor';
import { malformedJson, payloadTooLarge, preconditionRequired, unsupportedMediaType } from './problem';

/** Bodies larger than this are refused before parsing (API Gateway allows 10 MB). */
export const MAX_BODY_BYTES = 64 * 1024;

/** What a route handler receives: the verified caller and the raw request parts. */
export interface ApiRequest {
  readonly principal: Principal;
  /** The route as the manifest describes it (path template and the roles it admits). */
  readonly route: RouteSpec;
  /** Seals and opens page cursors bound to this route and this caller. */
  readonly cursors: PageCursors;
  readonly event: APIGatewayProxyEventV2WithJWTAuthorizer;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** What a route handler answers; the stack serialises it. */
export interface ApiResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

const zhErrors = zhCN().localeError;
const WHERE_ZH: Readonly<Record<string, string>> = { body: '请求体', query: '查询参数', path: '路径参数' };

/**
 * Converts zod issues into field paths a client can act on. `zhError` is the same failure
 * parsed with zod's Chinese messages: where its message differs, it is zod's own wording
 * and becomes the issue's Chinese text (messages written in a schema are the same in both
 * and are translated when the answer is written, shared/http/problem-text.ts).
 */
export function toValidationError(error: z.ZodError, where: string, zhError?: z.ZodError): ValidationError {
  const issues = error.issues.map((issue, i) => {
    const zh = zhError?.issues[i]?.message;
    return {
      field: [where, ...issue.path.map(String)].join('.'),
      message: issue.message,
      ...(zh && zh !== issue.message ? { zh } : {}),
    };
  });
  return new ValidationError(
    {
      en: `The ${where} has ${issues.length} invalid field(s).`,
      zh: `${WHERE_ZH[where] ?? where}中有 ${issues.length} 个字段无效。`,
    },
    issues,
  );
}

/** Validates a value with a schema, naming each bad field under `where` on failure. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // Only failures pay for the second parse that words zod's own messages in Chinese.
  const zh = schema.safeParse(value, { error: zhErrors });
  throw toValidationError(result.error, where, zh.success ? undefined : zh.error);
}

/**
 * Reads and validates a JSON body: 415 unless the content type is JSON, 413 past the
 * size limit, 400 when it does not parse, 422 naming each field the schema rejects.
 */
export function parseJsonBody<T extends z.ZodType>(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  schema: T,
): z.infer<T> {
  const contentType = event.headers['content-type'] ?? '';
  if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType)) throw unsupportedMediaType();
  const raw = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) throw payloadTooLarge(MAX_BODY_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw malformedJson();
  }
  return parseWith(schema, json, 'body');
}

/** A JSON answer with a status and, optionally, headers (ETag, Location). */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, body, headers };
}

/** The ETag of a record version: a strong validator on the version number. */
export const etagOf = (version: number): string => `"${version}"`;

/**
 * Requires `If-Match` with the ETag the caller last read: 428 when it is missing, 412
 * when the record has changed since (lost updates are refused, not merged).
 */
export function requireIfMatch(
  headers: Readonly<Record<string, string | undefined>>,
  currentVersion: number,
): void {
  const given = headers['if-match'];
  if (!given) throw preconditionRequired();
  const tags = given.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!tags.includes(etagOf(currentVersion)) && !tags.includes('*')) {
    throw new StaleVersionError('The record has changed since you read it; read it again and retry.');
  }
}

import * as z from 'zod';
import type { AreaManifest, FunctionSpec, RouteSpec } from '../manifest';
import type { ApiDescription, ResponseDescription, RouteDescription } from './api-description';
import { PROBLEM_TITLES } from './problem-text';
import { MAX_BODY_BYTES } from './request';

type Json = Record<string, unknown>;

export interface OpenApiInput {
  readonly title: string;
  readonly version: string;
  readonly description: string;
  readonly manifests: readonly AreaManifest[];
  readonly descriptions: Readonly<Record<string, ApiDescription>>;
}

/** The JSON Schema of a zod schema as OpenAPI 3.1 embeds it (no `$schema`). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as Json;
  return rest;
}

/** Properties of an object schema, or of every branch of a union (required only if in all). */
function objectProperties(schema: Json): { properties: Record<string, Json>; required: Set<string> } {
  const branches = (schema.anyOf ?? schema.oneOf ?? [schema]) as Json[];
  const properties: Record<string, Json> = {};
  let required: Set<string> | undefined;
  for (const branch of branches) {
    Object.assign(properties, (branch.properties ?? {}) as Record<string, Json>);
    const own = new Set((branch.required ?? []) as string[]);
    required = required ? new Set([...required].filter((k) => own.has(k))) : own;
  }
  return { properties, required: required ?? new Set() };
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const { properties, required } = objectProperties(jsonSchema(schema, 'input'));
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

const problemRef = (name: string) => ({ $ref: `#/components/responses/${name}` });

/** Problem statuses every route of a kind can give, named as components.responses. */
const PROBLEMS: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  412: 'PreconditionFailed',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'ValidationFailed',
  428: 'PreconditionRequired',
  500: 'InternalError',
};

function problemStatuses(route: RouteSpec, d: RouteDescription): number[] {
  const statuses = [
    500,
    ...(d.problems ?? []),
    ...(route.public ? [] : [401, 403]),
    ...(d.params || d.query || d.body ? [422] : []),
    ...(d.params ? [404] : []),
    ...(d.body ? [400, 413, 415] : []),
    ...(d.paginated ? [400] : []),
    ...(d.ifMatch ? [412] : []),
    ...(d.ifMatch === 'required' ? [428] : []),
  ];
  return [...new Set(statuses)].sort((a, b) => a - b);
}

function successResponse(r: ResponseDescription): Json {
  const headers: Json = {};
  for (const h of r.headers ?? []) {
    headers[h === 'etag' ? 'ETag' : 'Location'] = {
      $ref: `#/components/headers/${h === 'etag' ? 'ETag' : 'Location'}`,
    };
  }
  return {
    description: r.description,
    ...(Object.keys(headers).length ? { headers } : {}),
    ...(r.schema
      ? {
          content: {
            [r.contentType ?? 'application/json']: {
              schema: jsonSchema(r.schema, 'output'),
              ...(r.example !== undefined ? { example: r.example } : {}),
            },
          },
        }
      : {}),
  };
}

function operation(area: string, fn: FunctionSpec, route: RouteSpec, d: RouteDescription): Json {
  const idempotent =
    route.method === 'POST' && !route.public && fn.tables.some((t) => t.table === 'idempotency');
  const roles = route.public ? 'Public: no token needed.' : `Roles: ${route.roles.join(', ')}.`;
  const paging = d.paginated
    ? ' Paginated: pass the returned next cursor back as `cursor` for the following page.'
    : '';
  const responses: Json = {};
  for (const [status, r] of Object.entries(d.responses)) responses[status] = successResponse(r);
  for (const status of problemStatuses(route, d))
    responses[String(status)] = problemRef(PROBLEMS[status] ?? 'InternalError');
  return {
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    tags: [area],
    summary: d.summary,
    description: `${d.description ? `${d.description}\n\n` : ''}${roles}${paging}`,
    'x-roles': route.roles,
    ...(route.public ? { security: [] } : {}),
    parameters: [
      ...parameters(d.params, 'path'),
      ...parameters(d.query, 'query'),
      { $ref: '#/components/parameters/AcceptLanguage' },
      { $ref: '#/components/parameters/CorrelationId' },
      ...(idempotent ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
      ...(d.ifMatch === 'required' ? [{ $ref: '#/components/parameters/IfMatch' }] : []),
      ...(d.ifMatch === 'optional' ? [{ $ref: '#/components/parameters/IfMatchOptional' }] : []),
    ],
    ...(d.body
      ? {
          requestBody: {
            required: true,
            content: {
              [d.bodyContentType ?? 'application/json']: {
                schema: jsonSchema(d.body, 'input'),
                ...(d.bodyExample !== undefined ? { example: d.bodyExample } : {}),
              },
            },
          },
        }
      : {}),
    responses,
  };
}

const FieldIssueSchema = {
  type: 'object',
  required: ['field', 'message'],
  properties: {
    field: { type: 'string', description: 'Where the field is: `body.`, `path.` or `query.` and its path.' },
    message: { type: 'string', description: 'What is wrong, in the language of the answer.' },
    code: { type: 'string', description: 'A stable code for rule-based findings, e.g. `RID_CHECKSUM`.' },
  },
};

const ProblemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details. `title` and `detail` follow Accept-Language (zh-CN by default).',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', description: 'Stable per error kind: `urn:cn:gov:jiahe:problem:<kind>`.' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'The request path.' },
    errors: { type: 'array', items: { $ref: '#/components/schemas/FieldIssue' } },
  },
};

function problemResponse(description: string, kinds: string[], example: Json): Json {
  return {
    description: `${description} Problem types: ${kinds.map((k) => `\`${k}\``).join(', ')}.`,
    headers: { 'Content-Language': { $ref: '#/components/headers/ContentLanguage' } },
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' }, example } },
  };
}

/** An example problem answer, titled as the API titles it by default (Chinese). */
const problem = (kind: string, status: number, detail: string, extra: Json = {}) => ({
  type: `urn:cn:gov:jiahe:problem:${kind}`,
  title: PROBLEM_TITLES[kind]?.zh ?? kind,
  status,
  detail,
  ...extra,
});

const components = {
  securitySchemes: {
    bearerAuth: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'An ID token from one of the province’s two OIDC platforms (locally from `POST /dev/token`). Routes under `/v1/me` take citizen tokens from the real-name platform, which carry the verified `resident_id`; every other route takes staff tokens from the staff identity provider, with `roles` and `region` (at most 15 minutes old). A missing or invalid token, or one from the other platform, is refused by the gateway with 401 `{"message":"Unauthorized"}`. See docs/api-conventions.md, Identity.',
    },
  },
  parameters: {
    AcceptLanguage: {
      name: 'Accept-Language',
      in: 'header',
      required: false,
      description: 'Language of problem titles, details and field messages: Chinese (default) or English.',
      schema: { type: 'string', examples: ['zh-CN', 'en'] },
    },
    CorrelationId: {
      name: 'X-Correlation-Id',
      in: 'header',
      required: false,
      description: 'Follows the request through the logs; echoed in the response.',
      schema: { type: 'string', pattern: '^[\\w.-]{1,64}$' },
    },
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes a retry safe: the first answer is replayed for 24 hours for the same caller, route and key; the same key with another body is a 422.',
      schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
    },
    IfMatch: {
      name: 'If-Match',
      in: 'header',
      required: true,
      description: 'The ETag of the version last read; a stale one is refused with 412, none with 428.',
      schema: { type: 'string', examples: ['"3"'] },
    },
    IfMatchOptional: {
      name: 'If-Match',
      in: 'header',
      required: false,
      description: 'The ETag of the version last read; when sent, a stale one is refused with 412.',
      schema: { type: 'string', examples: ['"3"'] },
    },
  },
  headers: {
    ETag: {
      description: 'The record version, `"<version>"`; send it back as If-Match.',
      schema: { type: 'string' },
    },
    Location: { description: 'Where the created resource is.', schema: { type: 'string' } },
    ContentLanguage: { description: '`zh-CN` or `en`.', schema: { type: 'string' } },
  },
  schemas: { Problem: ProblemSchema, FieldIssue: FieldIssueSchema },
  responses: {
    BadRequest: problemResponse(
      'The request could not be read.',
      ['malformed-json', 'invalid-idempotency-key', 'invalid-cursor'],
      problem('malformed-json', 400, '请求体不是有效的 JSON。'),
    ),
    Unauthorized: problemResponse(
      'No verified caller.',
      ['unauthorized'],
      problem('unauthorized', 401, '需要有效的 Bearer 令牌。'),
    ),
    Forbidden: problemResponse(
      'The role does not admit this route, or the record lies outside the caller’s region.',
      ['forbidden', 'access-denied'],
      problem('forbidden', 403, '您的角色不能执行此操作。'),
    ),
    NotFound: problemResponse('No such record.', ['not-found'], problem('not-found', 404, 'No such person.')),
    Conflict: problemResponse(
      'The request conflicts with the current state (a duplicate, a finished case) or its Idempotency-Key is still running.',
      ['conflict', 'idempotency-in-progress'],
      problem('conflict', 409, 'A person with this resident ID is already recorded.'),
    ),
    PreconditionFailed: problemResponse(
      'If-Match does not match the current version: read again and retry.',
      ['stale-version'],
      problem('stale-version', 412, '记录在您读取后已被修改，请重新读取后重试。'),
    ),
    PayloadTooLarge: problemResponse(
      `The body exceeds ${MAX_BODY_BYTES} bytes.`,
      ['payload-too-large'],
      problem('payload-too-large', 413, `请求体超过 ${MAX_BODY_BYTES} 字节。`),
    ),
    UnsupportedMediaType: problemResponse(
      'The body is not JSON.',
      ['unsupported-media-type'],
      problem('unsupported-media-type', 415, '请以 application/json 格式发送请求体。'),
    ),
    ValidationFailed: problemResponse(
      'Fields are invalid, each named in `errors`; nothing was changed. Also an Idempotency-Key reused with another body.',
      ['validation', 'idempotency-key-reused'],
      problem('validation', 422, '请求体中有 1 个字段无效。', {
        errors: [{ field: 'body.hukouRegion', message: '不是现行的行政区划代码' }],
        instance: '/v1/persons',
      }),
    ),
    PreconditionRequired: problemResponse(
      'If-Match is missing.',
      ['precondition-required'],
      problem('precondition-required', 428, '请在 If-Match 中携带您上次读取到的 ETag。'),
    ),
    InternalError: problemResponse(
      'Something unexpected; nothing internal is disclosed and the full detail is logged.',
      ['internal'],
      problem('internal', 500, '请求未能完成，已记录日志，请稍后重试。'),
    ),
  },
};

/**
 * Builds the OpenAPI 3.1 document of every route of the manifests from the areas' route
 * descriptions. Throws when a route has no description or a description no route, so the
 * document is complete or not built at all.
 */
export function buildOpenApi(input: OpenApiInput): Json {
  const paths: Record<string, Json> = {};
  for (const manifest of input.manifests) {
    const described = input.descriptions[manifest.area] ?? {};
    const served = new Set<string>();
    for (const fn of manifest.functions) {
      for (const route of fn.routes ?? []) {
        const key = `${route.method} ${route.path}`;
        served.add(key);
        const d = described[key];
        if (!d) throw new Error(`${manifest.area}: no description for ${key}`);
        paths[route.path] = {
          ...paths[route.path],
          [route.method.toLowerCase()]: operation(manifest.area, fn, route, d),
        };
      }
    }
    for (const key of Object.keys(described)) {
      if (!served.has(key)) throw new Error(`${manifest.area}: ${key} is described but not in the manifest`);
    }
  }
  return {
    openapi: '3.1.1',
    info: { title: input.title, version: input.version, description: input.description },
    servers: [{ url: '/', description: 'This province’s API' }],
    tags: input.manifests.map((m) => ({ name: m.area })),
    security: [{ bearerAuth: [] }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    components,
  };
}

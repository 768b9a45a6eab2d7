import fc from 'fast-check';
import type { RouteSpec } from '../../shared/manifest';

/** One hostile request: the parts a caller controls. */
export interface FuzzRequest {
  readonly kind: string;
  readonly pathParameters: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly base64?: boolean;
}

const ULID = '01J00000000000000000000000';

/** Ids a caller may put in a path: traversal, encodings, control characters, lengths. */
const hostileId = fc.oneof(
  fc.constantFrom(
    '../../../etc/passwd',
    '..%2f..%2fregistry',
    '%2e%2e%2f',
    `${ULID}/../${ULID}`,
    '..\\..\\windows',
    'null',
    '__proto__',
    'constructor',
    ' ',
    '0',
    '-1',
    '1.5',
    '\u0000',
    '%00',
    ULID.toLowerCase(),
    `${ULID}${ULID}`,
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ minLength: 300, maxLength: 2000 }),
);

/** Money as it must never be accepted: negative, fractional, huge, or not a number. */
const badMoney = fc.constantFrom(
  -1,
  -100,
  0.5,
  1.25,
  -0.01,
  1e21,
  Number.MAX_SAFE_INTEGER + 2,
  '100',
  null,
  true,
);

/** A value nested `depth` levels deep, in arrays or objects. */
const deep = (depth: number, inObjects: boolean): string =>
  inObjects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}1${']'.repeat(depth)}`;

/** Bodies past the schema: wrong types, big, deep, unexpected, unparseable, not UTF-8. */
const hostileBody: fc.Arbitrary<Pick<FuzzRequest, 'kind' | 'body' | 'base64' | 'headers'>> = fc.oneof(
  fc.jsonValue().map((v) => ({ kind: 'wrong-types', body: JSON.stringify(v) ?? 'null', headers: {} })),
  fc
    .dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 8 })
    .map((v) => ({ kind: 'unexpected-fields', body: JSON.stringify(v), headers: {} })),
  fc
    .record({
      key: fc.constantFrom('__proto__', 'constructor', 'prototype'),
      value: fc.jsonValue({ maxDepth: 1 }),
    })
    .map(({ key, value }) => ({
      kind: 'prototype-keys',
      body: `{"${key}":${JSON.stringify(value) ?? 'null'},"name":"x"}`,
      headers: {},
    })),
  fc
    .record({
      field: fc.constantFrom('amountFen', 'fen', 'controlSumFen', 'monthlyFen', 'amount'),
      value: badMoney,
    })
    .map(({ field, value }) => ({
      kind: 'bad-money',
      body: JSON.stringify({ [field]: value }),
      headers: {},
    })),
  fc.integer({ min: 10_000, max: 60_000 }).map((n) => ({
    kind: 'huge-string',
    body: JSON.stringify({ name: '名'.repeat(n / 3), reason: 'x'.repeat(n) }),
    headers: {},
  })),
  fc.integer({ min: 65 * 1024, max: 300 * 1024 }).map((n) => ({
    kind: 'oversized',
    body: JSON.stringify({ padding: 'x'.repeat(n) }),
    headers: {},
  })),
  fc
    .record({ depth: fc.integer({ min: 500, max: 20_000 }), inObjects: fc.boolean() })
    .map(({ depth, inObjects }) => ({
      kind: 'deep-nesting',
      body: deep(depth, inObjects),
      headers: {},
    })),
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => ({
    kind: 'invalid-utf8',
    // Lone continuation and overlong bytes, so the body is not valid UTF-8.
    body: Buffer.from([0xff, 0xc0, 0x80, ...bytes, 0xed, 0xa0, 0x80]).toString('base64'),
    base64: true,
    headers: {},
  })),
  fc.string({ maxLength: 200 }).map((s) => ({ kind: 'malformed-json', body: `{${s}`, headers: {} })),
  fc.jsonValue().map((v) => ({
    kind: 'no-content-type',
    body: JSON.stringify(v) ?? '{}',
    headers: { 'content-type': '' },
  })),
  fc
    .constantFrom('text/plain', 'application/xml', 'multipart/form-data', 'application/x-www-form-urlencoded')
    .map((type) => ({ kind: 'wrong-content-type', body: '{}', headers: { 'content-type': type } })),
);

/** Headers a caller controls that the API reads. */
const hostileHeaders = fc.record(
  {
    'if-match': fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('*', '"1"', 'W/"0"', '"-1"')),
    'idempotency-key': fc.oneof(fc.string({ maxLength: 300 }), fc.constant('')),
    'x-correlation-id': fc.string({ maxLength: 100 }),
  },
  { requiredKeys: [] },
);

/** Query strings: wrong types, negative limits, forged cursors, injection-looking text. */
const hostileQuery = fc.dictionary(
  fc.constantFrom(
    'limit',
    'cursor',
    'status',
    'region',
    'period',
    'scheme',
    'name',
    'residentId',
    'from',
    'to',
    'q',
    'code',
  ),
  fc.oneof(
    fc.string({ maxLength: 50 }),
    fc.constantFrom('-1', '0', '1.5', '1e9', 'NaN', "' OR 1=1 --", '{"$gt":""}', 'eyJhbGciOiJub25lIn0.e30.'),
  ),
  { maxKeys: 4 },
);

/** Hostile requests for one route: its path ids, query, headers and (for writes) body. */
export function hostileRequest(route: RouteSpec): fc.Arbitrary<FuzzRequest> {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const params = fc
    .tuple(...names.map(() => fc.oneof(hostileId, fc.constant(ULID))))
    .map((values) => Object.fromEntries(names.map((n, i) => [n, values[i] as string])));
  const reads = route.method === 'GET';
  return fc
    .record({
      params,
      query: hostileQuery,
      headers: hostileHeaders,
      body: reads ? fc.constant(undefined) : hostileBody,
    })
    .map(({ params, query, headers, body }) => ({
      kind: body?.kind ?? (names.length > 0 ? 'hostile-ids' : 'hostile-query'),
      pathParameters: params,
      query,
      headers: { 'content-type': 'application/json', ...headers, ...(body?.headers ?? {}) },
      ...(body ? { body: body.body } : {}),
      ...(body?.base64 ? { base64: true } : {}),
    }));
}

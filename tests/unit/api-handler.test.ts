import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ConflictError, NotFoundError } from '../../shared/domain/errors';
import { apiHandler } from '../../shared/http/api-handler';
import { json, parseJsonBody } from '../../shared/http/request';
import type { RouteSpec } from '../../shared/manifest';
import { apiEvent, staffClaims } from '../support/api-event';
import { context, parsed, quietObservability } from '../support/lambda';

const routes: RouteSpec[] = [
  { method: 'POST', path: '/things', roles: ['registrar'] },
  { method: 'GET', path: '/things/{id}', roles: ['registrar', 'auditor'] },
  { method: 'GET', path: '/public', roles: [], public: true },
];

const Thing = z.strictObject({ name: z.string().min(1), count: z.number().int().nonnegative() });
const written: unknown[] = [];

const handler = apiHandler({
  service: 'test',
  routes,
  observability: quietObservability(),
  handlers: {
    'POST /things': async ({ event }) => {
      const thing = parseJsonBody(event, Thing);
      written.push(thing);
      return json(201, thing);
    },
    'GET /things/{id}': async ({ pathParameters }) => {
      if (pathParameters.id === 'missing') throw new NotFoundError('No such thing.');
      if (pathParameters.id === 'taken') throw new ConflictError('Already taken.');
      if (pathParameters.id === 'boom') throw new Error('db password=hunter2 at 10.0.0.1');
      return json(200, { id: pathParameters.id });
    },
    'GET /public': async () => json(200, { ok: true }),
  },
});

const registrar = staffClaims('r-1', ['registrar'], '330100');
const call = async (input: Parameters<typeof apiEvent>[0]) =>
  parsed(await handler(apiEvent(input), context()));
const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  call({ method: 'POST', route: '/things', body, headers, claims: registrar });

describe('apiHandler', () => {
  it('answers a valid request through the route handler', async () => {
    const res = await post('{"name":"a","count":1}');
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual({ name: 'a', count: 1 });
  });

  it('names every bad field in a 422 problem and runs nothing', async () => {
    const before = written.length;
    const res = await post('{"name":"","count":-1.5,"extra":true}');
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.body.type).toBe('urn:cn:gov:jiahe:problem:validation');
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.name', 'body.count', 'body']));
    expect(written.length).toBe(before);
  });

  it('refuses malformed JSON with 400, other media types with 415, huge bodies with 413', async () => {
    expect((await post('{"name":')).status).toBe(400);
    expect((await post('name=a', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await post('{}', {})).status).toBe(415);
    const huge = JSON.stringify({ name: 'x'.repeat(70_000), count: 1 });
    const res = await post(huge);
    expect(res.status).toBe(413);
    expect(res.body.title).toBe('请求体过大');
    expect(res.headers['content-language']).toBe('zh-CN');
  });

  it('accepts JSON with a charset and +json media types', async () => {
    expect(
      (await post('{"name":"a","count":1}', { 'content-type': 'application/json; charset=utf-8' })).status,
    ).toBe(201);
    expect(
      (await post('{"name":"a","count":1}', { 'content-type': 'application/merge-patch+json' })).status,
    ).toBe(201);
  });

  it('answers 401 without verified claims and 403 for a role the route does not admit', async () => {
    const anonymous = await call({
      method: 'POST',
      route: '/things',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    const auditor = await call({
      method: 'POST',
      route: '/things',
      body: '{"name":"a","count":1}',
      headers: { 'content-type': 'application/json', 'accept-language': 'en-GB,en;q=0.9' },
      claims: staffClaims('a-1', ['auditor'], '330000'),
    });
    expect(auditor.status).toBe(403);
    expect(auditor.body).toEqual({
      type: 'urn:cn:gov:jiahe:problem:forbidden',
      title: 'Forbidden',
      status: 403,
      detail: 'Your role does not allow this action.',
      instance: '/things',
    });
  });

  it('serves public routes without claims', async () => {
    expect((await call({ method: 'GET', route: '/public' })).status).toBe(200);
  });

  it('answers 405 with Allow for a method the path does not serve', async () => {
    const res = await call({ method: 'DELETE', route: '/things', viaAnyRoute: true, claims: registrar });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
  });

  it('maps domain errors to 404 and 409', async () => {
    const get = (id: string) =>
      call({
        method: 'GET',
        route: '/things/{id}',
        path: `/things/${id}`,
        pathParameters: { id },
        claims: registrar,
      });
    expect((await get('missing')).status).toBe(404);
    expect((await get('taken')).status).toBe(409);
  });

  it('hides internals of unexpected errors behind a bare 500', async () => {
    const res = await call({
      method: 'GET',
      route: '/things/{id}',
      pathParameters: { id: 'boom' },
      claims: registrar,
    });
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toMatch(/hunter2|10\.0\.0\.1|password/);
    expect(res.body.type).toBe('urn:cn:gov:jiahe:problem:internal');
  });

  it('echoes a well-formed correlation id and replaces a malformed one', async () => {
    const given = await call({ method: 'GET', route: '/public', headers: { 'x-correlation-id': 'abc-123' } });
    expect(given.headers['x-correlation-id']).toBe('abc-123');
    const bad = await call({ method: 'GET', route: '/public', headers: { 'x-correlation-id': 'a b\nc' } });
    expect(bad.headers['x-correlation-id']).not.toBe('a b\nc');
    expect(bad.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('carries the correlation id on problems too', async () => {
    const res = await call({ method: 'POST', route: '/things', headers: { 'x-correlation-id': 'corr-1' } });
    expect(res.status).toBe(401);
    expect(res.headers['x-correlation-id']).toBe('corr-1');
  });

  it('refuses a malformed Idempotency-Key', async () => {
    const res = await post('{"name":"a","count":1}', {
      'content-type': 'application/json',
      'idempotency-key': 'ünïcode',
    });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('urn:cn:gov:jiahe:problem:invalid-idempotency-key');
  });

  it('refuses to build when a manifest route has no handler', () => {
    expect(() =>
      apiHandler({ service: 't', routes: [{ method: 'GET', path: '/x', roles: ['auditor'] }], handlers: {} }),
    ).toThrow(/no handler for GET \/x/);
  });
});

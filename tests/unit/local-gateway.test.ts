import { describe, expect, it } from 'vitest';
import { manifests } from '../../functions/manifests';
import { flattenClaims } from '../../local/gateway/api-event';
import { compileRoutes, matchRoute } from '../../local/gateway/routes';
import type { AreaManifest, FunctionSpec, RouteSpec } from '../../shared/manifest';

const fn = (name: string, routes: RouteSpec[]): FunctionSpec => ({
  name,
  description: name,
  entry: `functions/test/${name}.ts`,
  memoryMb: 128,
  timeoutSeconds: 3,
  routes,
  tables: [],
  sends: [],
});

const area = (...functions: FunctionSpec[]): AreaManifest => ({
  area: 'registry',
  table: { stream: false, indexes: [] },
  queues: [],
  functions,
});

describe('matchRoute on the real manifests', () => {
  const paths = compileRoutes(manifests);

  it('routes an exact method to its route with decoded path parameters', () => {
    const match = matchRoute(paths, 'GET', '/v1/persons/01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(match.kind).toBe('route');
    if (match.kind !== 'route') return;
    expect(match.routeKey).toBe('GET /v1/persons/{personId}');
    expect(match.pathParameters).toEqual({ personId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
    expect(match.fn.name).toBe('registry-persons-api');
    expect(match.route).toMatchObject({ method: 'GET', path: '/v1/persons/{personId}' });
  });

  it('decodes percent-encoded path parameters, slashes included', () => {
    const match = matchRoute(paths, 'GET', '/v1/persons/a%20b%2Fc%E5%AE%B6');
    expect(match.kind).toBe('route');
    if (match.kind !== 'route') return;
    expect(match.pathParameters).toEqual({ personId: 'a b/c家' });
  });

  it('routes a path without parameters', () => {
    const match = matchRoute(paths, 'POST', '/v1/persons');
    expect(match).toMatchObject({ kind: 'route', routeKey: 'POST /v1/persons', pathParameters: {} });
  });

  it('routes other areas to their own functions', () => {
    const match = matchRoute(paths, 'GET', '/v1/person-facts/p-1');
    expect(match.kind).toBe('route');
    if (match.kind !== 'route') return;
    expect(match.fn.name).toBe('payout-person-facts-api');
    expect(match.routeKey).toBe('GET /v1/person-facts/{personId}');
  });

  it("hands another method on a known path to the function's ANY route", () => {
    const match = matchRoute(paths, 'DELETE', '/v1/persons/p-1');
    expect(match).toMatchObject({
      kind: 'any',
      routeKey: 'ANY /v1/persons/{personId}',
      pathParameters: { personId: 'p-1' },
      isPublic: false,
    });
    if (match.kind !== 'any') return;
    expect(match.fn.name).toBe('registry-persons-api');
    expect(matchRoute(paths, 'DELETE', '/v1/persons')).toMatchObject({
      kind: 'any',
      routeKey: 'ANY /v1/persons',
    });
  });

  it.each([
    '/v1/people',
    '/v1/persons/',
    '/v1/persons/a/b',
    '/registry/v2/persons',
    '/Registry/v1/persons',
    '/v1/persons.json',
    '/',
  ])('answers none for the unknown path %s', (path) => {
    expect(matchRoute(paths, 'GET', path)).toEqual({ kind: 'none' });
  });
});

describe('compileRoutes', () => {
  it('refuses a path served by two functions', () => {
    const manifest = area(
      fn('one', [{ method: 'GET', path: '/shared', roles: ['registrar'] }]),
      fn('two', [{ method: 'POST', path: '/shared', roles: ['registrar'] }]),
    );
    expect(() => compileRoutes([manifest])).toThrow(/\/shared served by two functions/);
  });

  it('refuses a path served by functions of two areas', () => {
    const first = area(fn('one', [{ method: 'GET', path: '/shared', roles: ['registrar'] }]));
    const second = area(fn('two', [{ method: 'GET', path: '/shared', roles: ['auditor'] }]));
    expect(() => compileRoutes([first, second])).toThrow(/served by two functions/);
  });

  it('groups several methods of one function on one path', () => {
    const manifest = area(
      fn('things', [
        { method: 'GET', path: '/things/{id}', roles: ['registrar'] },
        { method: 'PUT', path: '/things/{id}', roles: ['registrar'] },
      ]),
    );
    const paths = compileRoutes([manifest]);
    expect(paths).toHaveLength(1);
    expect(paths[0]?.params).toEqual(['id']);
    expect(paths[0]?.routes.map((r) => r.method)).toEqual(['GET', 'PUT']);
    expect(matchRoute(paths, 'PUT', '/things/7')).toMatchObject({
      kind: 'route',
      routeKey: 'PUT /things/{id}',
    });
    expect(matchRoute(paths, 'PATCH', '/things/7')).toMatchObject({
      kind: 'any',
      routeKey: 'ANY /things/{id}',
    });
  });

  it('prefers the most specific path', () => {
    const paths = compileRoutes([
      area(
        fn('by-id', [{ method: 'GET', path: '/things/{id}', roles: ['registrar'] }]),
        fn('mine', [{ method: 'GET', path: '/things/mine', roles: ['citizen'] }]),
      ),
    ]);
    const mine = matchRoute(paths, 'GET', '/things/mine');
    expect(mine).toMatchObject({ kind: 'route', routeKey: 'GET /things/mine', pathParameters: {} });
    if (mine.kind === 'route') expect(mine.fn.name).toBe('mine');
    expect(matchRoute(paths, 'GET', '/things/other')).toMatchObject({
      kind: 'route',
      routeKey: 'GET /things/{id}',
      pathParameters: { id: 'other' },
    });
  });

  it('lets a greedy parameter span segments', () => {
    const paths = compileRoutes([
      area(fn('files', [{ method: 'GET', path: '/files/{key+}', roles: ['auditor'] }])),
    ]);
    expect(matchRoute(paths, 'GET', '/files/a/b/c.txt')).toMatchObject({
      kind: 'route',
      routeKey: 'GET /files/{key+}',
      pathParameters: { key: 'a/b/c.txt' },
    });
  });

  it('treats literal path characters literally', () => {
    const paths = compileRoutes([area(fn('dot', [{ method: 'GET', path: '/v1.0/status', roles: [] }]))]);
    expect(matchRoute(paths, 'GET', '/v1.0/status').kind).toBe('route');
    expect(matchRoute(paths, 'GET', '/v1x0/status')).toEqual({ kind: 'none' });
  });

  it('marks the ANY route public only when every route of the path is public', () => {
    const paths = compileRoutes([
      area(
        fn('open', [{ method: 'GET', path: '/open', roles: [], public: true }]),
        fn('mixed', [
          { method: 'GET', path: '/mixed', roles: [], public: true },
          { method: 'POST', path: '/mixed', roles: ['registrar'] },
        ]),
      ),
    ]);
    expect(matchRoute(paths, 'DELETE', '/open')).toMatchObject({ kind: 'any', isPublic: true });
    expect(matchRoute(paths, 'DELETE', '/mixed')).toMatchObject({ kind: 'any', isPublic: false });
  });
});

describe('flattenClaims', () => {
  it('flattens claims the way HTTP APIs pass them', () => {
    expect(
      flattenClaims({
        sub: 'u-1',
        'cognito:groups': ['registrar', 'auditor'],
        'custom:region': '330100',
        exp: 1_780_000_000,
        auth_time: 0,
        email_verified: true,
        scopes: [],
      }),
    ).toEqual({
      sub: 'u-1',
      'cognito:groups': '[registrar auditor]',
      'custom:region': '330100',
      exp: '1780000000',
      auth_time: '0',
      email_verified: 'true',
      scopes: '[]',
    });
  });

  it('makes every value a string', () => {
    const flat = flattenClaims({ a: 1, b: ['x'], c: 'y', d: false, e: 2.5 });
    for (const value of Object.values(flat)) expect(typeof value).toBe('string');
    expect(flat).toEqual({ a: '1', b: '[x]', c: 'y', d: 'false', e: '2.5' });
  });
});

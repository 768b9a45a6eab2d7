import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { flattenClaims } from '../../local/gateway/api-event';
import { AccessDeniedError } from '../../shared/domain/errors';
import {
  coversRecord,
  type Principal,
  principalOf,
  requireRegionScope,
  requireRole,
  scopedRegion,
} from '../../shared/http/auth';
import { HttpError } from '../../shared/http/problem';

/** Just the part of an HTTP API event the principal is read from. */
const eventWith = (claims?: Record<string, unknown>): APIGatewayProxyEventV2WithJWTAuthorizer =>
  ({
    requestContext: claims === undefined ? {} : { authorizer: { jwt: { claims, scopes: [] } } },
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

const thrownBy = (action: () => unknown): unknown => {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
};

describe('principalOf', () => {
  it('reads roles from a cognito:groups array', () => {
    const principal = principalOf(eventWith({ sub: 'u-1', 'cognito:groups': ['registrar', 'auditor'] }));
    expect(principal).toEqual({ subject: 'u-1', roles: ['registrar', 'auditor'] });
  });

  it.each([
    ['[registrar auditor]', ['registrar', 'auditor']],
    ['[registrar,auditor]', ['registrar', 'auditor']],
    ['[ registrar  auditor ]', ['registrar', 'auditor']],
    ['[payout-officer]', ['payout-officer']],
    ['registrar', ['registrar']],
    ['[]', []],
    ['', []],
  ])('reads roles from the flattened string %j', (groups, roles) => {
    expect(principalOf(eventWith({ sub: 'u-1', 'cognito:groups': groups })).roles).toEqual(roles);
  });

  it('reads the same roles from what the local gateway flattens', () => {
    const claims = flattenClaims({ sub: 'u-1', 'cognito:groups': ['payout-approver', 'auditor'] });
    expect(principalOf(eventWith(claims)).roles).toEqual(['payout-approver', 'auditor']);
  });

  it('drops roles it does not know', () => {
    expect(principalOf(eventWith({ sub: 'u-1', 'cognito:groups': '[admin registrar root]' })).roles).toEqual([
      'registrar',
    ]);
    expect(principalOf(eventWith({ sub: 'u-1', 'cognito:groups': ['Registrar', 'admin'] })).roles).toEqual(
      [],
    );
    expect(principalOf(eventWith({ sub: 'u-1', 'cognito:groups': 7 })).roles).toEqual([]);
  });

  it('has no roles without a groups claim', () => {
    expect(principalOf(eventWith({ sub: 'u-1' }))).toEqual({ subject: 'u-1', roles: [] });
  });

  it.each([
    ['330000', '33'],
    ['330100', '3301'],
    ['330106', '330106'],
  ])('derives the scope prefix of region %s as %s', (region, prefix) => {
    const principal = principalOf(
      eventWith({ sub: 'u-1', 'cognito:groups': '[registrar]', 'custom:region': region }),
    );
    expect(principal.scopePrefix).toBe(prefix);
  });

  it.each(['3301', '033010', '3301000', 'abcdef', ''])(
    'gives no scope for the malformed region %j',
    (region) => {
      const principal = principalOf(eventWith({ sub: 'u-1', 'custom:region': region }));
      expect('scopePrefix' in principal).toBe(false);
    },
  );

  it('gives no scope without a region claim', () => {
    expect('scopePrefix' in principalOf(eventWith({ sub: 'u-1', 'cognito:groups': '[citizen]' }))).toBe(
      false,
    );
  });

  it.each([
    ['no authorizer at all', eventWith()],
    ['no claims', eventWith({})],
    ['no sub', eventWith({ 'cognito:groups': '[registrar]', 'custom:region': '330100' })],
    ['an empty sub', eventWith({ sub: '' })],
    ['a sub that is not a string', eventWith({ sub: 42 })],
  ])('answers 401 for %s', (_, event) => {
    const error = thrownBy(() => principalOf(event));
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer' } });
  });
});

describe('requireRole', () => {
  const principal: Principal = { subject: 'u-1', roles: ['registrar', 'auditor'] };

  it('passes when the principal holds one of the roles', () => {
    expect(() => requireRole(principal, ['auditor'])).not.toThrow();
    expect(() => requireRole(principal, ['payout-officer', 'registrar'])).not.toThrow();
  });

  it.each([
    ['none of the allowed roles', principal, ['payout-officer', 'payout-approver']],
    ['no roles at all', { subject: 'u-2', roles: [] }, ['registrar']],
    ['an empty allowed list', principal, []],
  ] as const)('answers 403 for %s', (_, who, allowed) => {
    const error = thrownBy(() => requireRole(who, allowed));
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 403 });
  });
});

describe('requireRegionScope', () => {
  const prefecture: Principal = { subject: 'u-1', roles: ['registrar'], scopePrefix: '3301' };
  const province: Principal = { subject: 'u-2', roles: ['auditor'], scopePrefix: '33' };

  it('passes when any of the regions lies inside the scope', () => {
    expect(() => requireRegionScope(prefecture, ['330106'])).not.toThrow();
    expect(() => requireRegionScope(prefecture, ['510104', '330106'])).not.toThrow();
    expect(() => requireRegionScope(province, ['331002'])).not.toThrow();
  });

  it.each([
    ['outside the prefecture', prefecture, ['330206']],
    ['in another province', province, ['510104', '110101']],
    ['with no regions', prefecture, []],
  ] as const)('refuses a record %s', (_, who, regions) => {
    expect(() => requireRegionScope(who, regions)).toThrow(AccessDeniedError);
  });

  it('refuses a principal without a region', () => {
    const noRegion: Principal = { subject: 'u-3', roles: ['registrar'] };
    expect(() => requireRegionScope(noRegion, ['330106'])).toThrow(AccessDeniedError);
  });
});

describe('scopedRegion: the one region-scope rule of staff lists, reports and plans', () => {
  const county: Principal = { subject: 'r', roles: ['registrar'], scopePrefix: '330106' };
  const prefecture: Principal = { subject: 'r', roles: ['registrar'], scopePrefix: '3301' };
  const province: Principal = { subject: 'r', roles: ['auditor'], scopePrefix: '33' };

  it("is the caller's own region when no region is asked for", () => {
    expect(scopedRegion(county)).toBe('330106');
    expect(scopedRegion(prefecture)).toBe('3301');
    expect(scopedRegion(province)).toBe('33');
  });

  it('reads a six-digit code as everything under it, and a 2- or 4-digit prefix as itself', () => {
    expect(scopedRegion(province, '330000')).toBe('33');
    expect(scopedRegion(province, '330100')).toBe('3301');
    expect(scopedRegion(province, '3301')).toBe('3301');
    expect(scopedRegion(province, '330106')).toBe('330106');
    expect(scopedRegion(prefecture, '330100')).toBe('3301');
    expect(scopedRegion(county, '330106')).toBe('330106');
  });

  it.each([
    ['a wider region', prefecture, '330000'],
    ['a wider prefix', prefecture, '33'],
    ['a neighbouring prefecture', prefecture, '330200'],
    ['another province', province, '510104'],
    ['the county above a county', county, '330100'],
    ['a prefix of odd length', prefecture, '33010'],
    ['text that is no region', prefecture, '3301x'],
  ])('refuses %s with 403', (_what, who, requested) => {
    expect(() => scopedRegion(who, requested)).toThrow(AccessDeniedError);
  });

  it('refuses staff without a region, whatever they ask for', () => {
    const noRegion: Principal = { subject: 'r', roles: ['registrar'] };
    expect(() => scopedRegion(noRegion)).toThrow(AccessDeniedError);
    expect(() => scopedRegion(noRegion, '330106')).toThrow(AccessDeniedError);
  });
});

describe('coversRecord', () => {
  it("is true when one of the record's regions lies in the caller's region", () => {
    const prefecture: Principal = { subject: 'r', roles: ['registrar'], scopePrefix: '3301' };
    expect(coversRecord(prefecture, ['510104', '330106'])).toBe(true);
    expect(coversRecord(prefecture, ['330206'])).toBe(false);
    expect(coversRecord({ subject: 'r', roles: ['registrar'] }, ['330106'])).toBe(false);
  });
});

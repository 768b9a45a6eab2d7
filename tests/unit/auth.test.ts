import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { flattenClaims } from '../../local/gateway/api-event';
import { fixedClock } from '../../shared/domain/clock';
import { AccessDeniedError } from '../../shared/domain/errors';
import {
  coversRecord,
  type Principal,
  principalOf,
  requireProvinceScope,
  requireRegionScope,
  requireRole,
  scopedRegion,
} from '../../shared/http/auth';
import { STAFF_ISSUER_ENV, STAFF_TOKEN_MAX_AGE_SECONDS } from '../../shared/http/claims';
import { HttpError } from '../../shared/http/problem';
import { staffClaims } from '../support/api-event';
import { testPersonRefOf } from '../support/person-refs';
import { residentIdFor } from '../support/resident-ids';

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

const ISSUERS = { citizen: 'https://id.example.gov.cn', staff: 'https://staff-id.example.gov.cn' };
const NOW = fixedClock('2026-03-01T08:00:00Z');
const NOW_SECONDS = Math.floor(NOW.now().getTime() / 1000);
const RESIDENT_ID = residentIdFor('330106', '1990-03-07', '002');
const options = { issuers: ISSUERS, clock: NOW, personRefOf: testPersonRefOf };
const staff = (claims: Record<string, unknown>) => ({
  iss: ISSUERS.staff,
  sub: 'u-1',
  iat: NOW_SECONDS - 60,
  ...claims,
});
const citizen = (claims: Record<string, unknown> = {}) => ({
  iss: ISSUERS.citizen,
  sub: 'c-1',
  resident_id: RESIDENT_ID,
  ...claims,
});
const principal = (claims: Record<string, unknown>) => principalOf(eventWith(claims), options);

describe('principalOf: staff tokens', () => {
  it('reads roles from a roles array', () => {
    expect(principal(staff({ roles: ['registrar', 'auditor'] }))).toEqual({
      subject: 'u-1',
      roles: ['registrar', 'auditor'],
    });
  });

  it.each([
    ['[registrar auditor]', ['registrar', 'auditor']],
    ['[registrar,auditor]', ['registrar', 'auditor']],
    ['[ registrar  auditor ]', ['registrar', 'auditor']],
    ['[payout-officer]', ['payout-officer']],
    ['registrar', ['registrar']],
    ['[]', []],
    ['', []],
  ])('reads roles from the flattened string %j', (roles, expected) => {
    expect(principal(staff({ roles })).roles).toEqual(expected);
  });

  it('reads the same roles from what the local gateway flattens', () => {
    const claims = flattenClaims(staff({ roles: ['payout-approver', 'auditor'] }));
    expect(principal(claims).roles).toEqual(['payout-approver', 'auditor']);
  });

  it('accepts the Cognito alternates where the Cognito option is used', () => {
    const read = principal(staff({ 'cognito:groups': '[registrar]', 'custom:region': '330100' }));
    expect(read).toEqual({ subject: 'u-1', roles: ['registrar'], region: '330100', scopePrefix: '3301' });
  });

  it('drops roles it does not know, and never grants citizen to a staff token', () => {
    expect(principal(staff({ roles: '[admin registrar root]' })).roles).toEqual(['registrar']);
    expect(principal(staff({ roles: ['Registrar', 'admin'] })).roles).toEqual([]);
    expect(principal(staff({ roles: 7 })).roles).toEqual([]);
    expect(principal(staff({ roles: '[citizen registrar]' })).roles).toEqual(['registrar']);
  });

  it.each([
    ['330000', '33'],
    ['330100', '3301'],
    ['330106', '330106'],
  ])('derives the scope prefix of region %s as %s', (region, prefix) => {
    expect(principal(staff({ roles: '[registrar]', region })).scopePrefix).toBe(prefix);
  });

  it.each(['3301', '033010', '3301000', 'abcdef', ''])(
    'gives no scope for the malformed region %j',
    (region) => {
      expect('scopePrefix' in principal(staff({ roles: '[registrar]', region }))).toBe(false);
    },
  );

  it('takes a token just inside the staff session limit and refuses one just past it', () => {
    expect(principal(staff({ iat: NOW_SECONDS - STAFF_TOKEN_MAX_AGE_SECONDS })).subject).toBe('u-1');
    const error = thrownBy(() => principal(staff({ iat: NOW_SECONDS - STAFF_TOKEN_MAX_AGE_SECONDS - 1 })));
    expect(error).toMatchObject({ status: 401 });
  });

  it('refuses a staff token without an issue time', () => {
    expect(thrownBy(() => principal(staff({ iat: undefined })))).toMatchObject({ status: 401 });
  });
});

describe('principalOf: citizen tokens', () => {
  it('is a citizen by virtue of the issuer, with the person reference of the verified resident ID', () => {
    expect(principal(citizen())).toEqual({
      subject: 'c-1',
      roles: ['citizen'],
      personRef: testPersonRefOf(RESIDENT_ID),
    });
  });

  it('ignores roles and region claims in a citizen token', () => {
    const read = principal(
      citizen({ roles: '[registrar auditor]', region: '330000', 'custom:region': '33' }),
    );
    expect(read.roles).toEqual(['citizen']);
    expect('scopePrefix' in read).toBe(false);
  });

  it('needs no issue time: citizen sessions follow the platform', () => {
    expect(principal(citizen()).roles).toEqual(['citizen']);
  });

  it.each([
    ['no resident ID', citizen({ resident_id: undefined })],
    ['a resident ID with a wrong check character', citizen({ resident_id: `${RESIDENT_ID.slice(0, 17)}9` })],
    ['a resident ID of the wrong shape', citizen({ resident_id: '33010619900307' })],
  ])('refuses %s', (_, claims) => {
    expect(thrownBy(() => principal(claims))).toMatchObject({ status: 401 });
  });

  it('carries no person reference when the function holds no key', () => {
    expect('personRef' in principalOf(eventWith(citizen()), { issuers: ISSUERS, clock: NOW })).toBe(false);
  });
});

describe('principalOf: refusals', () => {
  it.each([
    ['no authorizer at all', eventWith()],
    ['no claims', eventWith({})],
    ['no sub', eventWith(staff({ sub: undefined, roles: '[registrar]' }))],
    ['an empty sub', eventWith(staff({ sub: '' }))],
    ['a sub that is not a string', eventWith(staff({ sub: 42 }))],
    ['another issuer', eventWith(staff({ iss: 'https://evil.example', roles: '[registrar]' }))],
    ['no issuer', eventWith(staff({ iss: undefined, roles: '[registrar]' }))],
  ])('answers 401 for %s', (_, event) => {
    const error = thrownBy(() => principalOf(event, options));
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer' } });
  });

  it('answers 401 when the function was told no issuers to trust', () => {
    const event = eventWith(staffClaims('u-1', ['registrar'], '330100'));
    vi.stubEnv(STAFF_ISSUER_ENV, '');
    try {
      expect(thrownBy(() => principalOf(event))).toMatchObject({ status: 401 });
    } finally {
      vi.unstubAllEnvs();
    }
    expect(principalOf(event).roles).toEqual(['registrar']);
  });

  it('never puts a claim value in the refusal', () => {
    const error = thrownBy(() => principal(citizen({ resident_id: `${RESIDENT_ID.slice(0, 17)}9` })));
    expect(JSON.stringify(error)).not.toContain(RESIDENT_ID.slice(0, 17));
    expect(String((error as Error).message)).not.toContain(RESIDENT_ID.slice(0, 17));
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

describe('requireProvinceScope: routes of the whole province (the exchange)', () => {
  it('passes staff whose region is the province itself', () => {
    expect(() =>
      requireProvinceScope({ subject: 'o', roles: ['exchange-operator'], scopePrefix: '33' }, '33'),
    ).not.toThrow();
  });

  it.each([
    ['a prefecture', '3301'],
    ['a county', '330106'],
    ['another province', '51'],
    ['no region at all', undefined],
  ] as const)('refuses staff of %s', (_, scopePrefix) => {
    const who: Principal = {
      subject: 'o',
      roles: ['exchange-operator'],
      ...(scopePrefix ? { scopePrefix } : {}),
    };
    expect(() => requireProvinceScope(who, '33')).toThrow(AccessDeniedError);
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

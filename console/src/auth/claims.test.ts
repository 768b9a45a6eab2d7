import { describe, expect, it } from 'vitest';
import { fakeToken } from '../test-support';
import { claimsOf } from './claims';

describe('reading a staff token', () => {
  it('reads who, roles, region and expiry, Chinese names included', () => {
    const claims = claimsOf(
      fakeToken({ sub: '登记员-1', roles: ['registrar', 7], region: '330106', exp: 100 }),
    );
    expect(claims).toEqual({ sub: '登记员-1', roles: ['registrar'], region: '330106', exp: 100 });
  });

  it('gives nothing for a malformed token', () => {
    expect(claimsOf('not-a-token')).toBeUndefined();
    expect(claimsOf(fakeToken({ sub: 7 }))).toBeUndefined();
  });
});

import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createLocalIssuer, DevTokenRequest } from '../../local/identity';
import { STAFF_TOKEN_MAX_AGE_SECONDS } from '../../shared/http/claims';
import { residentIdFor } from '../support/resident-ids';

const RESIDENT_ID = residentIdFor('330106', '1990-03-07', '002');

describe('POST /dev/token requests', () => {
  it('needs a checksum-valid resident ID for a citizen, and nothing staff-like', () => {
    expect(DevTokenRequest.safeParse({ sub: 'c', roles: ['citizen'], residentId: RESIDENT_ID }).success).toBe(
      true,
    );
    const missing = DevTokenRequest.safeParse({ sub: 'c', roles: ['citizen'] });
    expect(missing.error?.issues.map((i) => i.path.join('.'))).toEqual(['residentId']);
    const bad = DevTokenRequest.safeParse({
      sub: 'c',
      roles: ['citizen'],
      residentId: `${RESIDENT_ID.slice(0, 17)}${RESIDENT_ID.endsWith('1') ? '2' : '1'}`,
    });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).not.toContain(RESIDENT_ID.slice(0, 17));
    const mixed = DevTokenRequest.safeParse({
      sub: 'c',
      roles: ['citizen', 'registrar'],
      region: '330100',
      residentId: RESIDENT_ID,
    });
    expect(mixed.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['region', 'roles']);
  });

  it('refuses a resident ID on a staff token', () => {
    const staff = DevTokenRequest.safeParse({ sub: 's', roles: ['registrar'], residentId: RESIDENT_ID });
    expect(staff.error?.issues.map((i) => i.path.join('.'))).toEqual(['residentId']);
  });
});

describe('the local identity platforms', () => {
  it('issue citizen tokens from the real-name issuer with only the resident ID', async () => {
    const issuer = await createLocalIssuer('urn:test');
    const token = await issuer.issue({ sub: 'c', roles: ['citizen'], residentId: RESIDENT_ID.toLowerCase() });
    const claims = decodeJwt(token);
    expect(claims.iss).toBe('urn:test/dev/citizen');
    expect(claims.resident_id).toBe(RESIDENT_ID.toUpperCase());
    expect(claims).not.toHaveProperty('roles');
    expect(claims).not.toHaveProperty('region');
  });

  it('issue staff tokens from the staff issuer, for at most the staff session limit', async () => {
    const issuer = await createLocalIssuer('urn:test');
    const token = await issuer.issue({
      sub: 's',
      roles: ['registrar'],
      region: '330100',
      expiresInSeconds: 86_400,
    });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: 'urn:test/dev/staff', roles: ['registrar'], region: '330100' });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(STAFF_TOKEN_MAX_AGE_SECONDS);
    expect(decodeProtectedHeader(token).alg).toBe('ES256');
  });

  it('verify a token only for the platform its route trusts', async () => {
    const issuer = await createLocalIssuer('urn:test');
    const citizen = await issuer.issue({ sub: 'c', roles: ['citizen'], residentId: RESIDENT_ID });
    const staff = await issuer.issue({ sub: 's', roles: ['auditor'], region: '330000' });
    await expect(issuer.verify(citizen, ['citizen'])).resolves.toMatchObject({ sub: 'c' });
    await expect(issuer.verify(staff, ['staff'])).resolves.toMatchObject({ sub: 's' });
    await expect(issuer.verify(citizen, ['staff'])).rejects.toThrow();
    await expect(issuer.verify(staff, ['citizen'])).rejects.toThrow();
  });

  it('pin the algorithm: an HS256 token with the right claims is refused', async () => {
    const issuer = await createLocalIssuer('urn:test');
    const forged = await new SignJWT({ roles: ['registrar'], region: '330000' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('forger')
      .setIssuer(issuer.issuers.staff)
      .setAudience(issuer.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('a shared secret anyone could guess'));
    await expect(issuer.verify(forged, ['staff'])).rejects.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { createLocalIssuer } from '../../local/identity';
import { authorizationCodes, CODE_LIFETIME_MS, s256 } from '../../local/sign-in/authorization-codes';
import { devStaff } from '../../local/sign-in/dev-staff';
import { AUTHORIZE_PATH, staffSignIn, TOKEN_PATH } from '../../local/sign-in/staff-sign-in';
import { STAFF_TOKEN_MAX_AGE_SECONDS } from '../../shared/http/claims';

const VERIFIER = `${'a'.repeat(20)}-._~${'B'.repeat(30)}`;
const REDIRECT = 'http://127.0.0.1:3033/console/callback';
const STATE = 'state-0123456789abcdef';

const setup = async (now: () => number = Date.now) => {
  const issuer = await createLocalIssuer('urn:jiahe:local-issuer:p33');
  const signIn = staffSignIn({ province: '33', issuer, codes: authorizationCodes(now) });
  const params = (overrides: Record<string, string> = {}) =>
    new URLSearchParams({
      response_type: 'code',
      client_id: issuer.audience,
      redirect_uri: REDIRECT,
      state: STATE,
      code_challenge: s256(VERIFIER),
      code_challenge_method: 'S256',
      ...overrides,
    });
  const authorize = async (staff: string, overrides: Record<string, string> = {}) => {
    const body = params({ ...overrides, staff });
    const answer = await signIn.answer(
      'POST',
      new URL(`http://x${AUTHORIZE_PATH}`),
      Buffer.from(body.toString()),
    );
    return answer;
  };
  const codeOf = async (staff: string) => {
    const answer = await authorize(staff);
    expect(answer?.status).toBe(303);
    const location = new URL(answer?.headers?.location ?? '');
    expect(location.searchParams.get('state')).toBe(STATE);
    return location.searchParams.get('code') ?? '';
  };
  const redeem = async (code: string, overrides: Record<string, string> = {}) => {
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: issuer.audience,
      code_verifier: VERIFIER,
      ...overrides,
    });
    const answer = await signIn.answer(
      'POST',
      new URL(`http://x${TOKEN_PATH}`),
      Buffer.from(body.toString()),
    );
    return { status: answer?.status, body: JSON.parse(String(answer?.body)) };
  };
  return { issuer, signIn, params, authorize, codeOf, redeem };
};

describe('the local staff sign-in (authorization code with PKCE)', () => {
  it('lists the dev staff of every role, and a county registrar, on a page with no script', async () => {
    const { signIn, params } = await setup();
    const answer = await signIn.answer(
      'GET',
      new URL(`http://x${AUTHORIZE_PATH}?${params()}`),
      Buffer.alloc(0),
    );
    expect(answer?.status).toBe(200);
    expect(answer?.headers?.['content-security-policy']).toContain("default-src 'none'");
    const page = String(answer?.body);
    expect(page).not.toContain('<script');
    for (const member of devStaff('33')) expect(page).toContain(`value="${member.sub}"`);
    expect(devStaff('33').map((m) => `${m.roles.join()}@${m.region}`)).toEqual([
      'registrar@330000',
      'registrar@330106',
      'payout-officer@330000',
      'payout-approver@330000',
      'auditor@330000',
      'exchange-operator@330000',
    ]);
  });

  it('issues the same staff token as /dev/token for the verifier of the challenge', async () => {
    const { issuer, codeOf, redeem } = await setup();
    const reply = await redeem(await codeOf('registrar-330106'));
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ token_type: 'Bearer', expires_in: STAFF_TOKEN_MAX_AGE_SECONDS });
    const claims = await issuer.verify(reply.body.id_token, ['staff']);
    expect(claims).toMatchObject({ sub: 'registrar-330106', roles: ['registrar'], region: '330106' });
  });

  it('refuses a wrong verifier, a second redemption, another redirect and an expired code', async () => {
    let now = 1_000_000;
    const { codeOf, redeem } = await setup(() => now);
    expect((await redeem(await codeOf('auditor-330000'), { code_verifier: 'c'.repeat(43) })).body).toEqual({
      error: 'invalid_grant',
    });
    const once = await codeOf('auditor-330000');
    expect((await redeem(once)).status).toBe(200);
    expect((await redeem(once)).body.error).toBe('invalid_grant');
    const elsewhere = await codeOf('auditor-330000');
    expect((await redeem(elsewhere, { redirect_uri: 'http://127.0.0.1:3033/console/other' })).status).toBe(
      400,
    );
    const late = await codeOf('auditor-330000');
    now += CODE_LIFETIME_MS;
    expect((await redeem(late)).body.error).toBe('invalid_grant');
  });

  it('never sends a code outside the local console, and requires S256', async () => {
    const { authorize } = await setup();
    const refused: Array<Record<string, string>> = [
      { redirect_uri: 'https://evil.example/console/callback' },
      { redirect_uri: 'http://127.0.0.1:3033/docs' },
      { code_challenge_method: 'plain' },
      { client_id: 'someone-else' },
      { state: '' },
    ];
    for (const overrides of refused) {
      const answer = await authorize('auditor-330000', overrides);
      expect(answer?.status, JSON.stringify(overrides)).toBe(400);
      expect(answer?.headers?.location).toBeUndefined();
    }
    expect((await authorize('nobody'))?.status).toBe(400);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { SETTINGS } from '../test-support';
import { authorizationRequest, completeSignIn } from './oidc';
import { challengeOf } from './pkce';

afterEach(() => {
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe('sign-in with the authorization code and PKCE', () => {
  it('asks for a code with an S256 challenge of a fresh verifier, back to the console', async () => {
    const { url, pending } = await authorizationRequest(SETTINGS, '/persons');
    const request = new URL(url);
    expect(request.pathname).toBe('/dev/staff/authorize');
    expect(Object.fromEntries(request.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'jiahe-test',
      redirect_uri: `${window.location.origin}/callback`,
      code_challenge_method: 'S256',
      state: pending.state,
      code_challenge: await challengeOf(pending.verifier),
    });
    expect(pending.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = await authorizationRequest(SETTINGS, '/persons');
    expect(again.pending.verifier).not.toBe(pending.verifier);
  });

  it('redeems the code with the verifier and keeps nothing afterwards', async () => {
    const { pending } = await authorizationRequest(SETTINGS, '/persons');
    sessionStorage.setItem('jiahe.console.pending-sign-in', JSON.stringify(pending));
    const fetch = vi.fn(async (_url: URL | string, _init?: RequestInit) =>
      Response.json({ id_token: 'the-token', token_type: 'Bearer' }),
    );
    vi.stubGlobal('fetch', fetch);
    const result = await completeSignIn(SETTINGS, `?code=abc&state=${pending.state}`);
    expect(result).toEqual({ token: 'the-token', returnTo: '/persons' });
    const init = fetch.mock.calls[0]?.[1];
    const body = new URLSearchParams(String(init?.body));
    expect(body.get('code_verifier')).toBe(pending.verifier);
    expect(body.get('code')).toBe('abc');
    expect(sessionStorage.length).toBe(0);
    expect(localStorage.length).toBe(0);
  });

  it('refuses an answer whose state is not the one sent', async () => {
    const { pending } = await authorizationRequest(SETTINGS, '/');
    sessionStorage.setItem('jiahe.console.pending-sign-in', JSON.stringify(pending));
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    await expect(completeSignIn(SETTINGS, '?code=abc&state=forged')).rejects.toThrow('state mismatch');
    expect(fetch).not.toHaveBeenCalled();
    expect(sessionStorage.length).toBe(0);
  });
});

import type { LocalIssuer } from '../identity';
import { type AuthorizationCodes, authorizationCodes } from './authorization-codes';
import { type DevStaffMember, devStaff } from './dev-staff';
import { SIGN_IN_PAGE_CSP, signInErrorPage, signInPage } from './sign-in-page';

type Answer = { status: number; headers?: Record<string, string>; body?: string | Buffer };

export const AUTHORIZE_PATH = '/dev/staff/authorize';
export const TOKEN_PATH = '/dev/staff/token';

/** The parameters of an authorization request with PKCE that this issuer accepts. */
interface AuthorizationRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly codeChallenge: string;
}

const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Only the console on this machine may receive codes: a loopback origin and a path under
 * `/console/`. Anything else is refused, so the page cannot be used to send a code elsewhere.
 */
const isConsoleRedirect = (uri: string): boolean => {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && LOOPBACK.has(url.hostname) && url.pathname.startsWith('/console/');
  } catch {
    return false;
  }
};

function readAuthorizationRequest(
  params: URLSearchParams,
  audience: string,
): AuthorizationRequest | { refused: string } {
  const get = (name: string) => params.get(name) ?? '';
  if (get('response_type') !== 'code') return { refused: 'response_type must be code' };
  if (get('client_id') !== audience) return { refused: 'unknown client_id' };
  if (!isConsoleRedirect(get('redirect_uri'))) return { refused: 'redirect_uri is not the local console' };
  if (get('code_challenge_method') !== 'S256' || !CHALLENGE.test(get('code_challenge')))
    return { refused: 'PKCE with code_challenge_method S256 is required' };
  const state = get('state');
  if (state.length < 16 || state.length > 512) return { refused: 'state is required' };
  return {
    clientId: get('client_id'),
    redirectUri: get('redirect_uri'),
    state,
    codeChallenge: get('code_challenge'),
  };
}

const html = (status: number, body: string): Answer => ({
  status,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': SIGN_IN_PAGE_CSP,
    'cache-control': 'no-store',
  },
  body,
});

const json = (status: number, value: unknown): Answer => ({
  status,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(value),
});

/**
 * The local staff identity provider's OpenID Connect side, for the console: an
 * authorization endpoint with a sign-in page listing the province's dev staff, and a token
 * endpoint that redeems a code against its PKCE verifier and answers with the same staff
 * token `POST /dev/token` issues (same claims, ES256, at most 15 minutes). Local only.
 */
export function staffSignIn(options: {
  readonly province: string;
  readonly issuer: LocalIssuer;
  readonly codes?: AuthorizationCodes;
}) {
  const codes = options.codes ?? authorizationCodes();
  const staff = devStaff(options.province);
  const audience = options.issuer.audience;

  const authorize = (method: string, params: URLSearchParams): Answer => {
    const request = readAuthorizationRequest(params, audience);
    if ('refused' in request) return html(400, signInErrorPage(request.refused));
    if (method === 'GET') {
      const carried = Object.fromEntries(
        [
          'response_type',
          'client_id',
          'redirect_uri',
          'state',
          'code_challenge',
          'code_challenge_method',
        ].map((name) => [name, params.get(name) ?? '']),
      );
      return html(200, signInPage({ province: options.province, staff, params: carried }));
    }
    const member: DevStaffMember | undefined = staff.find((s) => s.sub === params.get('staff'));
    if (!member) return html(400, signInErrorPage('unknown staff member'));
    const code = codes.grant({
      staff: member,
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
    });
    const target = new URL(request.redirectUri);
    target.searchParams.set('code', code);
    target.searchParams.set('state', request.state);
    return { status: 303, headers: { location: target.toString(), 'cache-control': 'no-store' } };
  };

  const token = async (params: URLSearchParams): Promise<Answer> => {
    if (params.get('grant_type') !== 'authorization_code')
      return json(400, { error: 'unsupported_grant_type' });
    const member = codes.redeem({
      code: params.get('code') ?? '',
      clientId: params.get('client_id') ?? '',
      redirectUri: params.get('redirect_uri') ?? '',
      codeVerifier: params.get('code_verifier') ?? '',
    });
    if (!member) return json(400, { error: 'invalid_grant' });
    const idToken = await options.issuer.issue({
      sub: member.sub,
      roles: [...member.roles],
      region: member.region,
    });
    const { exp = 0, iat = 0 } = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString());
    // The API takes the ID token as its bearer token; the access token is the same token.
    return json(200, {
      id_token: idToken,
      access_token: idToken,
      token_type: 'Bearer',
      expires_in: exp - iat,
    });
  };

  return {
    /** The answer for a sign-in path, or undefined for any other request. */
    async answer(method: string, url: URL, body: Buffer): Promise<Answer | undefined> {
      if (url.pathname === AUTHORIZE_PATH && method === 'GET') return authorize('GET', url.searchParams);
      if (url.pathname === AUTHORIZE_PATH && method === 'POST')
        return authorize('POST', new URLSearchParams(body.toString('utf8')));
      if (url.pathname === TOKEN_PATH && method === 'POST')
        return token(new URLSearchParams(body.toString('utf8')));
      return undefined;
    },
    /** What the console needs to know to sign in here (served as its config.json). */
    consoleSettings() {
      return {
        province: options.province,
        issuer: options.issuer.issuers.staff,
        clientId: audience,
        authorizationEndpoint: AUTHORIZE_PATH,
        tokenEndpoint: TOKEN_PATH,
      };
    },
  };
}
export type StaffSignIn = ReturnType<typeof staffSignIn>;

import { challengeOf, randomToken } from './pkce';
import type { ConsoleSettings } from './settings';

/**
 * The one thing kept across the trip to the identity provider: the PKCE verifier, the state
 * and where to return. Kept in sessionStorage only for that trip and removed on return;
 * tokens themselves live in memory only.
 */
const PENDING_KEY = 'jiahe.console.pending-sign-in';

interface PendingSignIn {
  readonly verifier: string;
  readonly state: string;
  readonly returnTo: string;
}

export const callbackUri = (): string =>
  new URL(`${import.meta.env.BASE_URL}callback`, window.location.origin).href;

/** The authorization request URL (code flow with PKCE) and the pending sign-in to keep. */
export async function authorizationRequest(
  settings: ConsoleSettings,
  returnTo: string,
): Promise<{ url: string; pending: PendingSignIn }> {
  const pending = { verifier: randomToken(), state: randomToken(), returnTo };
  const url = new URL(settings.authorizationEndpoint, window.location.origin);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: callbackUri(),
    scope: 'openid',
    state: pending.state,
    code_challenge: await challengeOf(pending.verifier),
    code_challenge_method: 'S256',
  }).toString();
  return { url: url.href, pending };
}

export async function beginSignIn(settings: ConsoleSettings, returnTo: string): Promise<void> {
  const { url, pending } = await authorizationRequest(settings, returnTo);
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  window.location.assign(url);
}

export class SignInError extends Error {}

/** Redeems the code the identity provider returned; the token comes back, never stored. */
export async function completeSignIn(
  settings: ConsoleSettings,
  search: string,
): Promise<{ token: string; returnTo: string }> {
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = raw ? (JSON.parse(raw) as PendingSignIn) : undefined;
  const params = new URLSearchParams(search);
  const code = params.get('code');
  if (!pending || !code || params.get('state') !== pending.state) throw new SignInError('state mismatch');
  const response = await fetch(new URL(settings.tokenEndpoint, window.location.origin), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: callbackUri(),
      client_id: settings.clientId,
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new SignInError(`token endpoint: ${response.status}`);
  const answer = (await response.json()) as { id_token?: string };
  if (!answer.id_token) throw new SignInError('no id_token');
  return { token: answer.id_token, returnTo: pending.returnTo };
}

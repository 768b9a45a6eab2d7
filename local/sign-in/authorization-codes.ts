import { createHash, randomBytes } from 'node:crypto';
import type { DevStaffMember } from './dev-staff';

/** An authorization code lives this long: the browser redeems it at once (RFC 6749 §4.1.2 advises ≤ 10 min). */
export const CODE_LIFETIME_MS = 60_000;

/** RFC 7636 §4.1: 43–128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

interface Grant {
  readonly staff: DevStaffMember;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly expiresAt: number;
}

export interface TokenRequest {
  readonly code: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeVerifier: string;
}

/** S256 (RFC 7636 §4.2): BASE64URL(SHA256(verifier)). */
export const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

/**
 * The codes the local staff sign-in has handed out and not yet redeemed, in memory. A code
 * is redeemed once: any attempt, right or wrong, uses it up, so a stolen code is worth one
 * guess at the verifier.
 */
export function authorizationCodes(now: () => number = Date.now) {
  const grants = new Map<string, Grant>();
  const sweep = () => {
    for (const [code, grant] of grants) if (grant.expiresAt <= now()) grants.delete(code);
  };
  return {
    grant(grant: Omit<Grant, 'expiresAt'>): string {
      sweep();
      const code = randomBytes(24).toString('base64url');
      grants.set(code, { ...grant, expiresAt: now() + CODE_LIFETIME_MS });
      return code;
    },
    /** The staff member the code was granted to, when every check passes; else undefined. */
    redeem(request: TokenRequest): DevStaffMember | undefined {
      const grant = grants.get(request.code);
      grants.delete(request.code);
      if (!grant || grant.expiresAt <= now()) return undefined;
      if (grant.clientId !== request.clientId || grant.redirectUri !== request.redirectUri) return undefined;
      if (!VERIFIER.test(request.codeVerifier) || s256(request.codeVerifier) !== grant.codeChallenge)
        return undefined;
      return grant.staff;
    },
  };
}
export type AuthorizationCodes = ReturnType<typeof authorizationCodes>;

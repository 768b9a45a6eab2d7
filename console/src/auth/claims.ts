/** What the console reads from a staff token: who, which roles, which region, until when. */
export interface StaffClaims {
  readonly sub: string;
  readonly roles: readonly string[];
  readonly region: string | undefined;
  /** Expiry, epoch seconds. */
  readonly exp: number;
}

/**
 * Reads a token's claims without checking its signature: the API checks it on every
 * call; the console only needs them to choose screens and to know when to sign in again.
 */
export function claimsOf(token: string): StaffClaims | undefined {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return undefined;
    return {
      sub: claims.sub,
      roles: Array.isArray(claims.roles) ? claims.roles.filter((r: unknown) => typeof r === 'string') : [],
      region: typeof claims.region === 'string' ? claims.region : undefined,
      exp: claims.exp,
    };
  } catch {
    return undefined;
  }
}

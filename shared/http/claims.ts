import { REGION_CODE_PATTERN } from '../domain/region-code';
import { checkResidentId } from '../domain/resident-id';
import { ROLES, type Role } from '../manifest';

/**
 * The claim mapping: what jiahe reads from a verified token, in this one place.
 *
 * Two OIDC issuers are trusted, each configured per deployment and passed to every API
 * function in the environment (`JIAHE_CITIZEN_ISSUER`, `JIAHE_STAFF_ISSUER`):
 *
 * | issuer | claim | meaning |
 * |---|---|---|
 * | citizen (the province's real-name platform) | `sub` | the login, opaque |
 * | | `resident_id` | the resident ID the platform verified (18 characters, checksum-valid) |
 * | | anything else | ignored: a citizen is a citizen by virtue of the issuer |
 * | staff (the staff identity provider) | `sub` | the staff member |
 * | | `roles` (or Cognito's `cognito:groups`) | staff roles; `citizen` is never granted |
 * | | `region` (or Cognito's `custom:region`) | the 6-digit region the member serves |
 * | | `iat` | issue time: a staff token older than 15 minutes is refused |
 *
 * API Gateway's JWT authorizer has already checked signature, issuer, audience and expiry;
 * this mapping refuses (401) any token from another issuer, a citizen token without a valid
 * resident ID and a stale staff token, so a disabled staff member loses access within
 * {@link STAFF_TOKEN_MAX_AGE_SECONDS} seconds.
 */

export const CITIZEN_ISSUER_ENV = 'JIAHE_CITIZEN_ISSUER';
export const STAFF_ISSUER_ENV = 'JIAHE_STAFF_ISSUER';

/** How old a staff token may be (by `iat`) before it is refused. */
export const STAFF_TOKEN_MAX_AGE_SECONDS = 15 * 60;

/** Roles a staff token may carry: every role but `citizen`. */
export const STAFF_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'citizen');

/** The two issuers a deployment trusts. */
export interface TrustedIssuers {
  readonly citizen: string;
  readonly staff: string;
}

/** Claims as API Gateway passes them: strings, arrays flattened to `[a b]`. */
export type Claims = Readonly<Record<string, string | number | boolean | string[] | undefined>>;

/**
 * Who a verified token names. `residentId` lives only as long as the request: the edge
 * turns it into the keyed person reference at once and never stores or logs it.
 */
export type VerifiedIdentity =
  | { readonly kind: 'citizen'; readonly subject: string; readonly residentId: string }
  | {
      readonly kind: 'staff';
      readonly subject: string;
      readonly roles: readonly Role[];
      readonly region?: string;
    };

/** Why a token was refused; never includes a claim's value. */
export class UntrustedTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UntrustedTokenError';
  }
}

/** The trusted issuers from the function's environment; undefined when not configured. */
export function trustedIssuersFromEnv(env: NodeJS.ProcessEnv = process.env): TrustedIssuers | undefined {
  const citizen = env[CITIZEN_ISSUER_ENV];
  const staff = env[STAFF_ISSUER_ENV];
  return citizen && staff ? { citizen, staff } : undefined;
}

/**
 * API Gateway HTTP APIs pass array claims flattened to a string such as `[a b]`; a local
 * or Lambda test may pass a real array. Both read alike.
 */
export function claimList(value: Claims[string]): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  const trimmed = value.trim();
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    return trimmed
      .slice(1, -1)
      .split(/[\s,]+/)
      .filter(Boolean);
  }
  return trimmed ? [trimmed] : [];
}

const text = (value: Claims[string]): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * Maps verified claims to an identity per the table above; throws UntrustedTokenError for
 * anything the mapping does not admit. `nowSeconds` is the current Unix time.
 */
export function identityOf(claims: Claims, issuers: TrustedIssuers, nowSeconds: number): VerifiedIdentity {
  const subject = text(claims.sub);
  if (!subject) throw new UntrustedTokenError('the token names no subject');
  const issuer = text(claims.iss);
  if (issuer === issuers.citizen) {
    const residentId = text(claims.resident_id);
    if (!residentId || !checkResidentId(residentId).ok) {
      throw new UntrustedTokenError('the citizen token carries no valid resident ID');
    }
    return { kind: 'citizen', subject, residentId };
  }
  if (issuer === issuers.staff) {
    const issuedAt = Number(claims.iat);
    if (!Number.isFinite(issuedAt) || nowSeconds - issuedAt > STAFF_TOKEN_MAX_AGE_SECONDS) {
      throw new UntrustedTokenError('the staff token is older than the staff session limit');
    }
    const named = [...claimList(claims.roles), ...claimList(claims['cognito:groups'])];
    const roles = [...new Set(named)].filter((r): r is Role => (STAFF_ROLES as string[]).includes(r));
    const region = text(claims.region) ?? text(claims['custom:region']);
    return {
      kind: 'staff',
      subject,
      roles,
      ...(region && REGION_CODE_PATTERN.test(region) ? { region } : {}),
    };
  }
  throw new UntrustedTokenError('the token comes from an issuer this deployment does not trust');
}

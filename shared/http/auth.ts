import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { type Clock, systemClock } from '../domain/clock';
import { AccessDeniedError } from '../domain/errors';
import { isWithinScope, REGION_PREFIX_PATTERN, scopePrefixOf } from '../domain/region-code';
import type { Role } from '../manifest';
import {
  type Claims,
  identityOf,
  type TrustedIssuers,
  trustedIssuersFromEnv,
  UntrustedTokenError,
  type VerifiedIdentity,
} from './claims';
import { forbidden, unauthorized } from './problem';

/** Who is calling, as the token says (mapped in shared/http/claims.ts). */
export interface Principal {
  readonly subject: string;
  readonly roles: readonly Role[];
  /** Region-code prefix staff are limited to; undefined for citizens and partners. */
  readonly scopePrefix?: string;
  /** The 6-digit region a staff member serves (their office), as the token names it. */
  readonly region?: string;
  /**
   * A citizen's keyed person reference (shared/domain/person-ref.ts), made at the edge from
   * the resident ID the real-name platform verified; the ID itself goes no further. Set
   * only when the function holds the `person-ref-key` secret (every citizen route's does).
   */
  readonly personRef?: string;
}

/** What the edge needs besides the event to read the caller. */
export interface PrincipalOptions {
  /**
   * A citizen's resident ID to its person reference under the national `person-ref-key`
   * (shared/domain/person-ref.ts); functions serving citizen routes hold the key.
   */
  readonly personRefOf?: (residentId: string) => string;
  /** The issuers to trust; by default from the environment (claims.ts). */
  readonly issuers?: TrustedIssuers;
  readonly clock?: Clock;
}

/**
 * Reads the principal from the claims the JWT authorizer verified, through the one claim
 * mapping (claims.ts). Throws 401 when the request carries no verified claims, comes from
 * an untrusted issuer, is a citizen token without a valid resident ID or a stale staff
 * token. The reason is not told to the caller.
 */
export function principalOf(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  options: PrincipalOptions = {},
): Principal {
  const claims = event.requestContext.authorizer?.jwt?.claims as Claims | undefined;
  const issuers = options.issuers ?? trustedIssuersFromEnv();
  if (!claims || !issuers) throw unauthorized();
  let identity: VerifiedIdentity;
  try {
    identity = identityOf(claims, issuers, Math.floor((options.clock ?? systemClock).now().getTime() / 1000));
  } catch (error) {
    if (error instanceof UntrustedTokenError) throw unauthorized();
    throw error;
  }
  if (identity.kind === 'citizen') {
    return {
      subject: identity.subject,
      roles: ['citizen'],
      ...(options.personRefOf ? { personRef: options.personRefOf(identity.residentId) } : {}),
    };
  }
  return {
    subject: identity.subject,
    roles: identity.roles,
    ...(identity.region ? { region: identity.region, scopePrefix: scopePrefixOf(identity.region) } : {}),
  };
}

/** Throws 403 unless the principal holds one of the roles. */
export function requireRole(principal: Principal, allowed: readonly Role[]): void {
  if (!principal.roles.some((r) => allowed.includes(r))) throw forbidden();
}

/**
 * Whether a staff principal's region covers at least one of a record's regions (e.g. hukou
 * or residence). Staff without a region claim are covered nowhere.
 */
export function coversRecord(principal: Principal, regionCodes: readonly string[]): boolean {
  const prefix = principal.scopePrefix;
  return prefix !== undefined && regionCodes.some((code) => isWithinScope(code, prefix));
}

/** Throws 403 unless a staff principal's region covers at least one of the record's regions. */
export function requireRegionScope(principal: Principal, regionCodes: readonly string[]): void {
  if (!coversRecord(principal, regionCodes)) {
    throw new AccessDeniedError('This record lies outside your region.');
  }
}

/**
 * Throws 403 unless a staff principal's region is the whole province (e.g. `330000` in
 * province 33): the rule of routes whose records belong to no county (`scope: 'province'`).
 */
export function requireProvinceScope(principal: Principal, province: string): void {
  if (principal.scopePrefix !== province) {
    throw new AccessDeniedError('This operation is for staff of the whole province.');
  }
}

/**
 * The one region-scope rule for staff lists, reports and plans: the region prefix a query
 * covers. Without a requested region it is the caller's own region. A requested six-digit
 * code stands for everything under it, as a staff region does (`330000` → `33`, `330100` →
 * `3301`, `330106` → `330106`); a 2- or 4-digit prefix stands for itself. The result may
 * narrow the caller's region, never widen or leave it: a request outside it, or a caller
 * without a region, is refused with 403.
 */
export function scopedRegion(principal: Principal, requested?: string): string {
  const own = principal.scopePrefix;
  const prefix =
    requested === undefined ? own : requested.length === 6 ? scopePrefixOf(requested) : requested;
  if (!own || !prefix || !REGION_PREFIX_PATTERN.test(prefix) || !prefix.startsWith(own)) {
    throw new AccessDeniedError('That region lies outside your region.');
  }
  return prefix;
}

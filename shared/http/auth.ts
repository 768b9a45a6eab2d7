import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { AccessDeniedError } from '../domain/errors';
import {
  isWithinScope,
  REGION_CODE_PATTERN,
  REGION_PREFIX_PATTERN,
  scopePrefixOf,
} from '../domain/region-code';
import { ROLES, type Role } from '../manifest';
import { forbidden, unauthorized } from './problem';

/** Who is calling, as the token says. */
export interface Principal {
  readonly subject: string;
  readonly roles: readonly Role[];
  /** Region-code prefix staff are limited to; undefined for citizens and partners. */
  readonly scopePrefix?: string;
}

type Claims = Record<string, string | number | boolean | string[] | undefined>;

/**
 * API Gateway HTTP APIs pass array claims flattened to a string such as `[a b]`; Cognito
 * puts roles in `cognito:groups`. Accept both shapes so local and cloud read alike.
 */
function claimList(value: Claims[string]): string[] {
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

/**
 * Reads the principal from the claims the JWT authorizer verified. Throws 401 when the
 * request carries no verified claims (the authorizer was bypassed or the route is public).
 */
export function principalOf(event: APIGatewayProxyEventV2WithJWTAuthorizer): Principal {
  const claims = event.requestContext.authorizer?.jwt?.claims as Claims | undefined;
  const subject = claims?.sub;
  if (!claims || typeof subject !== 'string' || subject === '') throw unauthorized();
  const roles = claimList(claims['cognito:groups']).filter((r): r is Role => (ROLES as string[]).includes(r));
  const region = claims['custom:region'];
  const scopePrefix =
    typeof region === 'string' && REGION_CODE_PATTERN.test(region) ? scopePrefixOf(region) : undefined;
  return { subject, roles, ...(scopePrefix ? { scopePrefix } : {}) };
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

import type { Role } from '../../shared/manifest';

/**
 * Who may call what, written once as data. The proof suite compares it with the manifests
 * (a route missing here, or roles that differ, fail) and then asks the running API every
 * cell: each route × each role, no token, an expired token, a token from another issuer,
 * and, per kind of scope, the caller's own region, a child region, another region, their
 * own record and another citizen's record.
 *
 * Scope kinds:
 * - `region`: staff see records inside their region claim (a province or a county covers
 *   the regions beneath it); another region is refused with no data.
 * - `own-record`: citizens see only what they themselves filed or receive.
 * - `province`: province-wide operations (the exchange), no region below the province.
 * - `public`: no token needed; anything a token carries is ignored.
 */
export type ScopeKind = 'region' | 'own-record' | 'province' | 'public';

export interface RouteRule {
  readonly roles: readonly Role[];
  readonly scope: ScopeKind;
}

const staff = (...roles: Role[]): RouteRule => ({ roles, scope: 'region' });
const citizen: RouteRule = { roles: ['citizen'], scope: 'own-record' };
const open: RouteRule = { roles: [], scope: 'public' };
const exchange = (...roles: Role[]): RouteRule => ({ roles, scope: 'province' });

export const AUTHORIZATION_MATRIX: Readonly<Record<string, RouteRule>> = {
  // Registry
  'POST /v1/persons': staff('registrar'),
  'GET /v1/persons': staff('registrar', 'auditor'),
  'GET /v1/persons/{personId}': staff('registrar', 'auditor'),
  'PATCH /v1/persons/{personId}': staff('registrar'),
  'GET /v1/persons/{personId}/history': staff('registrar', 'auditor'),
  'POST /v1/persons/{personId}/actions/{action}': staff('registrar'),
  'POST /v1/birth-registrations': staff('registrar'),
  'GET /v1/birth-registrations': staff('registrar', 'auditor'),
  'GET /v1/birth-registrations/{registrationId}': staff('registrar', 'auditor'),
  'POST /v1/birth-registrations/{registrationId}/actions/{action}': staff('registrar'),
  'GET /v1/me/birth-registrations': citizen,
  'POST /v1/me/birth-registrations': citizen,
  'GET /v1/households': staff('registrar', 'auditor'),
  'GET /v1/households/{householdId}': staff('registrar', 'auditor'),
  'POST /v1/certificates': staff('registrar'),
  'GET /v1/certificates': staff('registrar', 'auditor'),
  'POST /v1/certificates/{certificateId}/actions/revoke': staff('registrar'),
  'GET /v1/me/certificates': citizen,
  'POST /v1/certificates/remote-verifications': staff('registrar'),
  'GET /v1/certificates/remote-verifications/{requestId}': staff('registrar', 'auditor'),
  'GET /v1/public/certificates/verify': open,
  'GET /v1/reports/births': staff('registrar', 'auditor'),
  // Who read my record: the family's own log; auditors by person or staff member, in region.
  'GET /v1/me/access-log': citizen,
  'GET /v1/access-log': staff('auditor'),
  // Payout
  'GET /v1/person-facts/{personId}': staff('payout-officer', 'payout-approver', 'auditor'),
  'GET /v1/schemes': open,
  'GET /v1/schemes/{code}': open,
  // Citizens apply for themselves; officers enrol within their region.
  'POST /v1/enrollments': { roles: ['citizen', 'payout-officer'], scope: 'region' },
  'GET /v1/enrollments': staff('payout-officer', 'payout-approver', 'auditor'),
  'GET /v1/enrollments/{enrollmentId}': staff('payout-officer', 'payout-approver', 'auditor'),
  'POST /v1/enrollments/{enrollmentId}/actions/{action}': staff('payout-officer', 'payout-approver'),
  'GET /v1/me/benefits': citizen,
  'POST /v1/payout-batches': staff('payout-officer'),
  'GET /v1/payout-batches/{batchId}': staff('payout-officer', 'payout-approver', 'auditor'),
  'GET /v1/payout-batches/{batchId}/payments': staff('payout-officer', 'payout-approver', 'auditor'),
  'POST /v1/payout-batches/{batchId}/actions/{action}': staff('payout-officer', 'payout-approver'),
  'GET /v1/payout-batches/{batchId}/payment-file': staff('payout-officer', 'payout-approver'),
  'POST /v1/payout-batches/{batchId}/status-reports': staff('payout-officer'),
  'GET /v1/reports/payouts': staff('payout-officer', 'payout-approver', 'auditor'),
  // Exchange: the inbox authenticates partners by signature, not by token.
  'POST /exchange/v1/inbox': open,
  'GET /.well-known/jwks.json': open,
  'GET /exchange/v1/schemas': open,
  'GET /v1/exchange/partners': exchange('exchange-operator', 'auditor'),
  'PUT /v1/exchange/partners/{code}': exchange('exchange-operator'),
  'POST /v1/exchange/partners/{code}/actions/{action}': exchange('exchange-operator'),
  'GET /v1/exchange/partners/{code}/log': exchange('exchange-operator', 'auditor'),
  'GET /v1/exchange/messages': exchange('exchange-operator', 'auditor'),
  'GET /v1/exchange/messages/{messageId}': exchange('exchange-operator', 'auditor'),
  'POST /v1/exchange/replay': exchange('exchange-operator'),
};

/** The token cells every non-public route is asked, beside one cell per role. */
export const TOKEN_CELLS = ['no-token', 'expired-token', 'foreign-issuer'] as const;
export type TokenCell = (typeof TOKEN_CELLS)[number];

/** The scope cells, with what each kind of scope answers. `admit` = the data; `deny` = none. */
export const SCOPE_CELLS = {
  region: { 'own-region': 'admit', 'child-region': 'admit', 'other-region': 'deny' },
  'own-record': { 'own-record': 'admit', 'other-citizen-record': 'deny' },
} as const;

export type Outcome = 'admit' | 'unauthenticated' | 'forbidden';

/** The expected answer of one route to one role or token cell. */
export function expectedOutcome(rule: RouteRule, cell: Role | TokenCell): Outcome {
  if (rule.scope === 'public') return 'admit';
  if ((TOKEN_CELLS as readonly string[]).includes(cell)) return 'unauthenticated';
  return rule.roles.includes(cell as Role) ? 'admit' : 'forbidden';
}

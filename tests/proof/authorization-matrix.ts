import type { Role } from '../../shared/manifest';

/**
 * Who may call what, written once as data. The proof suite compares it with the manifests
 * (a route missing here, or roles that differ, fail) and then asks the running API every
 * cell: each route × each role, no token, an expired token, a token from another issuer,
 * each with a request the route must accept when it admits the caller (so only 2xx counts
 * as admitted, never a 404 or 422). Then every route gets the cells of its kind of scope:
 * for region routes the caller's own region, the region above it and another region; for
 * province routes the province, a prefecture and a county; for family routes the caller's
 * own record, their minor child's, their spouse's, another family's member's and an
 * unknown resident ID's.
 *
 * Scope kinds:
 * - `region`: staff see records inside their region claim (a province or a county covers
 *   the regions beneath it); another region is refused with no data.
 * - `family`: citizens act for their own family only (shared/domain/family.ts); another
 *   family's member and an unknown resident ID get the same answer.
 * - `province`: province-wide operations (the exchange): only staff whose region is the whole
 *   province (the manifest's `scope: 'province'`); a prefecture or county login is refused.
 * - `public`: no token needed; anything a token carries is ignored.
 */
export type ScopeKind = 'region' | 'family' | 'province' | 'public';

export interface RouteRule {
  readonly roles: readonly Role[];
  readonly scope: ScopeKind;
}

const staff = (...roles: Role[]): RouteRule => ({ roles, scope: 'region' });
const citizen: RouteRule = { roles: ['citizen'], scope: 'family' };
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
  'GET /v1/held-death-notices': staff('registrar', 'auditor'),
  'POST /v1/held-death-notices/{noticeId}/actions/{action}': staff('registrar'),
  'POST /v1/birth-registrations': staff('registrar'),
  'GET /v1/birth-registrations': staff('registrar', 'auditor'),
  'GET /v1/birth-registrations/{registrationId}': staff('registrar', 'auditor'),
  'POST /v1/birth-registrations/{registrationId}/actions/{action}': staff('registrar'),
  'GET /v1/me/birth-registrations': citizen,
  'POST /v1/me/birth-registrations': citizen,
  'GET /v1/me': citizen,
  'GET /v1/me/household': citizen,
  'GET /v1/me/mandates': citizen,
  'POST /v1/me/mandates': citizen,
  'POST /v1/me/mandates/{mandateId}/actions/revoke': citizen,
  'POST /v1/persons/{personId}/mandates': staff('registrar'),
  'GET /v1/persons/{personId}/mandates': staff('registrar', 'auditor'),
  'POST /v1/persons/{personId}/mandates/{mandateId}/actions/revoke': staff('registrar'),
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
  // Officers enrol at the counter within their region; citizens apply for their own family.
  'POST /v1/enrollments': staff('payout-officer'),
  'POST /v1/me/enrollments': citizen,
  'GET /v1/enrollments': staff('payout-officer', 'payout-approver', 'auditor'),
  'GET /v1/enrollments/{enrollmentId}': staff('payout-officer', 'payout-approver', 'auditor'),
  // Approving an enrolment or confirming an account change also needs payout-approver and a second person.
  'POST /v1/enrollments/{enrollmentId}/actions/{action}': staff('payout-officer', 'payout-approver'),
  'POST /v1/enrollments/{enrollmentId}/death-notice-reversal': staff('payout-officer'),
  'POST /v1/enrollments/{enrollmentId}/account-changes': staff('payout-officer', 'payout-approver'),
  'POST /v1/enrollments/{enrollmentId}/account-changes/{changeId}/{decision}': staff(
    'payout-officer',
    'payout-approver',
  ),
  'GET /v1/me/benefits': citizen,
  'GET /v1/me/enrollments/{enrollmentId}/account-changes': citizen,
  'POST /v1/me/enrollments/{enrollmentId}/account-changes': citizen,
  'POST /v1/me/enrollments/{enrollmentId}/account-changes/{changeId}/confirm': citizen,
  'GET /v1/payout-batches': staff('payout-officer', 'payout-approver', 'auditor'),
  'POST /v1/payout-batches': staff('payout-officer'),
  'GET /v1/payout-batches/{batchId}': staff('payout-officer', 'payout-approver', 'auditor'),
  'GET /v1/payout-batches/{batchId}/payments': staff('payout-officer', 'payout-approver', 'auditor'),
  'POST /v1/payout-batches/{batchId}/actions/{action}': staff('payout-officer', 'payout-approver'),
  'GET /v1/payout-batches/{batchId}/payment-file': staff('payout-officer', 'payout-approver'),
  'POST /v1/payout-batches/{batchId}/status-reports': staff('payout-officer'),
  'GET /v1/reports/payouts': staff('payout-officer', 'payout-approver', 'auditor'),
  // Exchange: the inbox authenticates partners by signature, not by token.
  'POST /exchange/v1/inbox': open,
  'POST /exchange/v2/inbox': open,
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

/**
 * The scope cells, with what each kind of scope answers: `admit` = 2xx with the record;
 * `deny` = 403 with no data, or a list without the record. Region cells ask about records
 * of one county as staff of that county, of its prefecture (a region above it) and of
 * another prefecture; province cells ask a province-wide route as staff of the province,
 * of a prefecture and of a county.
 */
export const SCOPE_CELLS = {
  region: { 'own-region': 'admit', 'child-region': 'admit', 'other-region': 'deny' },
  province: { province: 'admit', prefecture: 'deny', county: 'deny' },
} as const;
export type RegionCell = keyof typeof SCOPE_CELLS.region;

/**
 * Region routes that depart from SCOPE_CELLS.region, with the reason. Asking another
 * province about one of its certificates is the caller's own request: it reads nothing of
 * any region here, so staff anywhere may ask (and read back only their own requests).
 */
const REGION_EXCEPTIONS: Readonly<Record<string, Partial<Record<RegionCell, 'admit' | 'deny'>>>> = {
  'POST /v1/certificates/remote-verifications': { 'other-region': 'admit' },
};

/** What a region route answers a caller of one region cell. */
export const scopeExpectation = (key: string, cell: RegionCell): 'admit' | 'deny' =>
  REGION_EXCEPTIONS[key]?.[cell] ?? SCOPE_CELLS.region[cell];

/** Whose record a family cell asks about, from the signed-in citizen's side. */
export const FAMILY_CELLS = ['self', 'own-child', 'spouse', 'other-family', 'unknown-resident-id'] as const;
export type FamilyCell = (typeof FAMILY_CELLS)[number];

/**
 * What each citizen route answers per family cell: `admit` (the record is shown or the
 * request reaches the family's own rules) or `deny` (the one "not in your family" answer,
 * or the record absent from a list). The last two cells always deny, alike. Where a route
 * departs from "self, child and spouse admitted", the reason is written here.
 */
const family = { self: 'admit', 'own-child': 'admit', spouse: 'admit' } as const;
export const FAMILY_EXPECTATIONS: Readonly<Record<string, Partial<Record<FamilyCell, 'admit' | 'deny'>>>> = {
  'GET /v1/me': family,
  'GET /v1/me/household': family,
  'GET /v1/me/birth-registrations': family,
  // The app files a birth of which the signed-in citizen is the mother or the father: a
  // filing naming only the child or only the spouse as parent is not hers to make.
  'POST /v1/me/birth-registrations': { self: 'admit', 'own-child': 'deny', spouse: 'deny' },
  'GET /v1/me/certificates': family,
  'GET /v1/me/benefits': family,
  // The log of staff reads lists the whole family's entries, no one else's.
  'GET /v1/me/access-log': family,
  'POST /v1/me/enrollments': family,
  // A mandate concerns its two people only: the parent who gave it and the child who holds it.
  'GET /v1/me/mandates': { self: 'admit', 'own-child': 'deny', spouse: 'deny' },
  // In the app an elderly parent authorises one of their children, no one else.
  'POST /v1/me/mandates': { self: 'deny', 'own-child': 'admit', spouse: 'deny' },
  'POST /v1/me/mandates/{mandateId}/actions/revoke': { self: 'admit', 'own-child': 'deny', spouse: 'deny' },
  // A payout account is changed by the person it pays (or who applied in the app), never by
  // a relative: the money is theirs, and the bank account must be too.
  'GET /v1/me/enrollments/{enrollmentId}/account-changes': {
    self: 'admit',
    'own-child': 'deny',
    spouse: 'deny',
  },
  'POST /v1/me/enrollments/{enrollmentId}/account-changes': {
    self: 'admit',
    'own-child': 'deny',
    spouse: 'deny',
  },
  'POST /v1/me/enrollments/{enrollmentId}/account-changes/{changeId}/confirm': {
    self: 'admit',
    'own-child': 'deny',
    spouse: 'deny',
  },
};

export type Outcome = 'admit' | 'unauthenticated' | 'forbidden';

/**
 * The expected answer of one route to one role or token cell. Each route trusts one
 * platform, as its deployed authorizer does: a token from the other platform is refused
 * like any invalid token (401), a staff role the route does not admit with 403.
 */
export function expectedOutcome(rule: RouteRule, cell: Role | TokenCell): Outcome {
  if (rule.scope === 'public') return 'admit';
  if ((TOKEN_CELLS as readonly string[]).includes(cell)) return 'unauthenticated';
  const citizenRoute = rule.roles.includes('citizen');
  if (citizenRoute !== (cell === 'citizen')) return 'unauthenticated';
  return rule.roles.includes(cell as Role) ? 'admit' : 'forbidden';
}

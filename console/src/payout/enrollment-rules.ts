import type { Enrollment, EnrollmentAction, EnrollmentStatus } from '../api/types';
import { canActOnPayout, canApprovePayout } from '../app/screens';
import type { MessageKey } from '../i18n/messages';

/** The review queue's tabs, in the order an officer works through them. */
export const ENROLLMENT_STATUSES: readonly EnrollmentStatus[] = [
  'pending-review',
  'active',
  'suspended',
  'ended',
  'rejected',
];

/** The status a queue address asks for, or the review queue itself when it names none we know. */
export const statusFrom = (value: string | null): EnrollmentStatus =>
  (ENROLLMENT_STATUSES as readonly string[]).includes(value ?? '')
    ? (value as EnrollmentStatus)
    : 'pending-review';

export const ENROLLMENT_STATUS_COLOUR: Readonly<Record<EnrollmentStatus, string>> = {
  'pending-review': 'blue',
  active: 'green',
  suspended: 'orange',
  ended: 'default',
  rejected: 'red',
};

/** Which statuses each staff action applies to (the API's rule, so no button is offered in vain). */
const ACTION_FROM: Readonly<Record<EnrollmentAction, readonly EnrollmentStatus[]>> = {
  approve: ['pending-review'],
  reject: ['pending-review'],
  suspend: ['active'],
  resume: ['suspended'],
  end: ['pending-review', 'active', 'suspended'],
};

/** Actions the API refuses without a reason. */
export const NEEDS_REASON: ReadonlySet<EnrollmentAction> = new Set(['reject', 'suspend', 'end']);

/**
 * The actions to offer on an enrolment in `status`: approval only to an approver (the
 * checker; the API still refuses whoever applied or changed the account), the others to
 * either payout role, none to a reader. A suspension caused by a death is not resumed here.
 */
export function enrollmentActionsFor(
  roles: readonly string[],
  enrollment: Pick<Enrollment, 'status'> & { suspensionReason?: unknown },
): EnrollmentAction[] {
  if (!canActOnPayout(roles)) return [];
  return (Object.keys(ACTION_FROM) as EnrollmentAction[]).filter(
    (action) =>
      ACTION_FROM[action].includes(enrollment.status) &&
      (action !== 'approve' || canApprovePayout(roles)) &&
      (action !== 'resume' || enrollment.suspensionReason === 'staff' || !enrollment.suspensionReason),
  );
}

/** One test of the eligibility trail: how deep it sits, whether it passed, and what it tested. */
export interface ReasonLine {
  readonly depth: number;
  readonly passed: boolean | undefined;
  readonly text: string;
}

/**
 * Reads the engine's eligibility trail (`"  pass: ageYears >= 49 (is 52)"`, indented two
 * spaces a level) into lines; a line of another shape is kept as it is, neither pass nor fail.
 */
export function readReasons(reasons: readonly string[]): ReasonLine[] {
  return reasons.map((reason) => {
    const match = /^( *)(pass|fail): (.*)$/.exec(reason);
    if (!match) return { depth: 0, passed: undefined, text: reason.trim() };
    return {
      depth: Math.floor((match[1] ?? '').length / 2),
      passed: match[2] === 'pass',
      text: match[3] ?? '',
    };
  });
}

/** How many of the trail's leaf tests failed (the `all`/`any`/`not` headings aside). */
export const failedTests = (lines: readonly ReasonLine[]): number =>
  lines.filter((l) => l.passed === false && !/^(all|any) \(|^not$/.test(l.text)).length;

/** An account change waiting for its second step, as the enrolment view carries it. */
export interface PendingChange {
  readonly changeId: string;
  readonly accountMasked: string;
  readonly holderMasked: string;
  readonly channel: string;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly reason?: string;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The enrolment's pending account change, if it has one of a usable shape. */
export function pendingChangeOf(enrollment: Record<string, unknown>): PendingChange | undefined {
  const pending = enrollment.pendingAccountChange;
  if (!pending || typeof pending !== 'object') return undefined;
  const p = pending as Record<string, unknown>;
  const account = (p.account && typeof p.account === 'object' ? p.account : {}) as Record<string, unknown>;
  if (!text(p.changeId)) return undefined;
  return {
    changeId: text(p.changeId),
    accountMasked: text(account.accountMasked),
    holderMasked: text(account.holderMasked),
    channel: text(p.channel),
    requestedBy: text(p.requestedBy),
    requestedAt: text(p.requestedAt),
    ...(text(p.reason) ? { reason: text(p.reason) } : {}),
  };
}

/**
 * Whether the signed-in staff member may decide a pending change: staff confirm only a change
 * asked for at the counter (the citizen confirms their own), and only an approver confirms.
 */
export function accountDecisionsFor(
  roles: readonly string[],
  change: PendingChange,
): ('confirm' | 'reject')[] {
  if (!canActOnPayout(roles)) return [];
  const confirm = change.channel === 'counter' && canApprovePayout(roles);
  return confirm ? ['confirm', 'reject'] : ['reject'];
}

export const enrollmentStatusLabel = (status: EnrollmentStatus): MessageKey =>
  `payout.enrollmentStatus.${status}`;

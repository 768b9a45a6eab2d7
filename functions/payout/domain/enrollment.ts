import { ConflictError, SeparationOfDutiesError, ValidationError } from '../../../shared/domain/errors';
import { provinceOf } from '../../../shared/domain/region-code';
import type { Period, Scheme } from './schemes';

export type EnrollmentStatus = 'pending-review' | 'active' | 'suspended' | 'ended' | 'rejected';

/**
 * Where a cross-province check stands: `awaiting` until the other province answers,
 * `conflict` while it pays the person under the same scheme, `clear` when it does not.
 */
export type CrossProvinceStatus = 'awaiting' | 'clear' | 'conflict';

export type EnrollmentActionType =
  | 'applied'
  | 'approved'
  | 'rejected'
  | 'suspended'
  | 'resumed'
  | 'ended'
  | 'deceased'
  | 'death-notice'
  | 'death-notice-reversed'
  | 'claim-conflict'
  | 'claim-clear'
  | 'account-change-requested'
  | 'account-change-withdrawn'
  | 'account-change-rejected'
  | 'account-changed';

export interface EnrollmentAction {
  readonly type: EnrollmentActionType;
  /** Staff or citizen subject; `system` for registry and exchange events. */
  readonly by: string;
  readonly at: string;
  readonly reason?: string;
  /** Account changes: which request, through which channel, and the accounts masked. */
  readonly changeId?: string;
  readonly channel?: 'app' | 'counter';
  /** Account changes: who asked for the change the action confirms (`by` confirmed it). */
  readonly requestedBy?: string;
  readonly accountMasked?: string;
  readonly previousAccountMasked?: string;
  /** Account changes: the first period the new account pays. */
  readonly effectiveFromPeriod?: string;
}

/**
 * A new account waiting for its second step: a different staff member's confirmation when
 * staff asked for it, the citizen's re-entry of the account number when they asked in the app.
 */
export interface PendingAccountChange {
  readonly changeId: string;
  readonly account: StoredBankAccount;
  readonly channel: 'app' | 'counter';
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly reason?: string;
  /** App requests lapse unless re-confirmed by then. */
  readonly expiresAt?: string;
}

/** The bank account a benefit is paid to: encrypted whole, shown masked. */
export interface StoredBankAccount {
  /** AES-256-GCM ciphertext of `{ accountNumber, holderName, bankCode }`. */
  readonly encrypted: string;
  readonly accountMasked: string;
  readonly holderMasked: string;
  /** Keyed hash of bank code and account number (domain/bank-account.ts): compares accounts unseen. */
  readonly fingerprint?: string;
}

/** What the bank file needs of an account; only ever held decrypted in memory. */
export interface BankAccount {
  readonly accountNumber: string;
  readonly holderName: string;
  /** CNAPS member id of the receiving bank (12 digits). */
  readonly bankCode: string;
}

/** The death notice of another province that suspended an enrolment. */
export interface DeathNoticeCause {
  readonly noticeId: string;
  readonly province: string;
  readonly deathDate: string;
}

export interface Enrollment {
  readonly enrollmentId: string;
  readonly scheme: string;
  readonly personId: string;
  readonly personRef?: string;
  /** The beneficiary's region in this province (hukou if here, else residence): batches and staff scope. */
  readonly region: string;
  readonly hukouRegion: string;
  readonly residenceRegion: string;
  readonly status: EnrollmentStatus;
  /** First period paid: the period the enrolment was approved in. */
  readonly fromPeriod?: string;
  /** Periods from this one on are held (death: the month after). */
  readonly suspendedFromPeriod?: string;
  readonly suspensionReason?: 'deceased' | 'death-notice' | 'staff';
  /** While suspended by another province's death notice: which notice (see death-notice.ts). */
  readonly deathNotice?: DeathNoticeCause;
  /** A death date an officer found wrong in a notice: that death does not suspend again. */
  readonly reversedDeathDate?: string;
  /**
   * Set when the enrolment was claimed in the hukou province (`province`), or waited in our
   * own register: where the claim stands, and the last period paid by a province that held
   * the person before (not paid here).
   */
  readonly crossProvince?: {
    readonly province: string;
    readonly status: CrossProvinceStatus;
    readonly paidElsewhereThrough?: string;
  };
  /** The account paid from `accountFromPeriod` on (every period when that is unset). */
  readonly bankAccount: StoredBankAccount;
  readonly accountFromPeriod?: string;
  /** Accounts that still pay the periods before `accountFromPeriod`, oldest first. */
  readonly earlierAccounts?: readonly { readonly account: StoredBankAccount; readonly fromPeriod?: string }[];
  readonly pendingAccountChange?: PendingAccountChange;
  readonly channel: 'app' | 'counter';
  /** Token subject of the citizen who applied in the app: their benefits view. */
  readonly applicantSubject?: string;
  readonly eligibility: { readonly ruleVersion?: number; readonly reasons: readonly string[] };
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly actions: readonly EnrollmentAction[];
}

export type StaffAction = 'approve' | 'reject' | 'suspend' | 'resume' | 'end';

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The period of a scheme that contains a calendar day: `YYYY-MM` monthly, `YYYY` otherwise. */
export function periodContaining(scheme: Scheme, day: string): string {
  return scheme.frequency === 'monthly' ? day.slice(0, 7) : day.slice(0, 4);
}

/** The monthly period after the one containing `day` (death suspends from the month after). */
export function monthAfter(day: string): string {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  return month === 12 ? `${year + 1}-01` : `${year}-${pad2(month + 1)}`;
}

/** Whether `period` is on or after `from`; periods of one scheme compare as strings. */
export const periodOnOrAfter = (period: Period | string, from: string): boolean => {
  const id = typeof period === 'string' ? period : period.id;
  // Annual periods (`YYYY`) compared with a monthly bound (`YYYY-MM`) use the year's start.
  return id.length === from.length ? id >= from : id >= from.slice(0, id.length);
};

/** The other province of a person whose hukou and residence provinces differ, seen from `own`. */
export function otherProvince(own: string, hukouRegion: string, residenceRegion: string): string | undefined {
  const hukou = provinceOf(hukouRegion);
  const residence = provinceOf(residenceRegion);
  if (hukou === residence) return undefined;
  return hukou === own ? residence : hukou;
}

function requireReason(action: StaffAction, reason: string | undefined): void {
  if (['reject', 'suspend', 'end'].includes(action) && !reason?.trim()) {
    throw new ValidationError(
      { en: `A reason is required to ${action} an enrolment.`, zh: `此操作（${action}）需要填写原因。` },
      [{ field: 'body.reason', message: 'is required' }],
    );
  }
}

const ALLOWED: Record<StaffAction, readonly EnrollmentStatus[]> = {
  approve: ['pending-review'],
  reject: ['pending-review'],
  suspend: ['active'],
  resume: ['suspended'],
  end: ['active', 'suspended', 'pending-review'],
};

const NEXT: Record<StaffAction, EnrollmentStatus> = {
  approve: 'active',
  reject: 'rejected',
  suspend: 'suspended',
  resume: 'active',
  end: 'ended',
};

const ACTION_TYPE: Record<StaffAction, EnrollmentActionType> = {
  approve: 'approved',
  reject: 'rejected',
  suspend: 'suspended',
  resume: 'resumed',
  end: 'ended',
};

/**
 * Who supplied the enrolment's money details and so may not approve it: whoever applied
 * (at the counter or in the app), whoever asked for the account change now in force, and
 * whoever asked for the change awaiting confirmation.
 */
export function makersOf(enrollment: Enrollment): Set<string> {
  const makers = new Set<string>();
  const applied = enrollment.actions.find((a) => a.type === 'applied');
  if (applied) makers.add(applied.by);
  const lastChange = enrollment.actions.findLast((a) => a.type === 'account-changed');
  if (lastChange) makers.add(lastChange.requestedBy ?? lastChange.by);
  if (enrollment.pendingAccountChange) makers.add(enrollment.pendingAccountChange.requestedBy);
  return makers;
}

/**
 * Four eyes on enrolment: the approver is not whoever applied for it or last changed its
 * account. Throws SeparationOfDutiesError otherwise.
 */
export function requireSecondPerson(enrollment: Enrollment, approver: string): void {
  if (makersOf(enrollment).has(approver)) {
    throw new SeparationOfDutiesError({
      en: 'Whoever applied for an enrolment or changed its account cannot approve it; a second person must.',
      zh: '申领的经办人或变更其收款账户的人不能审批该申领，须由另一人审批。',
    });
  }
}

/**
 * Applies a staff action to an enrolment. Approval fixes the first period paid and needs a
 * second person (requireSecondPerson); a death suspension cannot be resumed (the registry
 * would have to correct the death first). Throws ConflictError when the action does not
 * apply in the current status.
 */
export function applyStaffAction(
  enrollment: Enrollment,
  action: StaffAction,
  input: { by: string; at: Date; reason?: string; scheme: Scheme },
): Enrollment {
  requireReason(action, input.reason);
  if (!ALLOWED[action].includes(enrollment.status)) {
    throw new ConflictError({
      en: `An enrolment that is ${enrollment.status} cannot be given "${action}".`,
      zh: `状态为 ${enrollment.status} 的申领不能执行“${action}”。`,
    });
  }
  if (action === 'resume' && enrollment.suspensionReason === 'death-notice') {
    throw new ConflictError(
      'The enrolment was suspended by another province’s death notice; reverse that suspension with a reason instead.',
    );
  }
  if (action === 'approve') requireSecondPerson(enrollment, input.by);
  if (action === 'resume' && enrollment.suspensionReason === 'deceased') {
    throw new ConflictError('The beneficiary is recorded as deceased; the enrolment cannot be resumed.');
  }
  const at = input.at.toISOString();
  const { suspendedFromPeriod: _from, suspensionReason: _why, ...rest } = enrollment;
  const base = action === 'resume' ? rest : enrollment;
  return {
    ...base,
    status: NEXT[action],
    ...(action === 'approve' ? { fromPeriod: periodContaining(input.scheme, at.slice(0, 10)) } : {}),
    ...(action === 'suspend'
      ? {
          suspendedFromPeriod: periodContaining(input.scheme, at.slice(0, 10)),
          suspensionReason: 'staff' as const,
        }
      : {}),
    version: enrollment.version + 1,
    updatedAt: at,
    actions: [
      ...enrollment.actions,
      { type: ACTION_TYPE[action], by: input.by, at, ...(input.reason ? { reason: input.reason } : {}) },
    ],
  };
}

/**
 * A recorded death suspends the enrolment from the month after the death: that month is
 * still paid, later ones are held. Returns undefined when nothing changes (a replayed
 * event, an enrolment already over or already suspended by a death notice, or the death
 * an officer reversed).
 */
export function applyDeath(enrollment: Enrollment, deathDate: string, at: Date): Enrollment | undefined {
  if (enrollment.status === 'ended' || enrollment.status === 'rejected') return undefined;
  if (enrollment.suspensionReason === 'deceased' || enrollment.suspensionReason === 'death-notice') {
    return undefined;
  }
  if (enrollment.reversedDeathDate === deathDate) return undefined;
  const iso = at.toISOString();
  return {
    ...enrollment,
    status: 'suspended',
    suspendedFromPeriod: monthAfter(deathDate),
    suspensionReason: 'deceased',
    version: enrollment.version + 1,
    updatedAt: iso,
    actions: [...enrollment.actions, { type: 'deceased', by: 'system', at: iso }],
  };
}

/**
 * Records the answer to our claim, with the last period paid by a province that held the
 * person before (a clear only). Returns undefined when it changes nothing (a repeated answer).
 */
export function applyClaimAnswer(
  enrollment: Enrollment,
  answer: 'conflict' | 'clear',
  at: Date,
  paidElsewhereThrough?: string,
): Enrollment | undefined {
  const current = enrollment.crossProvince;
  const through = answer === 'clear' ? paidElsewhereThrough : undefined;
  if (!current || (current.status === answer && current.paidElsewhereThrough === through)) return undefined;
  const iso = at.toISOString();
  const { paidElsewhereThrough: _, ...where } = current;
  return {
    ...enrollment,
    crossProvince: { ...where, status: answer, ...(through ? { paidElsewhereThrough: through } : {}) },
    version: enrollment.version + 1,
    updatedAt: iso,
    actions: [
      ...enrollment.actions,
      { type: answer === 'conflict' ? 'claim-conflict' : 'claim-clear', by: 'system', at: iso },
    ],
  };
}

/** Masks an account number to its last four digits. */
export const maskAccount = (account: string): string => `****${account.slice(-4)}`;

/** Masks a name to its first character (as certificates do). */
export const maskName = (name: string): string =>
  `${[...name][0] ?? ''}${'*'.repeat(Math.max(1, [...name].length - 1))}`;

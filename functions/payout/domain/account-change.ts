import {
  ConflictError,
  NotFoundError,
  PaymentInFlightError,
  SeparationOfDutiesError,
  ValidationError,
} from '../../../shared/domain/errors';
import type { BatchState, PaymentLine } from './batch';
import {
  type Enrollment,
  type EnrollmentAction,
  monthAfter,
  type PendingAccountChange,
  periodContaining,
  periodOnOrAfter,
  type StoredBankAccount,
} from './enrollment';
import type { BatchRepository } from './ports';
import type { Scheme } from './schemes';

/** How long a change asked for in the app waits for its re-confirmation. */
export const APP_CONFIRMATION_WINDOW_MS = 15 * 60_000;

/** Statuses in which an enrolment may still pay, so its account may change. */
const CHANGEABLE = new Set(['pending-review', 'active', 'suspended']);

/** Batch states in which the bank file is fixed or on its way: their unsettled lines are in flight. */
const IN_FLIGHT_BATCH = new Set<BatchState>(['submitted', 'approved', 'disbursing']);

export interface AccountChangeRequest {
  readonly changeId: string;
  readonly account: StoredBankAccount;
  readonly by: string;
  readonly channel: 'app' | 'counter';
  readonly at: Date;
  readonly reason?: string;
}

const accountAction = (
  type: EnrollmentAction['type'],
  change: PendingAccountChange,
  enrollment: Enrollment,
  by: string,
  at: string,
  extra: Partial<EnrollmentAction> = {},
): EnrollmentAction => ({
  type,
  by,
  at,
  changeId: change.changeId,
  channel: change.channel,
  accountMasked: change.account.accountMasked,
  previousAccountMasked: enrollment.bankAccount.accountMasked,
  ...extra,
});

/**
 * Records a request to pay an enrolment to another account. It changes nothing yet: staff
 * requests wait for a different person's confirmation, app requests for the citizen's
 * re-entry of the account number within APP_CONFIRMATION_WINDOW_MS. A newer request
 * withdraws one still waiting. Staff give a reason; the account must differ from the
 * current one.
 */
function requireChangeable(enrollment: Enrollment): void {
  if (!CHANGEABLE.has(enrollment.status)) {
    throw new ConflictError({
      en: `The account of an enrolment that is ${enrollment.status} cannot be changed.`,
      zh: `状态为 ${enrollment.status} 的申领不能变更收款账户。`,
    });
  }
}

export function requestAccountChange(enrollment: Enrollment, request: AccountChangeRequest): Enrollment {
  requireChangeable(enrollment);
  if (request.channel === 'counter' && !request.reason?.trim()) {
    throw new ValidationError(
      { en: 'A reason is required to change an account.', zh: '变更收款账户需要填写原因。' },
      [{ field: 'body.reason', message: 'is required' }],
    );
  }
  const current = enrollment.bankAccount.fingerprint;
  if (current && current === request.account.fingerprint) {
    throw new ValidationError(
      { en: 'This is already the account of the enrolment.', zh: '该账户已是本申领的收款账户。' },
      [{ field: 'body.bankAccount', message: 'is the current account' }],
    );
  }
  const at = request.at.toISOString();
  const pending: PendingAccountChange = {
    changeId: request.changeId,
    account: request.account,
    channel: request.channel,
    requestedBy: request.by,
    requestedAt: at,
    ...(request.reason ? { reason: request.reason } : {}),
    ...(request.channel === 'app'
      ? { expiresAt: new Date(request.at.getTime() + APP_CONFIRMATION_WINDOW_MS).toISOString() }
      : {}),
  };
  const withdrawn = enrollment.pendingAccountChange
    ? [
        accountAction(
          'account-change-withdrawn',
          enrollment.pendingAccountChange,
          enrollment,
          request.by,
          at,
          {
            reason: 'superseded by a newer request',
          },
        ),
      ]
    : [];
  return {
    ...enrollment,
    pendingAccountChange: pending,
    version: enrollment.version + 1,
    updatedAt: at,
    actions: [
      ...enrollment.actions,
      ...withdrawn,
      accountAction('account-change-requested', pending, enrollment, request.by, at, {
        ...(request.reason ? { reason: request.reason } : {}),
      }),
    ],
  };
}

function pendingChange(enrollment: Enrollment, changeId: string): PendingAccountChange {
  const pending = enrollment.pendingAccountChange;
  if (!pending || pending.changeId !== changeId) {
    throw new NotFoundError({
      en: 'No account change with that id is waiting for confirmation.',
      zh: '没有待确认的该账户变更。',
    });
  }
  return pending;
}

/** The new account takes over from `effectiveFromPeriod`; the old one keeps the periods before. */
function applyChange(
  enrollment: Enrollment,
  pending: PendingAccountChange,
  by: string,
  at: Date,
  effectiveFromPeriod: string,
): Enrollment {
  // A change still waiting when the enrolment ended or was rejected has nothing left to pay.
  requireChangeable(enrollment);
  const iso = at.toISOString();
  // An earlier account whose first period the new one reaches would never pay: it is dropped.
  const earlier = [
    ...(enrollment.earlierAccounts ?? []),
    {
      account: enrollment.bankAccount,
      ...(enrollment.accountFromPeriod ? { fromPeriod: enrollment.accountFromPeriod } : {}),
    },
  ].filter((e) => !e.fromPeriod || !periodOnOrAfter(e.fromPeriod, effectiveFromPeriod));
  const { pendingAccountChange: _done, ...rest } = enrollment;
  return {
    ...rest,
    bankAccount: pending.account,
    accountFromPeriod: effectiveFromPeriod,
    earlierAccounts: earlier,
    version: enrollment.version + 1,
    updatedAt: iso,
    actions: [
      ...enrollment.actions,
      accountAction('account-changed', pending, enrollment, by, iso, {
        requestedBy: pending.requestedBy,
        effectiveFromPeriod,
        ...(pending.reason ? { reason: pending.reason } : {}),
      }),
    ],
  };
}

/**
 * A second staff member confirms a staff request: the new account pays from
 * `effectiveFromPeriod` (nextUnplannedPeriod). Throws NotFoundError for an unknown change,
 * SeparationOfDutiesError when the confirmer asked for it, ConflictError for an app request
 * (the citizen re-confirms those themselves).
 */
export function confirmAccountChange(
  enrollment: Enrollment,
  input: { changeId: string; by: string; at: Date; effectiveFromPeriod: string },
): Enrollment {
  const pending = pendingChange(enrollment, input.changeId);
  if (pending.channel !== 'counter') {
    throw new ConflictError({
      en: 'A change asked for in the app is confirmed by the citizen in the app.',
      zh: '在应用中申请的变更须由申请人在应用中确认。',
    });
  }
  if (pending.requestedBy === input.by) {
    throw new SeparationOfDutiesError({
      en: 'Whoever asked for an account change cannot confirm it; a second person must.',
      zh: '申请变更收款账户的人不能确认该变更，须由另一人确认。',
    });
  }
  return applyChange(enrollment, pending, input.by, input.at, input.effectiveFromPeriod);
}

/**
 * The citizen re-confirms their own app request by typing the account number again: its
 * fingerprint (with the requested bank) must match. Only the login that asked may confirm,
 * within the window. Throws NotFoundError for an unknown change or another login's,
 * ConflictError when the window has passed, ValidationError when the number differs.
 */
export async function confirmOwnAccountChange(
  enrollment: Enrollment,
  input: {
    changeId: string;
    by: string;
    at: Date;
    /** The fingerprint of the re-typed number at the requested account's bank. */
    retyped: (requested: StoredBankAccount) => Promise<string>;
    effectiveFromPeriod: string;
  },
): Promise<Enrollment> {
  const pending = pendingChange(enrollment, input.changeId);
  if (pending.channel !== 'app' || pending.requestedBy !== input.by) {
    throw new NotFoundError({
      en: 'No account change with that id is waiting for confirmation.',
      zh: '没有待确认的该账户变更。',
    });
  }
  if (pending.expiresAt && input.at.toISOString() > pending.expiresAt) {
    throw new ConflictError({
      en: 'The time to confirm this account change has passed; ask for the change again.',
      zh: '确认该账户变更的时限已过，请重新申请。',
    });
  }
  if (pending.account.fingerprint !== (await input.retyped(pending.account))) {
    throw new ValidationError(
      {
        en: 'The account number does not match the one given in the request.',
        zh: '账号与申请时填写的不一致。',
      },
      [{ field: 'body.accountNumber', message: 'does not match the requested account' }],
    );
  }
  return applyChange(enrollment, pending, input.by, input.at, input.effectiveFromPeriod);
}

/**
 * Refuses (or, by its requester, withdraws) a change waiting for confirmation, with a
 * reason; the account stays as it was.
 */
export function rejectAccountChange(
  enrollment: Enrollment,
  input: { changeId: string; by: string; at: Date; reason?: string },
): Enrollment {
  const pending = pendingChange(enrollment, input.changeId);
  if (!input.reason?.trim()) {
    throw new ValidationError(
      { en: 'A reason is required to reject an account change.', zh: '驳回账户变更需要填写原因。' },
      [{ field: 'body.reason', message: 'is required' }],
    );
  }
  const at = input.at.toISOString();
  const { pendingAccountChange: _gone, ...rest } = enrollment;
  return {
    ...rest,
    version: enrollment.version + 1,
    updatedAt: at,
    actions: [
      ...enrollment.actions,
      accountAction('account-change-rejected', pending, enrollment, input.by, at, { reason: input.reason }),
    ],
  };
}

/** The period after `period` of a scheme: the next month, or the next year. */
export function periodAfter(scheme: Scheme, period: string): string {
  return scheme.frequency === 'monthly' ? monthAfter(`${period}-01`) : String(Number(period) + 1);
}

/**
 * The first period no batch has planned for the enrolment yet, and not before the current
 * one: where a new account can start without changing a line already planned.
 */
export function nextUnplannedPeriod(
  scheme: Scheme,
  today: string,
  plannedPeriods: readonly string[],
): string {
  const current = periodContaining(scheme, today);
  const latest = plannedPeriods.reduce<string | undefined>(
    (a, p) => (a === undefined || p > a ? p : a),
    undefined,
  );
  return latest !== undefined && latest >= current ? periodAfter(scheme, latest) : current;
}

/** Whether a line of the enrolment is on its way to the bank: unsettled in a submitted, approved or disbursing batch. */
export function inFlight(
  lines: readonly PaymentLine[],
  batchStates: ReadonlyMap<string, BatchState>,
): boolean {
  return lines.some(
    (l) =>
      (l.state === 'pending' || l.state === 'sent') &&
      IN_FLIGHT_BATCH.has(batchStates.get(l.batchId) as BatchState),
  );
}

/**
 * When an account change can take effect: refuses with PaymentInFlightError while a line
 * of the enrolment is in flight, otherwise answers the next unplanned period (from the
 * enrolment's lines and the periods of the batches holding them, cancelled ones aside).
 */
export async function accountChangeStart(
  batches: Pick<BatchRepository, 'linesOfEnrollment' | 'find'>,
  enrollment: Enrollment,
  scheme: Scheme,
  at: Date,
): Promise<string> {
  const lines = await batches.linesOfEnrollment(enrollment.enrollmentId);
  const ids = [...new Set(lines.map((l) => l.batchId))];
  const found = await Promise.all(ids.map((id) => batches.find(id)));
  const held = found.filter((b) => b !== undefined);
  if (inFlight(lines, new Map(held.map((b) => [b.batchId, b.state])))) {
    throw new PaymentInFlightError({
      en: 'A payment of this enrolment is on its way to the bank; change the account once that batch is settled.',
      zh: '本申领有款项正在发放，请在该批次结算后再变更收款账户。',
    });
  }
  const planned = held.filter((b) => b.state !== 'cancelled').map((b) => b.period);
  return nextUnplannedPeriod(scheme, at.toISOString().slice(0, 10), planned);
}

/** The caller of a citizen route, as far as an enrolment's own check needs. */
export interface CitizenCaller {
  readonly subject: string;
  /** The caller's person reference, when their token carries a verified resident ID. */
  readonly personRef?: string;
}

/**
 * The one check of a citizen's own enrolment: they applied for it in the app, or it pays
 * them (its person reference is theirs). Family scope (a spouse, a guardian) widens this
 * where the registry's relations are known.
 */
export function isOwnEnrollment(enrollment: Enrollment, caller: CitizenCaller): boolean {
  if (enrollment.applicantSubject !== undefined && enrollment.applicantSubject === caller.subject)
    return true;
  return caller.personRef !== undefined && enrollment.personRef === caller.personRef;
}

const ACCOUNT_ACTIONS = new Set<EnrollmentAction['type']>([
  'account-change-requested',
  'account-change-withdrawn',
  'account-change-rejected',
  'account-changed',
]);

/**
 * The account history as the family sees it: what changed, when, why, through which
 * channel, the accounts masked; staff are named only as staff, the family's own requests
 * as theirs.
 */
export function accountHistoryOf(enrollment: Enrollment, caller: CitizenCaller) {
  const pending = enrollment.pendingAccountChange;
  return {
    enrollmentId: enrollment.enrollmentId,
    account: {
      accountMasked: enrollment.bankAccount.accountMasked,
      ...(enrollment.accountFromPeriod ? { fromPeriod: enrollment.accountFromPeriod } : {}),
    },
    ...(pending
      ? {
          pending: {
            changeId: pending.changeId,
            channel: pending.channel,
            accountMasked: pending.account.accountMasked,
            requestedAt: pending.requestedAt,
            byYou: pending.requestedBy === caller.subject,
            ...(pending.expiresAt ? { expiresAt: pending.expiresAt } : {}),
          },
        }
      : {}),
    history: enrollment.actions
      .filter((a) => ACCOUNT_ACTIONS.has(a.type))
      .map((a) => ({
        type: a.type,
        at: a.at,
        channel: a.channel ?? 'counter',
        byYou: a.by === caller.subject,
        ...(a.reason ? { reason: a.reason } : {}),
        ...(a.accountMasked ? { accountMasked: a.accountMasked } : {}),
        ...(a.previousAccountMasked ? { previousAccountMasked: a.previousAccountMasked } : {}),
        ...(a.effectiveFromPeriod ? { effectiveFromPeriod: a.effectiveFromPeriod } : {}),
      })),
  };
}

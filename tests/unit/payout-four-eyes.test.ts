import { describe, expect, it } from 'vitest';
import { getScheme } from '../../functions/payout/config/schemes';
import {
  APP_CONFIRMATION_WINDOW_MS,
  accountHistoryOf,
  confirmAccountChange,
  confirmOwnAccountChange,
  inFlight,
  isOwnEnrollment,
  nextUnplannedPeriod,
  rejectAccountChange,
  requestAccountChange,
} from '../../functions/payout/domain/account-change';
import {
  accountFingerprint,
  accountInForce,
  retypedFingerprint,
  sealBankAccount,
} from '../../functions/payout/domain/bank-account';
import type { PaymentLine } from '../../functions/payout/domain/batch';
import { applyStaffAction, type Enrollment, makersOf } from '../../functions/payout/domain/enrollment';
import {
  ConflictError,
  NotFoundError,
  SeparationOfDutiesError,
  ValidationError,
} from '../../shared/domain/errors';
import { accountFor, TEST_ACCOUNTS, TEST_FINGERPRINT_KEY } from '../support/payout-fixtures';

const scheme = getScheme('rural-reward');
const sealer = { accounts: TEST_ACCOUNTS, fingerprintKey: TEST_FINGERPRINT_KEY };
const ENROLLMENT_ID = '01JD0000000000000000000001';
/** Accounts 1 to 9, sealed for the enrolment of these tests. */
const SEALED = await Promise.all(
  Array.from({ length: 10 }, (_, i) => sealBankAccount(sealer, accountFor(i), ENROLLMENT_ID)),
);
const storedAccount = (i: number): Enrollment['bankAccount'] => SEALED[i] as Enrollment['bankAccount'];
const at = new Date('2026-11-22T09:00:00.000Z');
const later = (minutes: number) => new Date(at.getTime() + minutes * 60_000);

/** A counter enrolment by `officer-1`, pending review, paid to account 1. */
function counterEnrollment(overrides: Partial<Enrollment> = {}): Enrollment {
  return {
    enrollmentId: ENROLLMENT_ID,
    scheme: scheme.code,
    personId: '01JD0000000000000000000002',
    personRef: 'ref-of-the-beneficiary',
    region: '330106',
    hukouRegion: '330106',
    residenceRegion: '330106',
    status: 'pending-review',
    bankAccount: storedAccount(1),
    channel: 'counter',
    eligibility: { reasons: [] },
    version: 1,
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
    actions: [{ type: 'applied', by: 'officer-1', at: at.toISOString() }],
    ...overrides,
  };
}

const request = (e: Enrollment, by: string, channel: 'app' | 'counter' = 'counter', i = 2) =>
  requestAccountChange(e, {
    changeId: `01JD00000000000000000000C${i}`,
    account: storedAccount(i),
    by,
    channel,
    at,
    reason: '原账户已销户',
  });

describe('four eyes on enrolment approval', () => {
  it('refuses the officer who applied at the counter, and admits a second person', () => {
    const e = counterEnrollment();
    expect(() => applyStaffAction(e, 'approve', { by: 'officer-1', at, scheme })).toThrow(
      SeparationOfDutiesError,
    );
    expect(applyStaffAction(e, 'approve', { by: 'approver-2', at, scheme }).status).toBe('active');
  });

  it('refuses whoever asked for the last account change, confirmed or still waiting', () => {
    const pending = request(counterEnrollment(), 'approver-2');
    expect(makersOf(pending)).toEqual(new Set(['officer-1', 'approver-2']));
    expect(() => applyStaffAction(pending, 'approve', { by: 'approver-2', at, scheme })).toThrow(
      SeparationOfDutiesError,
    );
    const confirmed = confirmAccountChange(pending, {
      changeId: pending.pendingAccountChange?.changeId ?? '',
      by: 'approver-3',
      at,
      effectiveFromPeriod: '2026-11',
    });
    expect(() => applyStaffAction(confirmed, 'approve', { by: 'approver-2', at, scheme })).toThrow(
      SeparationOfDutiesError,
    );
    // The confirmer checked the account; they may approve.
    expect(applyStaffAction(confirmed, 'approve', { by: 'approver-3', at, scheme }).status).toBe('active');
  });

  it('leaves the other actions to either officer', () => {
    const active = applyStaffAction(counterEnrollment(), 'approve', { by: 'approver-2', at, scheme });
    expect(applyStaffAction(active, 'suspend', { by: 'officer-1', at, scheme, reason: '核查' }).status).toBe(
      'suspended',
    );
  });
});

describe('staff account changes need a second person', () => {
  const active = counterEnrollment({ status: 'active', fromPeriod: '2026-01' });

  it('records the request as pending and changes nothing until confirmed', () => {
    const pending = request(active, 'officer-1');
    expect(pending.bankAccount).toEqual(active.bankAccount);
    expect(pending.pendingAccountChange).toMatchObject({ channel: 'counter', requestedBy: 'officer-1' });
    expect(pending.actions.at(-1)).toMatchObject({
      type: 'account-change-requested',
      by: 'officer-1',
      reason: '原账户已销户',
      accountMasked: '****0002',
      previousAccountMasked: '****0001',
    });
  });

  it('refuses a request without a reason, for the current account, or on an ended enrolment', () => {
    expect(() =>
      requestAccountChange(active, {
        changeId: '01JD00000000000000000000C2',
        account: storedAccount(2),
        by: 'officer-1',
        channel: 'counter',
        at,
      }),
    ).toThrow(ValidationError);
    expect(() => request(active, 'officer-1', 'counter', 1)).toThrow(ValidationError);
    expect(() => request({ ...active, status: 'ended' }, 'officer-1')).toThrow(ConflictError);
  });

  it('refuses confirmation by the requester; a second person confirms from the period given', () => {
    const pending = request(active, 'officer-1');
    const changeId = pending.pendingAccountChange?.changeId ?? '';
    expect(() =>
      confirmAccountChange(pending, { changeId, by: 'officer-1', at, effectiveFromPeriod: '2026-12' }),
    ).toThrow(SeparationOfDutiesError);
    expect(() =>
      confirmAccountChange(pending, {
        changeId: '01JD00000000000000000000ZZ',
        by: 'approver-2',
        at,
        effectiveFromPeriod: '2026-12',
      }),
    ).toThrow(NotFoundError);
    const changed = confirmAccountChange(pending, {
      changeId,
      by: 'approver-2',
      at,
      effectiveFromPeriod: '2026-12',
    });
    expect(changed.pendingAccountChange).toBeUndefined();
    expect(changed.bankAccount.accountMasked).toBe('****0002');
    expect(changed.accountFromPeriod).toBe('2026-12');
    expect(changed.actions.at(-1)).toMatchObject({
      type: 'account-changed',
      by: 'approver-2',
      requestedBy: 'officer-1',
      effectiveFromPeriod: '2026-12',
      previousAccountMasked: '****0001',
      accountMasked: '****0002',
    });
    // A period planned before the change keeps the account it was planned on.
    expect(accountInForce(changed, '2026-11').accountMasked).toBe('****0001');
    expect(accountInForce(changed, '2026-12').accountMasked).toBe('****0002');
    expect(accountInForce(changed, '2027-03').accountMasked).toBe('****0002');
  });

  it('a change still waiting when the enrolment ends can no longer be confirmed', () => {
    const pending = request(active, 'officer-1');
    const ended = applyStaffAction(pending, 'end', { by: 'officer-1', at, scheme, reason: '户籍迁出' });
    expect(() =>
      confirmAccountChange(ended, {
        changeId: pending.pendingAccountChange?.changeId ?? '',
        by: 'approver-2',
        at,
        effectiveFromPeriod: '2026-12',
      }),
    ).toThrow(ConflictError);
  });

  it('a rejection needs a reason and leaves the account as it was', () => {
    const pending = request(active, 'officer-1');
    const changeId = pending.pendingAccountChange?.changeId ?? '';
    expect(() => rejectAccountChange(pending, { changeId, by: 'approver-2', at })).toThrow(ValidationError);
    const rejected = rejectAccountChange(pending, { changeId, by: 'approver-2', at, reason: '户名不符' });
    expect(rejected.pendingAccountChange).toBeUndefined();
    expect(rejected.bankAccount).toEqual(active.bankAccount);
    expect(rejected.actions.at(-1)).toMatchObject({ type: 'account-change-rejected', reason: '户名不符' });
  });

  it('a newer request withdraws the one waiting, in the history', () => {
    const twice = request(request(active, 'officer-1'), 'officer-4', 'counter', 3);
    expect(twice.pendingAccountChange?.requestedBy).toBe('officer-4');
    expect(twice.actions.map((a) => a.type).slice(-3)).toEqual([
      'account-change-requested',
      'account-change-withdrawn',
      'account-change-requested',
    ]);
  });

  it('several changes keep each planned period on its own account', () => {
    const first = request(active, 'officer-1');
    const one = confirmAccountChange(first, {
      changeId: first.pendingAccountChange?.changeId ?? '',
      by: 'approver-2',
      at,
      effectiveFromPeriod: '2026-12',
    });
    const second = request(one, 'officer-1', 'counter', 3);
    const two = confirmAccountChange(second, {
      changeId: second.pendingAccountChange?.changeId ?? '',
      by: 'approver-2',
      at,
      effectiveFromPeriod: '2027-02',
    });
    expect(
      ['2026-10', '2026-12', '2027-01', '2027-02'].map((p) => accountInForce(two, p).accountMasked),
    ).toEqual(['****0001', '****0002', '****0002', '****0003']);
    // A change confirmed for the same first period replaces the one not yet paid.
    const third = request(two, 'officer-1', 'counter', 4);
    const three = confirmAccountChange(third, {
      changeId: third.pendingAccountChange?.changeId ?? '',
      by: 'approver-2',
      at,
      effectiveFromPeriod: '2027-02',
    });
    expect(three.earlierAccounts?.map((e) => e.account.accountMasked)).toEqual(['****0001', '****0002']);
    expect(accountInForce(three, '2027-02').accountMasked).toBe('****0004');
  });
});

describe('a citizen changes their own account in the app', () => {
  const own = counterEnrollment({
    status: 'active',
    fromPeriod: '2026-01',
    channel: 'app',
    applicantSubject: 'citizen-1',
    actions: [{ type: 'applied', by: 'citizen-1', at: at.toISOString() }],
  });
  const retyped = (n: string) => (stored: Enrollment['bankAccount']) =>
    retypedFingerprint(sealer, { enrollmentId: ENROLLMENT_ID, bankAccount: stored }, n);

  it('is theirs when they applied for it or it pays them', () => {
    expect(isOwnEnrollment(own, { subject: 'citizen-1' })).toBe(true);
    expect(isOwnEnrollment(own, { subject: 'citizen-2' })).toBe(false);
    expect(isOwnEnrollment(own, { subject: 'citizen-2', personRef: 'ref-of-the-beneficiary' })).toBe(true);
    expect(isOwnEnrollment(counterEnrollment(), { subject: 'officer-1' })).toBe(false);
  });

  it('takes effect only when the account number is typed again, by the same login, in time', async () => {
    const pending = request(own, 'citizen-1', 'app');
    const changeId = pending.pendingAccountChange?.changeId ?? '';
    expect(pending.pendingAccountChange?.expiresAt).toBe(
      new Date(at.getTime() + APP_CONFIRMATION_WINDOW_MS).toISOString(),
    );
    const input = { changeId, by: 'citizen-1', at: later(5), effectiveFromPeriod: '2026-12' };
    await expect(
      confirmOwnAccountChange(pending, { ...input, retyped: retyped(accountFor(9).accountNumber) }),
    ).rejects.toThrow(ValidationError);
    await expect(
      confirmOwnAccountChange(pending, {
        ...input,
        by: 'citizen-2',
        retyped: retyped(accountFor(2).accountNumber),
      }),
    ).rejects.toThrow(NotFoundError);
    await expect(
      confirmOwnAccountChange(pending, {
        ...input,
        at: later(16),
        retyped: retyped(accountFor(2).accountNumber),
      }),
    ).rejects.toThrow(ConflictError);
    // Staff cannot confirm a citizen's request in their place.
    expect(() =>
      confirmAccountChange(pending, { changeId, by: 'approver-2', at, effectiveFromPeriod: '2026-12' }),
    ).toThrow(ConflictError);
    const changed = await confirmOwnAccountChange(pending, {
      ...input,
      retyped: retyped(accountFor(2).accountNumber),
    });
    expect(changed.bankAccount.fingerprint).toBe(accountFingerprint(TEST_FINGERPRINT_KEY, accountFor(2)));
    expect(changed.actions.at(-1)).toMatchObject({
      type: 'account-changed',
      channel: 'app',
      by: 'citizen-1',
    });
  });

  it('the family sees the history masked, staff named only as staff', () => {
    const staffChange = request(own, 'officer-1');
    const history = accountHistoryOf(staffChange, { subject: 'citizen-1' });
    expect(history.pending).toMatchObject({ channel: 'counter', byYou: false, accountMasked: '****0002' });
    expect(history.history).toEqual([
      {
        type: 'account-change-requested',
        at: at.toISOString(),
        channel: 'counter',
        byYou: false,
        reason: '原账户已销户',
        accountMasked: '****0002',
        previousAccountMasked: '****0001',
      },
    ]);
    expect(JSON.stringify(history)).not.toContain('officer-1');
    expect(JSON.stringify(history)).not.toContain(accountFor(2).accountNumber);
  });
});

describe('when a change can start', () => {
  const line = (batchId: string, state: PaymentLine['state']) => ({ batchId, state }) as PaymentLine;

  it('starts at the current period, or after the latest planned one', () => {
    expect(nextUnplannedPeriod(scheme, '2026-11-22', [])).toBe('2026-11');
    expect(nextUnplannedPeriod(scheme, '2026-11-22', ['2026-09', '2026-10'])).toBe('2026-11');
    expect(nextUnplannedPeriod(scheme, '2026-11-22', ['2026-10', '2026-11'])).toBe('2026-12');
    expect(nextUnplannedPeriod(scheme, '2026-12-31', ['2026-12'])).toBe('2027-01');
    const annual = getScheme('only-child-reward');
    expect(nextUnplannedPeriod(annual, '2028-02-29', ['2028'])).toBe('2029');
  });

  it('a line is in flight while unsettled in a submitted, approved or disbursing batch', () => {
    const states = new Map([
      ['planned', 'planned'],
      ['approved', 'approved'],
      ['disbursing', 'disbursing'],
      ['reconciled', 'reconciled'],
    ] as const);
    expect(inFlight([line('planned', 'pending')], states)).toBe(false);
    expect(inFlight([line('approved', 'pending')], states)).toBe(true);
    expect(inFlight([line('disbursing', 'sent')], states)).toBe(true);
    expect(inFlight([line('disbursing', 'held')], states)).toBe(false);
    expect(inFlight([line('reconciled', 'paid')], states)).toBe(false);
  });
});

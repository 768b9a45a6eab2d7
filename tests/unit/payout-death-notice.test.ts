import { describe, expect, it } from 'vitest';
import { getScheme } from '../../functions/payout/config/schemes';
import {
  applyDeathNotice,
  mayStopPaymentsOnDeathNotice,
  reverseDeathNoticeSuspension,
} from '../../functions/payout/domain/death-notice';
import { applyForBenefit } from '../../functions/payout/domain/enroll';
import {
  applyDeath,
  applyStaffAction,
  maskAccount,
  maskName,
} from '../../functions/payout/domain/enrollment';
import type { PersonFacts } from '../../functions/payout/domain/person-facts';
import { beneficiaryFacts } from '../../functions/payout/domain/projection';
import { fixedClock } from '../../shared/domain/clock';
import { ConflictError, ValidationError } from '../../shared/domain/errors';

// A Zhejiang (33) hukou living in Sichuan (51).
const person: PersonFacts = {
  personId: '01JD0000000000000000000002',
  version: 1,
  sex: 'female',
  birthDate: '1958-03-01',
  alive: true,
  hukouRegion: '330106',
  hukouType: 'rural',
  residenceRegion: '510104',
  sourceEventId: '01JD0000000000000000000009',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const household = {
  householdId: '01JD0000000000000000000003',
  version: 2,
  familyType: 'two-daughters' as const,
  members: [
    { role: 'mother' as const, personId: person.personId, alive: true },
    { role: 'child' as const, personId: '01JD0000000000000000000004', alive: true },
    { role: 'child' as const, personId: '01JD0000000000000000000005', alive: true },
  ],
  sourceEventId: '01JD0000000000000000000010',
};
const scheme = getScheme('rural-reward');
const clock = fixedClock('2026-11-22T08:00:00.000Z');
const at = clock.now();

const active = () =>
  applyStaffAction(
    applyForBenefit({
      enrollmentId: '01JD0000000000000000000001',
      scheme,
      person,
      facts: beneficiaryFacts({ person, household, certificates: [] }),
      province: '33',
      bankAccount: {
        encrypted: 'enc:v1:x',
        accountMasked: maskAccount('6228480000123456789'),
        holderMasked: maskName('王秀英'),
      },
      channel: 'counter',
      by: 'officer-1',
      clock,
    }),
    'approve',
    { by: 'officer-2', at, scheme },
  );
const notice = { noticeId: '01JD0000000000000000000020', province: '51', deathDate: '2026-10-05' };

describe('death notices and payments', () => {
  it('lets only the hukou or residence province, as payout records them, stop payments', () => {
    expect(mayStopPaymentsOnDeathNotice('33', person)).toBe(true);
    expect(mayStopPaymentsOnDeathNotice('51', person)).toBe(true);
    // The attack: any other partner holding the shared reference key.
    expect(mayStopPaymentsOnDeathNotice('44', person)).toBe(false);
  });

  it('suspends from the month after the death, remembering the notice, once', () => {
    const suspended = applyDeathNotice(active(), notice, at);
    expect(suspended).toMatchObject({
      status: 'suspended',
      suspendedFromPeriod: '2026-11',
      suspensionReason: 'death-notice',
      deathNotice: notice,
    });
    expect(suspended?.actions.at(-1)).toMatchObject({ type: 'death-notice', by: 'province:51' });
    expect(applyDeathNotice(suspended as never, notice, at)).toBeUndefined();
    // Our registry recording the same death later changes nothing either.
    expect(applyDeath(suspended as never, notice.deathDate, at)).toBeUndefined();
  });

  it('is reversed by an officer with a reason, in the history, and the same death does not suspend again', () => {
    const suspended = applyDeathNotice(active(), notice, at);
    if (!suspended) throw new Error('expected a suspension');
    expect(() => reverseDeathNoticeSuspension(suspended, { by: 'officer-3', at, reason: '  ' })).toThrow(
      ValidationError,
    );
    const reversed = reverseDeathNoticeSuspension(suspended, {
      by: 'officer-3',
      at,
      reason: '本人到窗口核验',
    });
    expect(reversed).toMatchObject({
      status: 'active',
      reversedDeathDate: '2026-10-05',
      version: suspended.version + 1,
    });
    expect(reversed).not.toHaveProperty('suspensionReason');
    expect(reversed).not.toHaveProperty('deathNotice');
    expect(reversed.actions.at(-1)).toEqual({
      type: 'death-notice-reversed',
      by: 'officer-3',
      at: at.toISOString(),
      reason: '本人到窗口核验',
    });
    expect(
      applyDeathNotice(reversed, { ...notice, noticeId: '01JD0000000000000000000021' }, at),
    ).toBeUndefined();
    expect(applyDeath(reversed, notice.deathDate, at)).toBeUndefined();
    // Another death date is another fact: it suspends.
    expect(applyDeath(reversed, '2026-11-30', at)?.suspensionReason).toBe('deceased');
  });

  it('reverses no other suspension, and a notice suspension is not resumed without the reversal', () => {
    const byStaff = applyStaffAction(active(), 'suspend', { by: 'officer-2', at, scheme, reason: '核查' });
    expect(() => reverseDeathNoticeSuspension(byStaff, { by: 'officer-3', at, reason: 'x' })).toThrow(
      ConflictError,
    );
    const byRegistry = applyDeath(active(), '2026-10-05', at);
    if (!byRegistry) throw new Error('expected a suspension');
    expect(() => reverseDeathNoticeSuspension(byRegistry, { by: 'officer-3', at, reason: 'x' })).toThrow(
      ConflictError,
    );
    const byNotice = applyDeathNotice(active(), notice, at);
    if (!byNotice) throw new Error('expected a suspension');
    expect(() => applyStaffAction(byNotice, 'resume', { by: 'officer-3', at, scheme })).toThrow(
      ConflictError,
    );
  });
});

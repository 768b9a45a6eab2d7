import { describe, expect, it } from 'vitest';
import { getScheme } from '../../functions/payout/config/schemes';
import { applyForBenefit } from '../../functions/payout/domain/enroll';
import {
  applyClaimAnswer,
  applyDeath,
  applyStaffAction,
  maskAccount,
  maskName,
  monthAfter,
  otherProvince,
  periodOnOrAfter,
} from '../../functions/payout/domain/enrollment';
import type { PersonFacts } from '../../functions/payout/domain/person-facts';
import { beneficiaryFacts, onlyChildOf, parentHousehold } from '../../functions/payout/domain/projection';
import { entitlement, periodFor } from '../../functions/payout/domain/schemes';
import { fixedClock } from '../../shared/domain/clock';
import { ConflictError, ValidationError } from '../../shared/domain/errors';
import { issuesOf } from '../support/validation';

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

const apply = (facts = beneficiaryFacts({ person, household, certificates: [] })) =>
  applyForBenefit({
    enrollmentId: '01JD0000000000000000000001',
    scheme,
    person,
    facts,
    province: '33',
    bankAccount: {
      encrypted: 'enc:v1:x',
      accountMasked: maskAccount('6228480000123456789'),
      holderMasked: maskName('王秀英'),
    },
    channel: 'app',
    by: 'citizen-1',
    applicantSubject: 'citizen-1',
    clock,
  });

describe('applying for a benefit', () => {
  it('records an eligible application pending review, in the region of this province', () => {
    const e = apply();
    expect(e).toMatchObject({
      status: 'pending-review',
      region: '330106',
      channel: 'app',
      applicantSubject: 'citizen-1',
      eligibility: { ruleVersion: 2 },
      bankAccount: { accountMasked: '****6789', holderMasked: '王**' },
    });
  });

  it('refuses an ineligible person with the rule engine reasons', () => {
    const issues = issuesOf(() =>
      apply(beneficiaryFacts({ person: { ...person, hukouType: 'urban' }, household, certificates: [] })),
    );
    expect(issues.map((i) => i.message)).toContain('  fail: hukouType eq rural (is urban)');
    expect(issues.every((i) => i.field === 'eligibility')).toBe(true);
  });

  it('a two-daughter rural family qualifies for the rural reward; a family of two with a son does not', () => {
    expect(() => apply()).not.toThrow();
    expect(() =>
      apply(beneficiaryFacts({ person, household: { ...household, familyType: 'other' }, certificates: [] })),
    ).toThrow(ValidationError);
  });
});

describe('enrolment states', () => {
  const at = new Date('2026-11-22T09:00:00Z');

  it('approve fixes the first period; suspend and resume; end frees it; reasons are required', () => {
    const approved = applyStaffAction(apply(), 'approve', { by: 'officer-1', at, scheme });
    expect(approved).toMatchObject({ status: 'active', fromPeriod: '2026-11', version: 2 });
    expect(() => applyStaffAction(approved, 'suspend', { by: 'officer-1', at, scheme })).toThrow(
      ValidationError,
    );
    const suspended = applyStaffAction(approved, 'suspend', {
      by: 'officer-1',
      at,
      scheme,
      reason: '核查中',
    });
    expect(suspended).toMatchObject({
      status: 'suspended',
      suspensionReason: 'staff',
      suspendedFromPeriod: '2026-11',
    });
    const resumed = applyStaffAction(suspended, 'resume', { by: 'officer-1', at, scheme });
    expect(resumed.status).toBe('active');
    expect(resumed.suspendedFromPeriod).toBeUndefined();
    expect(applyStaffAction(resumed, 'end', { by: 'officer-1', at, scheme, reason: '迁出' }).status).toBe(
      'ended',
    );
    expect(() => applyStaffAction(approved, 'approve', { by: 'officer-1', at, scheme })).toThrow(
      ConflictError,
    );
  });

  it('a death suspends from the month after, once, and cannot be resumed by staff', () => {
    const active = applyStaffAction(apply(), 'approve', { by: 'officer-1', at, scheme });
    const dead = applyDeath(active, '2026-12-31', at);
    expect(dead).toMatchObject({
      status: 'suspended',
      suspendedFromPeriod: '2027-01',
      suspensionReason: 'deceased',
    });
    expect(dead && applyDeath(dead, '2026-12-31', at)).toBeUndefined();
    expect(() => dead && applyStaffAction(dead, 'resume', { by: 'officer-1', at, scheme })).toThrow(
      ConflictError,
    );
  });

  it('claim answers move the cross-province check and repeat answers change nothing', () => {
    const active = {
      ...applyStaffAction(apply(), 'approve', { by: 'o', at, scheme }),
      crossProvince: { province: '51', status: 'awaiting' as const },
    };
    const conflict = applyClaimAnswer(active, 'conflict', at);
    expect(conflict?.crossProvince?.status).toBe('conflict');
    expect(conflict && applyClaimAnswer(conflict, 'conflict', at)).toBeUndefined();
    expect(conflict && applyClaimAnswer(conflict, 'clear', at)?.crossProvince?.status).toBe('clear');
    // A grant names the last period paid by the province that held the person; a conflict keeps none.
    const granted = conflict && applyClaimAnswer(conflict, 'clear', at, '2026-11');
    expect(granted?.crossProvince).toEqual({
      province: '51',
      status: 'clear',
      paidElsewhereThrough: '2026-11',
    });
    expect(granted && applyClaimAnswer(granted, 'clear', at, '2026-11')).toBeUndefined();
    expect(granted && applyClaimAnswer(granted, 'conflict', at, '2026-11')?.crossProvince).toEqual({
      province: '51',
      status: 'conflict',
    });
  });
});

describe('periods and provinces', () => {
  it('month after, across a year end', () => {
    expect(monthAfter('2026-12-05')).toBe('2027-01');
    expect(monthAfter('2026-01-31')).toBe('2026-02');
  });

  it('compares annual periods with a monthly bound by year', () => {
    expect(periodOnOrAfter('2026', '2026')).toBe(true);
    expect(periodOnOrAfter('2026', '2027-01')).toBe(false);
    expect(periodOnOrAfter('2027', '2027-01')).toBe(true);
    expect(periodOnOrAfter('2026-10', '2026-11')).toBe(false);
  });

  it('the other province is the one that is not ours', () => {
    expect(otherProvince('33', '330106', '510104')).toBe('51');
    expect(otherProvince('51', '330106', '510104')).toBe('33');
    expect(otherProvince('33', '330106', '330102')).toBeUndefined();
  });
});

describe('beneficiary facts from the projection', () => {
  it('family type and certificates come from the household the person is a parent in', () => {
    expect(parentHousehold(person.personId, [household])?.householdId).toBe(household.householdId);
    expect(parentHousehold('01JD0000000000000000000004', [household])).toBeUndefined();
    const facts = beneficiaryFacts({
      person,
      household,
      certificates: [
        {
          certificateId: 'a',
          householdId: household.householdId,
          kind: 'only-child-certificate',
          revoked: true,
        },
        {
          certificateId: 'b',
          householdId: household.householdId,
          kind: 'special-assistance-certificate',
          revoked: false,
        },
      ],
    });
    expect(facts).toMatchObject({
      familyType: 'two-daughters',
      certificates: ['special-assistance-certificate'],
    });
    expect(beneficiaryFacts({ person, certificates: [] }).familyType).toBe('other');
  });

  it("a newborn without a resident ID yet gives the only child's age from the registered birth date", () => {
    const newborn = {
      ...household,
      familyType: 'only-child' as const,
      members: [
        { role: 'mother' as const, personId: person.personId, alive: true },
        { role: 'child' as const, birthDate: '2026-10-02', alive: true },
      ],
    };
    const certificate = {
      certificateId: 'c',
      householdId: household.householdId,
      kind: 'only-child-certificate' as const,
      revoked: false,
    };
    const facts = beneficiaryFacts({ person, household: newborn, certificates: [certificate] });
    expect(facts.childBirthDate).toBe('2026-10-02');
    // A child's own record, once there is one, is what counts.
    expect(
      beneficiaryFacts({
        person,
        household: newborn,
        certificates: [],
        childFacts: { birthDate: '2026-10-03' },
      }).childBirthDate,
    ).toBe('2026-10-03');
    // With the certificate issued, the family qualifies: the child's age is known.
    const reward = getScheme('only-child-reward');
    const year = periodFor(reward, '2026') as NonNullable<ReturnType<typeof periodFor>>;
    expect(entitlement(reward, facts, year)).toMatchObject({ eligible: true });
  });

  it('an only child is known only when the household has exactly one child', () => {
    expect(onlyChildOf(household)).toBeUndefined();
    expect(onlyChildOf({ ...household, members: household.members.slice(0, 2) })).toBe(
      '01JD0000000000000000000004',
    );
  });
});

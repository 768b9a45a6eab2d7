import { describe, expect, it } from 'vitest';
import type { BirthDetails, BirthRegistration } from '../../functions/registry/domain/birth-registration';
import { newHousehold } from '../../functions/registry/domain/household';
import { recordPerson } from '../../functions/registry/domain/person';
import { planRegistration } from '../../functions/registry/domain/register-birth';
import { fixedClock } from '../../shared/domain/clock';
import { residentIdFor } from '../support/resident-ids';

const context = () => {
  let n = 0;
  return { actor: 'registrar-1', clock: fixedClock('2026-04-01T01:00:00.000Z'), newId: () => `id-${++n}` };
};
const details = (child: Partial<BirthDetails['child']> = {}): BirthDetails => ({
  child: {
    name: '周乐',
    sex: 'female',
    birthDate: '2026-03-01',
    birthRegion: '330106',
    residentId: residentIdFor('330106', '2026-03-01', '022'),
    ...child,
  },
  mother: {
    name: '吴梅',
    residentId: residentIdFor('510104', '1993-01-01', '024'),
    birthDate: '1993-01-01',
    hukouRegion: '510104',
  },
  residenceRegion: '330106',
  birthOrder: 1,
});
const registration = { registrationId: 'reg-1' } as BirthRegistration;

describe('planRegistration', () => {
  it('creates the household with the mother and the child, and the child record with the mother’s hukou', () => {
    const plan = planRegistration({ registration, details: details(), existing: {}, context: context() });
    expect(plan.household.members.map((m) => m.role)).toEqual(['mother', 'child']);
    expect(plan.newChild?.person).toMatchObject({
      name: '周乐',
      hukouRegion: '510104',
      residenceRegion: '330106',
      sex: 'female',
    });
    expect(plan.household.members[1]).toMatchObject({
      registrationId: 'reg-1',
      personId: plan.newChild?.person.personId,
    });
  });

  it('links an existing child record and an existing household instead of creating them', () => {
    const ctx = context();
    const existingChild = recordPerson(
      {
        residentId: details().child.residentId ?? '',
        name: '周乐',
        sex: 'female',
        birthDate: '2026-03-01',
        hukouRegion: '510104',
        residenceRegion: '330106',
      },
      ctx,
    ).person;
    const household = newHousehold(
      'h-9',
      [{ role: 'mother', birthDate: '1993-01-01', alive: true, disabled: false }],
      'at',
      'e-0',
    );
    const plan = planRegistration({
      registration,
      details: details(),
      household,
      existing: { child: existingChild },
      context: ctx,
    });
    expect(plan.newChild).toBeUndefined();
    expect(plan.household.householdId).toBe('h-9');
    expect(plan.household.members.at(-1)?.personId).toBe(existingChild.personId);
  });

  it('adds a child without a resident ID or name to the household without a person record', () => {
    const plan = planRegistration({
      registration,
      details: details({ residentId: undefined, name: undefined }),
      existing: {},
      context: context(),
    });
    expect(plan.newChild).toBeUndefined();
    expect(plan.household.members.at(-1)).toMatchObject({ role: 'child', registrationId: 'reg-1' });
    expect(plan.household.members.at(-1)?.personId).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { BirthRegistration } from '../../functions/registry/domain/birth-registration';
import {
  deriveFamilyType,
  type HouseholdMember,
  syncMember,
} from '../../functions/registry/domain/household';
import { birthRegisteredFacts, personRecordedFacts } from '../../functions/registry/domain/outbound-events';
import { type RecordContext, recordPerson } from '../../functions/registry/domain/person';
import { changePerson } from '../../functions/registry/domain/person-changes';
import { planRegistration } from '../../functions/registry/domain/register-birth';
import { fixedClock } from '../../shared/domain/clock';
import { newUlid } from '../../shared/domain/ids';
import { PERSON_REF_PATTERN } from '../../shared/domain/person-ref';
import { BirthRegistered, PersonRecorded } from '../../shared/events/catalog';
import { testPersonRefOf } from '../support/person-refs';
import { residentIdFor } from '../support/resident-ids';

const NOW = '2026-06-01T02:00:00.000Z';
const ID = residentIdFor('510104', '2001-09-15', '468');
const OTHER_ID = residentIdFor('510104', '2001-09-15', '448');

const context = (overrides: Partial<RecordContext> = {}): RecordContext => {
  let n = 0;
  return {
    actor: 'registrar-7',
    clock: fixedClock(NOW),
    newId: () => `id-${++n}`,
    personRefOf: testPersonRefOf,
    ...overrides,
  };
};
const newPerson = {
  residentId: ID,
  name: '李小红',
  sex: 'female' as const,
  birthDate: '2001-09-15',
  hukouRegion: '510104',
  hukouType: 'rural' as const,
  residenceRegion: '330106',
};

describe('person references and hukou type', () => {
  it('gives a recorded person the reference of their resident ID and keeps the hukou type', () => {
    const { person, action } = recordPerson(newPerson, context());
    expect(person.personRef).toBe(testPersonRefOf(ID));
    expect(person.personRef).toMatch(PERSON_REF_PATTERN);
    expect(person.hukouType).toBe('rural');
    expect(action.changes.hukouType).toEqual({ from: null, to: 'rural' });
    // The history never holds the reference: it is derived from the ID.
    expect(JSON.stringify(action)).not.toContain(person.personRef);
  });

  it('records no reference without the key (and the same reference in every province with it)', () => {
    expect(recordPerson(newPerson, context({ personRefOf: undefined })).person.personRef).toBeUndefined();
    expect(testPersonRefOf(ID.toLowerCase())).toBe(testPersonRefOf(ID));
  });

  it('moves the reference with a corrected resident ID, and corrects the hukou type with a reason', () => {
    const { person } = recordPerson(newPerson, context());
    const corrected = changePerson(
      person,
      { type: 'correct', reason: '录入错误', residentId: OTHER_ID, hukouType: 'urban' },
      context(),
      (id) => id === ID,
    );
    expect(corrected.person.personRef).toBe(testPersonRefOf(OTHER_ID));
    expect(corrected.person.hukouType).toBe('urban');
    expect(corrected.action.changes.hukouType).toEqual({ from: 'rural', to: 'urban' });
    expect(JSON.stringify(corrected.action)).not.toContain(corrected.person.personRef);
  });

  it('keeps the origin on the write that applied a notification only', () => {
    const { person } = recordPerson(newPerson, context());
    const notified = changePerson(
      person,
      { type: 'record-death', deathDate: '2026-05-01', reason: 'notified by province 33' },
      context({ origin: '33', actor: 'province:33' }),
      () => true,
    );
    expect(notified.person.lastChangeOrigin).toBe('33');
    expect(notified.action).toMatchObject({ origin: '33', reason: 'notified by province 33' });
    const later = changePerson(
      notified.person,
      { type: 'correct', reason: '更正', name: '李晓红' },
      context(),
      () => true,
    );
    expect(later.person.lastChangeOrigin).toBeUndefined();
    expect(later.action.origin).toBeUndefined();
  });

  it('puts the reference and hukou type in the person facts, never the name or ID', () => {
    const { person } = recordPerson(newPerson, context({ newId: () => newUlid() }));
    const facts = PersonRecorded.parse(personRecordedFacts(person));
    expect(facts).toMatchObject({ personRef: testPersonRefOf(ID), hukouType: 'rural' });
    expect(JSON.stringify(facts)).not.toContain(ID);
    expect(JSON.stringify(facts)).not.toContain('李小红');
  });
});

const member = (
  role: HouseholdMember['role'],
  overrides: Partial<HouseholdMember> = {},
): HouseholdMember => ({
  role,
  birthDate: '2010-01-01',
  alive: true,
  disabled: false,
  ...overrides,
});

describe('two-daughters households (双女户)', () => {
  const parents = [member('mother'), member('father')];
  const daughter = (overrides: Partial<HouseholdMember> = {}) =>
    member('child', { sex: 'female', ...overrides });

  it('are exactly two living daughters', () => {
    expect(deriveFamilyType([...parents, daughter(), daughter()])).toBe('two-daughters');
    expect(deriveFamilyType([...parents, daughter(), member('child', { sex: 'male' })])).toBe('other');
    expect(deriveFamilyType([...parents, daughter(), daughter(), daughter()])).toBe('other');
    expect(deriveFamilyType([...parents, daughter(), daughter({ alive: false })])).toBe('other');
    // A child registered before sexes were kept counts as no daughter.
    expect(deriveFamilyType([...parents, daughter(), member('child')])).toBe('other');
    expect(deriveFamilyType([...parents, daughter()])).toBe('only-child');
  });

  it('follow a corrected sex of a child through syncMember', () => {
    const household = {
      householdId: 'h-1',
      members: [...parents, daughter({ personId: 'p-1' }), member('child', { personId: 'p-2', sex: 'male' })],
      version: 3,
      createdAt: NOW,
      updatedAt: NOW,
      eventId: 'e-1',
    };
    const synced = syncMember(
      household,
      { personId: 'p-2', alive: true, disabled: false, sex: 'female' },
      NOW,
      'e-2',
    );
    expect(synced && deriveFamilyType(synced.members)).toBe('two-daughters');
    expect(
      synced &&
        syncMember(synced, { personId: 'p-2', alive: true, disabled: false, sex: 'female' }, NOW, 'e-3'),
    ).toBeUndefined();
  });

  it('are recorded from registered births, which keep the child’s sex (and the mother’s hukou type)', () => {
    let n = 0;
    const plan = planRegistration({
      registration: { registrationId: 'reg-1' } as BirthRegistration,
      details: {
        child: {
          sex: 'female',
          birthDate: '2026-03-01',
          birthRegion: '330106',
          name: '周乐',
          residentId: residentIdFor('330106', '2026-03-01', '022'),
        },
        mother: {
          name: '吴梅',
          residentId: residentIdFor('510104', '1993-01-01', '024'),
          birthDate: '1993-01-01',
          hukouRegion: '510104',
        },
        residenceRegion: '330106',
        birthOrder: 2,
      },
      existing: { mother: recordPerson({ ...newPerson, hukouType: 'rural' }, context()).person },
      context: { actor: 'r', clock: fixedClock(NOW), newId: () => `id-${++n}`, personRefOf: testPersonRefOf },
    });
    expect(plan.household.members.find((m) => m.role === 'child')?.sex).toBe('female');
    expect(plan.newChild?.person).toMatchObject({
      hukouType: 'rural',
      personRef: testPersonRefOf(residentIdFor('330106', '2026-03-01', '022')),
    });
  });
});

describe('birth.registered facts', () => {
  it('carry the father’s hukou region and both parents’ references', () => {
    const motherId = residentIdFor('510104', '1993-01-01', '024');
    const fatherId = residentIdFor('610102', '1990-01-01', '013');
    const registration = {
      registrationId: '01JB0000000000000000000000',
      channel: 'counter',
      details: {
        child: { sex: 'female', birthDate: '2026-03-01', birthRegion: '330106' },
        mother: { name: '吴梅', residentId: motherId, birthDate: '1993-01-01', hukouRegion: '510104' },
        father: { name: '周强', residentId: fatherId, birthDate: '1990-01-01', hukouRegion: '610102' },
        residenceRegion: '330106',
        birthOrder: 1,
      },
      actions: [
        { actionId: '01JB0000000000000000000001', type: 'submitted', by: 'r', role: 'registrar', at: NOW },
        {
          actionId: '01JB0000000000000000000002',
          type: 'registered',
          by: 'r',
          role: 'registrar',
          at: NOW,
          registrationNumber: '330106-2026-000001',
        },
      ],
      version: 2,
      submittedBy: 'r',
      regionScope: ['330106'],
      parentRefs: { mother: testPersonRefOf(motherId), father: testPersonRefOf(fatherId) },
    } as BirthRegistration;
    const facts = birthRegisteredFacts(registration);
    expect(facts?.eventId).toBe('01JB0000000000000000000002');
    expect(BirthRegistered.parse(facts?.data)).toMatchObject({
      motherHukouRegion: '510104',
      fatherHukouRegion: '610102',
      motherRef: testPersonRefOf(motherId),
      fatherRef: testPersonRefOf(fatherId),
    });
    expect(JSON.stringify(facts)).not.toContain(motherId);
  });
});

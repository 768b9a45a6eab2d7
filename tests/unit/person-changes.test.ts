import { describe, expect, it } from 'vitest';
import { recordPerson } from '../../functions/registry/domain/person';
import { changePerson } from '../../functions/registry/domain/person-changes';
import { fixedClock } from '../../shared/domain/clock';
import { ConflictError } from '../../shared/domain/errors';
import { residentIdFor } from '../support/resident-ids';
import { fieldsOf } from '../support/validation';

const context = () => {
  let n = 0;
  return { actor: 'registrar-1', clock: fixedClock('2026-06-01T02:00:00.000Z'), newId: () => `id-${++n}` };
};
const ID = residentIdFor('330106', '1970-03-04', '135');
const base = () =>
  recordPerson(
    {
      residentId: ID,
      name: '刘洋',
      sex: 'male',
      birthDate: '1970-03-04',
      hukouRegion: '330106',
      residenceRegion: '330106',
    },
    context(),
  ).person;
const never = () => false;

describe('changePerson', () => {
  it('records a correction as an action with old and new values and a new version and event id', () => {
    const person = base();
    const { person: next, action } = changePerson(
      person,
      { type: 'correct', reason: '笔误', name: '刘阳' },
      context(),
      never,
    );
    expect(next).toMatchObject({ name: '刘阳', version: 2, lastChange: 'corrected' });
    expect(next.eventId).not.toBe(person.eventId);
    expect(action).toMatchObject({
      type: 'corrected',
      by: 'registrar-1',
      reason: '笔误',
      changes: { name: { from: '刘洋', to: '刘阳' } },
    });
  });

  it('refuses an empty reason, a correction that changes nothing, and a birth date that leaves the ID behind', () => {
    const person = base();
    expect(
      fieldsOf(() => changePerson(person, { type: 'correct', reason: ' ', name: 'x' }, context(), never)),
    ).toEqual(['body.reason']);
    expect(
      fieldsOf(() => changePerson(person, { type: 'correct', reason: 'r', name: '刘洋' }, context(), never)),
    ).toEqual(['body']);
    expect(
      fieldsOf(() =>
        changePerson(person, { type: 'correct', reason: 'r', birthDate: '1970-03-05' }, context(), never),
      ),
    ).toEqual(['body.residentId']);
    expect(
      fieldsOf(() =>
        changePerson(
          person,
          { type: 'correct', reason: 'r', birthDate: '1970-03-05', residentId: ID },
          context(),
          () => true,
        ),
      ),
    ).toEqual(['body.birthDate']);
  });

  it('takes a re-entered identical ID as no change of ID', () => {
    const { newResidentId } = changePerson(
      base(),
      { type: 'correct', reason: 'r', name: '刘阳', residentId: ID },
      context(),
      () => true,
    );
    expect(newResidentId).toBeUndefined();
  });

  it('records a death once, never before birth or in the future', () => {
    const person = base();
    const { person: dead } = changePerson(
      person,
      { type: 'record-death', deathDate: '2026-05-01' },
      context(),
      never,
    );
    expect(dead).toMatchObject({ alive: false, deathDate: '2026-05-01', lastChange: 'deceased' });
    expect(() =>
      changePerson(dead, { type: 'record-death', deathDate: '2026-05-01' }, context(), never),
    ).toThrow(ConflictError);
    expect(() =>
      changePerson(
        dead,
        { type: 'change-residence', residenceRegion: '330108', since: '2026-05-02' },
        context(),
        never,
      ),
    ).toThrow(ConflictError);
    expect(
      fieldsOf(() =>
        changePerson(person, { type: 'record-death', deathDate: '1969-01-01' }, context(), never),
      ),
    ).toEqual(['body.deathDate']);
    expect(
      fieldsOf(() =>
        changePerson(person, { type: 'record-death', deathDate: '2026-06-02' }, context(), never),
      ),
    ).toEqual(['body.deathDate']);
  });

  it('records a change of residence to another region only', () => {
    const person = base();
    const { person: moved, action } = changePerson(
      person,
      { type: 'change-residence', residenceRegion: '510104', since: '2026-01-01' },
      context(),
      never,
    );
    expect(moved.residenceRegion).toBe('510104');
    expect(action.changes.residenceRegion).toEqual({ from: '330106', to: '510104' });
    expect(
      fieldsOf(() =>
        changePerson(
          person,
          { type: 'change-residence', residenceRegion: '330106', since: '2026-01-01' },
          context(),
          never,
        ),
      ),
    ).toEqual(['body.residenceRegion']);
  });
});

import { describe, expect, it } from 'vitest';
import {
  type NewPerson,
  type RecordContext,
  recordPerson,
  regionsOf,
} from '../../functions/registry/domain/person';
import { fixedClock } from '../../shared/domain/clock';
import { maskResidentId } from '../../shared/domain/resident-id';
import { completeResidentId as residentId } from '../support/resident-ids';
import { fieldsOf, issuesOf } from '../support/validation';

const NOW = '2026-06-01T02:00:00.000Z';

/** Region 330106, born 1990-01-01, sequence 123 (odd, so male); its check character is X. */
const ID_X = residentId('33010619900101123');
/** Region 510104, born 2001-09-15, sequence 468 (even, so female). */
const ID_F = residentId('51010420010915468');

const context = (): RecordContext & { issued: () => number } => {
  let n = 0;
  return {
    actor: 'registrar-7',
    clock: fixedClock(NOW),
    newId: () => `id-${++n}`,
    issued: () => n,
  };
};

const input = (overrides: Partial<NewPerson> = {}): NewPerson => ({
  residentId: ID_F,
  name: '李小红',
  sex: 'female',
  birthDate: '2001-09-15',
  hukouRegion: '510104',
  residenceRegion: '330106',
  ...overrides,
});

describe('recordPerson', () => {
  it('builds version 1 of a living person with a masked ID and an event id', () => {
    const ctx = context();
    const { person, residentId: normalised, action } = recordPerson(input(), ctx);
    expect(normalised).toBe(ID_F);
    expect(action).toMatchObject({
      actionId: 'id-3',
      personId: 'id-1',
      type: 'recorded',
      by: 'registrar-7',
      at: NOW,
    });
    expect(action.changes.name).toEqual({ from: null, to: '李小红' });
    expect(JSON.stringify(action)).not.toContain(ID_F);
    expect(person).toEqual({
      personId: 'id-1',
      residentIdMasked: maskResidentId(ID_F),
      name: '李小红',
      sex: 'female',
      birthDate: '2001-09-15',
      hukouRegion: '510104',
      residenceRegion: '330106',
      alive: true,
      version: 1,
      recordedAt: NOW,
      recordedBy: 'registrar-7',
      updatedAt: NOW,
      eventId: 'id-2',
      lastChange: 'recorded',
    });
    expect(person.residentIdMasked).toBe(`5101**********${ID_F.slice(-4)}`);
    expect(JSON.stringify(person)).not.toContain(ID_F);
    expect(JSON.stringify(person)).not.toContain('20010915');
  });

  it('normalises a lower-case x and surrounding spaces', () => {
    expect(ID_X.endsWith('X')).toBe(true);
    const typed = ` ${ID_X.toLowerCase()} `;
    const { person, residentId: normalised } = recordPerson(
      input({ residentId: typed, sex: 'male', birthDate: '1990-01-01', hukouRegion: '330106' }),
      context(),
    );
    expect(normalised).toBe(ID_X);
    expect(person.residentIdMasked).toBe(maskResidentId(ID_X));
    expect(person.residentIdMasked.endsWith('X')).toBe(true);
  });

  it('refuses a birth date that disagrees with the ID', () => {
    const issues = issuesOf(() => recordPerson(input({ birthDate: '2001-09-16' }), context()));
    expect(issues.map((i) => i.field)).toEqual(['body.birthDate']);
  });

  it('refuses a sex that disagrees with the ID', () => {
    expect(fieldsOf(() => recordPerson(input({ sex: 'male' }), context()))).toEqual(['body.sex']);
    expect(
      fieldsOf(() =>
        recordPerson(input({ residentId: ID_X, birthDate: '1990-01-01', sex: 'female' }), context()),
      ),
    ).toEqual(['body.sex']);
  });

  it('refuses a wrong check character', () => {
    const wrong = ID_F.slice(0, 17) + (ID_F[17] === '0' ? '1' : '0');
    expect(fieldsOf(() => recordPerson(input({ residentId: wrong }), context()))).toEqual([
      'body.residentId',
    ]);
  });

  it.each([
    ['a wrong shape', '5101042001091546'],
    ['an impossible embedded date', residentId('51010420010230468')],
    ['a mistyped digit', `${ID_F.slice(0, 15)}${ID_F[15] === '9' ? '8' : '9'}${ID_F.slice(16)}`],
  ])('names body.residentId for %s', (_, residentIdValue) => {
    expect(fieldsOf(() => recordPerson(input({ residentId: residentIdValue }), context()))).toEqual([
      'body.residentId',
    ]);
  });

  it('refuses a birth date in the future', () => {
    const future = residentId('33010620261101124');
    const issues = issuesOf(() =>
      recordPerson(
        input({ residentId: future, birthDate: '2026-11-01', sex: 'female', hukouRegion: '330106' }),
        context(),
      ),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]?.field).toBe('body.birthDate');
    expect(issues[0]?.message).toMatch(/future/);
  });

  it('accepts a person born today', () => {
    const today = residentId('33010620260601124');
    const { person } = recordPerson(
      input({ residentId: today, birthDate: '2026-06-01', sex: 'female' }),
      context(),
    );
    expect(person.birthDate).toBe('2026-06-01');
  });

  it('reports several problems together', () => {
    expect(
      fieldsOf(() => recordPerson(input({ birthDate: '2001-09-14', sex: 'male' }), context())).sort(),
    ).toEqual(['body.birthDate', 'body.sex']);
    const badChecksum = ID_F.slice(0, 17) + (ID_F[17] === '0' ? '1' : '0');
    expect(
      fieldsOf(() =>
        recordPerson(input({ residentId: badChecksum, birthDate: '2027-01-01' }), context()),
      ).sort(),
    ).toEqual(['body.birthDate', 'body.residentId']);
  });

  it('every issue carries a message', () => {
    for (const issue of issuesOf(() =>
      recordPerson(input({ birthDate: '2001-09-14', sex: 'male' }), context()),
    )) {
      expect(issue.message.length).toBeGreaterThan(0);
    }
  });

  it('issues no ids when it refuses', () => {
    const ctx = context();
    issuesOf(() => recordPerson(input({ sex: 'male' }), ctx));
    expect(ctx.issued()).toBe(0);
  });
});

describe('regionsOf', () => {
  it('lists the hukou and residence regions', () => {
    expect(regionsOf({ hukouRegion: '510104', residenceRegion: '330106' })).toEqual(['510104', '330106']);
  });
});

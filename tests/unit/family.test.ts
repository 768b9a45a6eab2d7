import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/domain/clock';
import { ageOn, type FamilyHousehold, familyOf, isMinorOn } from '../../shared/domain/family';
import type { Principal } from '../../shared/http/auth';
import {
  type FamilyDirectory,
  familyOfCitizen,
  notInYourFamily,
  requireFamilyMember,
} from '../../shared/http/family-scope';

const TODAY = '2026-12-04';
const household: FamilyHousehold = {
  householdId: 'h-1',
  members: [
    { role: 'mother', personId: 'mother' },
    { role: 'father', personId: 'father' },
    { role: 'child', personId: 'minor', birthDate: '2010-01-01' },
    { role: 'child', personId: 'adult', birthDate: '2000-01-01' },
    { role: 'child', personId: 'undated' },
    { role: 'child', birthDate: '2025-05-05' },
  ],
};

describe('familyOf: whom a citizen acts for', () => {
  it('a parent: themselves, the spouse and the minor children only', () => {
    expect(Object.fromEntries(familyOf('mother', { households: [household], mandates: [] }, TODAY))).toEqual({
      mother: 'self',
      father: 'spouse',
      minor: 'child',
    });
  });

  it('a child acts for no one but themselves, neither for parents nor siblings', () => {
    for (const child of ['minor', 'adult']) {
      expect([...familyOf(child, { households: [household], mandates: [] }, TODAY)]).toEqual([
        [child, 'self'],
      ]);
    }
  });

  it('adds the people of standing mandates: a ward, a parent who authorised them', () => {
    const family = familyOf(
      'adult',
      {
        households: [household],
        mandates: [
          { kind: 'authorised-relative', personId: 'mother' },
          { kind: 'guardian', personId: 'ward' },
        ],
      },
      TODAY,
    );
    expect(Object.fromEntries(family)).toEqual({ adult: 'self', mother: 'authorising-parent', ward: 'ward' });
  });

  it('a child turns 18 on the birthday: the parent no longer acts for them', () => {
    const turning: FamilyHousehold = {
      householdId: 'h-2',
      members: [
        { role: 'mother', personId: 'mother' },
        { role: 'child', personId: 'c', birthDate: '2008-12-04' },
      ],
    };
    expect(familyOf('mother', { households: [turning], mandates: [] }, '2026-12-03').get('c')).toBe('child');
    expect(familyOf('mother', { households: [turning], mandates: [] }, '2026-12-04').has('c')).toBe(false);
  });

  it('counts whole years', () => {
    expect(ageOn('1966-12-05', TODAY)).toBe(59);
    expect(ageOn('1966-12-04', TODAY)).toBe(60);
    expect(isMinorOn('2008-12-05', TODAY)).toBe(true);
  });
});

describe('the one family check', () => {
  const directory = (known: Record<string, string>): FamilyDirectory => ({
    personIdByRef: async (ref) => known[ref],
    householdsOf: async (personId) => (personId === 'mother' ? [household] : []),
    mandatesHeldBy: async () => [],
  });
  const citizen = (personRef?: string): Principal => ({
    subject: 'c-1',
    roles: ['citizen'],
    ...(personRef ? { personRef } : {}),
  });
  const clock = fixedClock('2026-12-04T02:00:00Z');

  it('resolves the family from the person reference the edge made', async () => {
    const family = await familyOfCitizen(citizen('ref-m'), directory({ 'ref-m': 'mother' }), clock);
    expect(family.self).toBe('mother');
    expect(requireFamilyMember(family, 'minor')).toBe('child');
  });

  it('answers the same for a person outside the family and for nobody recorded', async () => {
    const family = await familyOfCitizen(citizen('ref-m'), directory({ 'ref-m': 'mother' }), clock);
    const outside = (() => {
      try {
        requireFamilyMember(family, 'stranger');
      } catch (error) {
        return error;
      }
    })();
    const nobody = (() => {
      try {
        requireFamilyMember(family, undefined);
      } catch (error) {
        return error;
      }
    })();
    expect(outside).toEqual(notInYourFamily());
    expect(nobody).toEqual(notInYourFamily());
  });

  it('gives a citizen no record names a family of nobody', async () => {
    const family = await familyOfCitizen(citizen('ref-x'), directory({}), clock);
    expect(family.members.size).toBe(0);
    expect(() => requireFamilyMember(family, 'mother')).toThrow(notInYourFamily().message);
  });

  it('refuses to run for a staff principal or without the person reference (a wiring fault, not a 404)', async () => {
    await expect(
      familyOfCitizen({ subject: 's', roles: ['registrar'] }, directory({}), clock),
    ).rejects.toThrow('citizen principals only');
    await expect(familyOfCitizen(citizen(), directory({}), clock)).rejects.toThrow('person-ref-key');
  });
});

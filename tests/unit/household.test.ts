import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addChild,
  deriveFamilyType,
  type HouseholdMember,
  newHousehold,
} from '../../functions/registry/domain/household';
import { householdChangedFacts } from '../../functions/registry/domain/outbound-events';

const member = (
  role: HouseholdMember['role'],
  overrides: Partial<HouseholdMember> = {},
): HouseholdMember => ({
  role,
  birthDate: '2000-01-01',
  alive: true,
  disabled: false,
  ...overrides,
});
const parents = [member('mother'), member('father')];

describe('deriveFamilyType', () => {
  it('derives the type from the children only', () => {
    expect(deriveFamilyType(parents)).toBe('other');
    expect(deriveFamilyType([...parents, member('child')])).toBe('only-child');
    expect(deriveFamilyType([...parents, member('child', { alive: false })])).toBe('bereaved');
    expect(deriveFamilyType([...parents, member('child', { disabled: true })])).toBe('disabled-only-child');
    expect(deriveFamilyType([...parents, member('child'), member('child')])).toBe('other');
    expect(deriveFamilyType([...parents, member('child'), member('child', { alive: false })])).toBe('other');
  });

  it('does not depend on the parents or the order of members', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ alive: fc.boolean(), disabled: fc.boolean() }), { maxLength: 4 }),
        fc.boolean(),
        (children, withFather) => {
          const members = [
            member('mother'),
            ...(withFather ? [member('father')] : []),
            ...children.map((c) => member('child', c)),
          ];
          expect(deriveFamilyType([...members].reverse())).toBe(deriveFamilyType(members));
        },
      ),
    );
  });
});

describe('addChild', () => {
  it('adds a registered child once and raises the version', () => {
    const household = newHousehold('h-1', parents, '2026-01-01T00:00:00.000Z', 'e-1');
    const child = member('child', { registrationId: 'r-1', personId: 'p-1' });
    const once = addChild(household, child, '2026-02-01T00:00:00.000Z', 'e-2');
    expect(once.members).toHaveLength(3);
    expect(once).toMatchObject({ version: 2, eventId: 'e-2', updatedAt: '2026-02-01T00:00:00.000Z' });
    expect(addChild(once, child, '2026-03-01T00:00:00.000Z', 'e-3')).toBe(once);
    expect(addChild(once, member('child', { personId: 'p-1' }), 'x', 'e-4')).toBe(once);
    expect(household.members).toHaveLength(2);
  });
});

describe('householdChangedFacts: what leaves the registry about a household', () => {
  it("sends a child's registered birth date, with or without a person record, and nothing of the parents'", () => {
    const household = newHousehold('01JD0000000000000000000003', parents, '2026-01-01T00:00:00.000Z', 'e-1');
    const newborn = member('child', { birthDate: '2026-10-02', name: '王小宝', registrationId: 'r-1' });
    const facts = householdChangedFacts(addChild(household, newborn, '2026-10-05T00:00:00.000Z', 'e-2'));
    expect(facts.members).toEqual([
      { role: 'mother', alive: true },
      { role: 'father', alive: true },
      { role: 'child', birthDate: '2026-10-02', alive: true },
    ]);
    expect(JSON.stringify(facts)).not.toContain('王小宝');
  });
});

/**
 * Whom a citizen may act for: their own family as the registry records it. Pure rule; each
 * area feeds it from its own data (the registry from its records, payout from its
 * projection of registry events), so the rule is written once.
 *
 * - themselves;
 * - their spouse: the other parent of a household in which they are a parent;
 * - their minor children: the children of such a household, under 18 today (a child whose
 *   birth date is not known is not admitted: access never follows from missing data);
 * - a person for whom they are a recorded guardian, or an elderly parent who authorised
 *   them (at the counter or in the app), while that mandate stands.
 */

/** How a family member relates to the citizen acting. */
export type FamilyRelation = 'self' | 'spouse' | 'child' | 'ward' | 'authorising-parent';

/** Age of majority (《民法典》 art. 17): a parent no longer acts for a child from the 18th birthday. */
export const ADULT_AGE = 18;

/** A household the citizen belongs to, as an area knows it. */
export interface FamilyHousehold {
  readonly householdId: string;
  readonly members: readonly {
    readonly role: 'mother' | 'father' | 'child';
    readonly personId?: string;
    /** Needed for children: only minors are acted for. */
    readonly birthDate?: string;
  }[];
}

/** A standing mandate the citizen holds for another person. */
export interface FamilyMandate {
  readonly kind: 'guardian' | 'authorised-relative';
  /** The person the citizen may act for. */
  readonly personId: string;
}

/** What an area knows of the citizen's family ties. */
export interface FamilyTies {
  readonly households: readonly FamilyHousehold[];
  readonly mandates: readonly FamilyMandate[];
}

/** Whole years from `birthDate` to `today` (both `YYYY-MM-DD`); a 29 February birthday comes on 1 March. */
export function ageOn(birthDate: string, today: string): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
}

/** Whether someone born on `birthDate` is under {@link ADULT_AGE} on `today`. */
export const isMinorOn = (birthDate: string, today: string): boolean => ageOn(birthDate, today) < ADULT_AGE;

/**
 * The citizen's family: every person id they may act for, with how they relate. `self` is
 * the citizen's own person id; `today` the Beijing calendar date.
 */
export function familyOf(self: string, ties: FamilyTies, today: string): ReadonlyMap<string, FamilyRelation> {
  const family = new Map<string, FamilyRelation>([[self, 'self']]);
  const add = (personId: string | undefined, relation: FamilyRelation) => {
    if (personId && !family.has(personId)) family.set(personId, relation);
  };
  for (const household of ties.households) {
    const parent = household.members.some(
      (m) => m.personId === self && (m.role === 'mother' || m.role === 'father'),
    );
    if (!parent) continue;
    for (const member of household.members) {
      if (member.role === 'child') {
        if (member.birthDate && isMinorOn(member.birthDate, today)) add(member.personId, 'child');
      } else if (member.personId !== self) {
        add(member.personId, 'spouse');
      }
    }
  }
  for (const mandate of ties.mandates) {
    add(mandate.personId, mandate.kind === 'guardian' ? 'ward' : 'authorising-parent');
  }
  return family;
}

import { beijingDate, type Clock } from '../../../shared/domain/clock';
import type { FamilyMembers } from './access-log';
import type { HouseholdRepository } from './birth-registration-ports';
import type { PersonRepository } from './ports';

/** A child is a minor until their 18th birthday. */
const ADULT_AGE = 18;

function isMinor(birthDate: string, today: string): boolean {
  const [year, ...monthDay] = birthDate.split('-');
  const adultOn = `${Number(year) + ADULT_AGE}-${monthDay.join('-')}`;
  return today < adultOn;
}

/**
 * The family a citizen acts for, as the registry records it: the citizen's own person, and
 * when the citizen is a parent in a household, the other parent and the minor children who
 * have a person record. A child sees only themselves. Relations the registry does not hold
 * (guardianship, an elderly parent's authorisation) come with the family-scope check.
 */
export function householdFamily(deps: {
  persons: Pick<PersonRepository, 'findByPersonRef'>;
  households: Pick<HouseholdRepository, 'findByMember'>;
  clock: Clock;
}): FamilyMembers {
  return {
    async of(personRef) {
      const self = await deps.persons.findByPersonRef(personRef);
      if (!self) return [];
      const personId = self.person.personId;
      const household = await deps.households.findByMember(personId);
      const me = household?.members.find((m) => m.personId === personId);
      if (!household || !me || me.role === 'child') return [personId];
      const today = beijingDate(deps.clock.now());
      const others = household.members.flatMap((m) =>
        m.personId !== undefined &&
        m.personId !== personId &&
        (m.role !== 'child' || isMinor(m.birthDate, today))
          ? [m.personId]
          : [],
      );
      return [personId, ...others];
    },
  };
}

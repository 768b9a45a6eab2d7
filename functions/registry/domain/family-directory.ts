import type { FamilyDirectory } from '../../../shared/http/family-scope';
import type { HouseholdRepository } from './birth-registration-ports';
import { isActive, type MandateRepository } from './mandate';
import type { PersonRepository } from './ports';

/**
 * Family ties as the registry records them: the person a reference names, the household
 * they belong to (children with their birth dates), the mandates they hold that stand.
 * Who belongs to a family is decided by shared/domain/family.ts.
 */
export function registryFamilyDirectory(deps: {
  readonly persons: Pick<PersonRepository, 'findByPersonRef'>;
  readonly households: Pick<HouseholdRepository, 'findByMember'>;
  readonly mandates: Pick<MandateRepository, 'heldBy'>;
}): FamilyDirectory {
  return {
    async personIdByRef(personRef) {
      return (await deps.persons.findByPersonRef(personRef))?.person.personId;
    },
    async householdsOf(personId) {
      const household = await deps.households.findByMember(personId);
      return household ? [household] : [];
    },
    async mandatesHeldBy(personId) {
      return (await deps.mandates.heldBy(personId)).filter(isActive);
    },
  };
}

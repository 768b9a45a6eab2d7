import type { NewPerson } from '../../functions/registry/domain/person';
import { recordPerson } from '../../functions/registry/domain/person';
import type { PersonRepository, ResidentIdHasher } from '../../functions/registry/domain/ports';
import { fixedClock } from '../../shared/domain/clock';
import { newUlid } from '../../shared/domain/ids';
import { checkResidentId } from '../../shared/domain/resident-id';
import { testPersonRefOf } from './person-refs';

/**
 * Records a person in the registry as a registrar would, with the test person-reference key:
 * a citizen's family is found from this record. Birth date and sex come from the resident ID.
 */
export async function recordTestPerson(
  persons: PersonRepository,
  hasher: ResidentIdHasher,
  input: Pick<NewPerson, 'residentId' | 'name'> & Partial<NewPerson>,
): Promise<string> {
  const check = checkResidentId(input.residentId);
  if (!check.ok) throw new Error('recordTestPerson needs a valid resident ID');
  const { person, residentId, action } = recordPerson(
    {
      sex: check.facts.sex,
      birthDate: check.facts.birthDate,
      hukouRegion: check.facts.regionCode,
      residenceRegion: check.facts.regionCode,
      ...input,
    },
    {
      actor: 'registrar-test',
      clock: fixedClock('2026-12-01T00:00:00Z'),
      newId: newUlid,
      personRefOf: testPersonRefOf,
    },
  );
  await persons.add(person, hasher.hash(residentId), action);
  return person.personId;
}

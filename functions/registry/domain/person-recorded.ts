import type { PersonRecorded } from '../../../shared/events/catalog';
import type { Person } from './person';

/**
 * The facts about a person that leave the registry on every change. Name and resident ID
 * stay behind: no consumer needs them.
 */
export function personRecordedFacts(person: Person): PersonRecorded {
  return {
    personId: person.personId,
    version: person.version,
    sex: person.sex,
    birthDate: person.birthDate,
    alive: person.alive,
    ...(person.deathDate ? { deathDate: person.deathDate } : {}),
    hukouRegion: person.hukouRegion,
    residenceRegion: person.residenceRegion,
  };
}

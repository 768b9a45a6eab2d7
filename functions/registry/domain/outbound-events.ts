import { beijingDate } from '../../../shared/domain/clock';
import type { BirthRegistered, HouseholdChanged, PersonRecorded } from '../../../shared/events/catalog';
import { type BirthRegistration, currentDetails } from './birth-registration';
import { deriveFamilyType, type Household } from './household';
import type { Person } from './person';

const DAY_MS = 86_400_000;

/**
 * The facts of a registered birth that leave the registry: dates, sex, regions, birth
 * order, timeliness, and the parents' cross-province references (never their IDs).
 * Undefined unless the latest action is the registration itself.
 */
export function birthRegisteredFacts(
  registration: BirthRegistration,
): { eventId: string; data: BirthRegistered } | undefined {
  const action = registration.actions.at(-1);
  if (action?.type !== 'registered' || !action.registrationNumber) return undefined;
  const details = currentDetails(registration);
  // Only born children are registered (an expected birth is recorded first).
  if (!details.child.sex) return undefined;
  const registeredDate = beijingDate(new Date(action.at));
  return {
    eventId: action.actionId,
    data: {
      registrationId: registration.registrationId,
      registrationNumber: action.registrationNumber,
      registeredAt: action.at,
      childBirthDate: details.child.birthDate,
      childSex: details.child.sex,
      birthRegion: details.child.birthRegion,
      residenceRegion: details.residenceRegion,
      motherHukouRegion: details.mother.hukouRegion,
      ...(details.father ? { fatherHukouRegion: details.father.hukouRegion } : {}),
      ...(registration.parentRefs?.mother ? { motherRef: registration.parentRefs.mother } : {}),
      ...(registration.parentRefs?.father ? { fatherRef: registration.parentRefs.father } : {}),
      birthOrder: details.birthOrder,
      channel: registration.channel,
      daysToRegister: Math.round((Date.parse(registeredDate) - Date.parse(details.child.birthDate)) / DAY_MS),
    },
  };
}

/**
 * A household's members (ids, whether alive, and a child's registered birth date only) and
 * its derived family type.
 */
export function householdChangedFacts(household: Household): HouseholdChanged {
  return {
    householdId: household.householdId,
    version: household.version,
    familyType: deriveFamilyType(household.members),
    members: household.members.map((m) => ({
      role: m.role,
      ...(m.personId ? { personId: m.personId } : {}),
      ...(m.role === 'child' ? { birthDate: m.birthDate } : {}),
      alive: m.alive,
    })),
  };
}

/**
 * The facts about a person that leave the registry on every change. Name and resident ID
 * stay behind: no consumer needs them; the cross-province reference goes instead.
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
    ...(person.hukouType ? { hukouType: person.hukouType } : {}),
    residenceRegion: person.residenceRegion,
    ...(person.personRef ? { personRef: person.personRef } : {}),
  };
}

import { beijingDate } from '../../../shared/domain/clock';
import { provinceOf } from '../../../shared/domain/region-code';
import {
  BIRTH_REGISTERED,
  type BirthRegistered,
  PERSON_DECEASED,
  PERSON_RESIDENCE_ENDED,
  PERSON_RESIDENCE_REGISTERED,
  type PersonResidenceNotice,
} from '../../../shared/events/catalog';
import { personRecordedFacts } from './outbound-events';
import type { OutboxMessage } from './outbox';
import type { Person } from './person';

/**
 * Which other provinces hear about a change in this province's records (流动人口 双向通报):
 * the hukou province of a person who lives here, or stops living here, or dies here, and
 * the parents' hukou provinces of a birth registered here. A change that another province
 * notified (its origin) is never sent back to that province.
 */

const lives = (person: Pick<Person, 'residenceRegion'>, province: string) =>
  provinceOf(person.residenceRegion) === province;

/**
 * The notices a write of a person sends, given the stored state before it (absent for a new
 * record) and after it. Only persons with a cross-province reference can be named to
 * another province; the others are left out. The message id is the write's event id.
 */
export function personNotices(
  before: Person | undefined,
  after: Person,
  ownProvince: string,
): OutboxMessage[] {
  const hukouProvince = provinceOf(after.hukouRegion);
  if (!after.personRef || hukouProvince === ownProvince || after.lastChangeOrigin === hukouProvince) {
    return [];
  }
  const notice = (type: OutboxMessage['type'], data: unknown): OutboxMessage => ({
    messageId: after.eventId,
    recipient: hukouProvince,
    type,
    // The event id, not the person id: a partner cannot follow one person across messages by it.
    subject: after.eventId,
    data,
    createdAt: after.updatedAt,
  });
  const residence = (residenceRegion: string, on: string): PersonResidenceNotice => ({
    personRef: after.personRef as string,
    hukouRegion: after.hukouRegion,
    residenceRegion,
    on,
  });
  const since = after.residenceSince ?? beijingDate(new Date(after.updatedAt));
  switch (after.lastChange) {
    case 'recorded':
      return after.alive && lives(after, ownProvince)
        ? [notice(PERSON_RESIDENCE_REGISTERED, residence(after.residenceRegion, since))]
        : [];
    case 'residence-changed': {
      const wasHere = before !== undefined && lives(before, ownProvince);
      const isHere = lives(after, ownProvince);
      if (!wasHere && isHere) {
        return [notice(PERSON_RESIDENCE_REGISTERED, residence(after.residenceRegion, since))];
      }
      if (wasHere && !isHere && before) {
        return [notice(PERSON_RESIDENCE_ENDED, residence(before.residenceRegion, since))];
      }
      return [];
    }
    case 'deceased':
      // v1 requires `personId`; another province must not learn our record ids (ADR 0004),
      // so it carries the message's own id, and the person travels as `personRef` only.
      return [notice(PERSON_DECEASED, { ...personRecordedFacts(after), personId: after.eventId })];
    default:
      return [];
  }
}

/**
 * The notices of a birth registered here: to the mother's hukou province and to the
 * father's if it differs, whenever that province is not this one. One message id (the
 * registration's event id) for both recipients; the registration number as subject.
 */
export function birthNotices(eventId: string, facts: BirthRegistered, ownProvince: string): OutboxMessage[] {
  const provinces = new Set(
    [facts.motherHukouRegion, facts.fatherHukouRegion].flatMap((region) =>
      region && provinceOf(region) !== ownProvince ? [provinceOf(region)] : [],
    ),
  );
  return [...provinces].map((recipient) => ({
    messageId: eventId,
    recipient,
    type: BIRTH_REGISTERED,
    subject: facts.registrationNumber,
    data: facts,
    createdAt: facts.registeredAt,
  }));
}

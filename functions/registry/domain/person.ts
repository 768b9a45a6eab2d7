import type { Clock } from '../../../shared/domain/clock';
import { ValidationError } from '../../../shared/domain/errors';
import {
  checkResidentId,
  maskResidentId,
  normaliseResidentId,
  type Sex,
} from '../../../shared/domain/resident-id';

/** A person in the population register. The full resident ID is never held here. */
export interface Person {
  readonly personId: string;
  readonly residentIdMasked: string;
  readonly name: string;
  readonly sex: Sex;
  readonly birthDate: string;
  readonly hukouRegion: string;
  readonly residenceRegion: string;
  readonly alive: boolean;
  /** Increases with every change; the ETag and the order of published facts. */
  readonly version: number;
  readonly recordedAt: string;
  readonly recordedBy: string;
  readonly updatedAt: string;
  /** Id of the domain event this write publishes (stable across publisher retries). */
  readonly eventId: string;
}

export interface NewPerson {
  readonly residentId: string;
  readonly name: string;
  readonly sex: Sex;
  readonly birthDate: string;
  readonly hukouRegion: string;
  readonly residenceRegion: string;
}

export interface RecordContext {
  readonly actor: string;
  readonly clock: Clock;
  readonly newId: () => string;
}

/**
 * Checks a new person's resident ID against the rest of the record (checksum, embedded
 * birth date and sex) and builds the person to store. Throws a ValidationError naming
 * every field that disagrees; data quality only, never policy.
 */
export function recordPerson(
  input: NewPerson,
  context: RecordContext,
): { person: Person; residentId: string } {
  const residentId = normaliseResidentId(input.residentId);
  const check = checkResidentId(residentId);
  const issues: { field: string; message: string }[] = [];
  if (!check.ok) {
    issues.push({ field: 'body.residentId', message: RESIDENT_ID_PROBLEMS[check.reason] });
  } else {
    if (check.facts.birthDate !== input.birthDate) {
      issues.push({ field: 'body.birthDate', message: 'does not match the birth date in the resident ID' });
    }
    if (check.facts.sex !== input.sex) {
      issues.push({ field: 'body.sex', message: 'does not match the sex encoded in the resident ID' });
    }
  }
  const now = context.clock.now();
  // Dates in the register are Beijing dates (UTC+8, no daylight saving).
  const today = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  if (input.birthDate > today) {
    issues.push({ field: 'body.birthDate', message: 'is in the future' });
  }
  if (issues.length > 0) throw new ValidationError('The person record is inconsistent.', issues);
  const at = now.toISOString();
  return {
    residentId,
    person: {
      personId: context.newId(),
      residentIdMasked: maskResidentId(residentId),
      name: input.name,
      sex: input.sex,
      birthDate: input.birthDate,
      hukouRegion: input.hukouRegion,
      residenceRegion: input.residenceRegion,
      alive: true,
      version: 1,
      recordedAt: at,
      recordedBy: context.actor,
      updatedAt: at,
      eventId: context.newId(),
    },
  };
}

const RESIDENT_ID_PROBLEMS = {
  shape: 'must be 17 digits followed by a digit or X',
  'birth-date': 'contains a birth date that does not exist',
  checksum: 'has a wrong check character; please re-check the number',
} as const;

/** The regions that decide which staff may see a person. */
export const regionsOf = (person: Pick<Person, 'hukouRegion' | 'residenceRegion'>): string[] => [
  person.hukouRegion,
  person.residenceRegion,
];

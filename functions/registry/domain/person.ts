import { beijingDate, type Clock } from '../../../shared/domain/clock';
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
  /** 农业 (rural) or 非农业 (urban) household registration, where recorded: some schemes depend on it. */
  readonly hukouType?: HukouType;
  readonly residenceRegion: string;
  /** Since when the person lives in `residenceRegion`, once a change of residence was recorded. */
  readonly residenceSince?: string;
  readonly alive: boolean;
  readonly deathDate?: string;
  /**
   * Cross-province reference (shared/domain/person-ref.ts), derived from the resident ID:
   * how other provinces name this person. Never shown in answers or logs.
   */
  readonly personRef?: string;
  /**
   * A certified disability (伤残), recorded by staff from the certificate shown to them; it
   * makes an only child's family a disabled-only-child family. Nothing else about health.
   */
  readonly disabilityCertified?: boolean;
  /** Increases with every change; the ETag and the order of published facts. */
  readonly version: number;
  readonly recordedAt: string;
  readonly recordedBy: string;
  readonly updatedAt: string;
  /** Id of the domain event this write publishes (stable across publisher retries). */
  readonly eventId: string;
  /** What the latest write did; the publisher names the event after it. */
  readonly lastChange: PersonActionType;
  /**
   * The province whose notification caused the latest write, if one did: the publisher
   * never sends the change back to it.
   */
  readonly lastChangeOrigin?: string;
}

export type HukouType = 'rural' | 'urban';

export type PersonActionType =
  | 'recorded'
  | 'corrected'
  | 'residence-changed'
  | 'deceased'
  | 'disability-recorded';

/** One entry of a person's append-only history: who did what, when, why, old and new values. */
export interface PersonAction {
  readonly actionId: string;
  readonly personId: string;
  readonly type: PersonActionType;
  readonly by: string;
  readonly at: string;
  readonly reason?: string;
  /** The province that notified this change, when another province's message caused it. */
  readonly origin?: string;
  readonly changes: Readonly<Record<string, { readonly from: unknown; readonly to: unknown }>>;
}

export interface NewPerson {
  readonly residentId: string;
  readonly name: string;
  readonly sex: Sex;
  readonly birthDate: string;
  readonly hukouRegion: string;
  readonly hukouType?: HukouType;
  readonly residenceRegion: string;
}

export interface RecordContext {
  readonly actor: string;
  readonly clock: Clock;
  readonly newId: () => string;
  /**
   * The cross-province reference of a resident ID (keyed HMAC). Every handler that records
   * or corrects persons passes it; without it a person gets no reference.
   */
  readonly personRefOf?: (residentId: string) => string;
  /** The province whose notification this write applies, if any (see `Person.lastChangeOrigin`). */
  readonly origin?: string;
}

/**
 * Checks a new person's resident ID against the rest of the record (checksum, embedded
 * birth date and sex) and builds the person to store. Throws a ValidationError naming
 * every field that disagrees; data quality only, never policy.
 */
export function recordPerson(
  input: NewPerson,
  context: RecordContext,
): { person: Person; residentId: string; action: PersonAction } {
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
  if (input.birthDate > beijingDate(now)) {
    issues.push({ field: 'body.birthDate', message: 'is in the future' });
  }
  if (issues.length > 0) throw new ValidationError('The person record is inconsistent.', issues);
  const at = now.toISOString();
  const personId = context.newId();
  const person: Person = {
    personId,
    residentIdMasked: maskResidentId(residentId),
    name: input.name,
    sex: input.sex,
    birthDate: input.birthDate,
    hukouRegion: input.hukouRegion,
    ...(input.hukouType ? { hukouType: input.hukouType } : {}),
    residenceRegion: input.residenceRegion,
    alive: true,
    ...(context.personRefOf ? { personRef: context.personRefOf(residentId) } : {}),
    version: 1,
    recordedAt: at,
    recordedBy: context.actor,
    updatedAt: at,
    eventId: context.newId(),
    lastChange: 'recorded',
  };
  const { residentIdMasked, name, sex, birthDate, hukouRegion, hukouType, residenceRegion } = person;
  const recorded = {
    residentIdMasked,
    name,
    sex,
    birthDate,
    hukouRegion,
    ...(hukouType ? { hukouType } : {}),
    residenceRegion,
  };
  const changes = Object.fromEntries(
    Object.entries(recorded).map(([field, to]) => [field, { from: null, to }]),
  );
  return {
    residentId,
    person,
    action: { actionId: context.newId(), personId, type: 'recorded', by: context.actor, at, changes },
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

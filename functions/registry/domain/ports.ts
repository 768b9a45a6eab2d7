import type { Person, PersonAction } from './person';

/** A person as stored, with the keyed hash of their resident ID (never the ID itself). */
export interface StoredPerson {
  readonly person: Person;
  readonly residentIdHash: string;
}

/** Where persons and their histories are kept. */
export interface PersonRepository {
  /** Stores a new person and its first action; ConflictError when the resident ID is already recorded. */
  add(person: Person, residentIdHash: string, action: PersonAction): Promise<void>;
  find(personId: string): Promise<StoredPerson | undefined>;
  findByResidentIdHash(residentIdHash: string): Promise<StoredPerson | undefined>;
  /** By cross-province reference: how a notification from another province names the person. */
  findByPersonRef(personRef: string): Promise<StoredPerson | undefined>;
  /** Persons with exactly this name and birth date (a short list; names are not unique). */
  findByNameAndBirthDate(name: string, birthDate: string): Promise<StoredPerson[]>;
  /**
   * Stores a change and its action if the stored version is still `expectedVersion`
   * (StaleVersionError otherwise); moves the resident-ID claim when the hash changes
   * (a corrected ID; ConflictError if the new ID belongs to someone else), and with it the
   * lookup by cross-province reference (from `previousPersonRef` to `next.personRef`).
   */
  update(
    next: Person,
    expectedVersion: number,
    action: PersonAction,
    residentIdHash: { readonly from: string; readonly to: string },
    /** The stored person's reference before this change (undefined when it had none). */
    previousPersonRef: string | undefined,
  ): Promise<void>;
  /** The person's actions, oldest first. */
  history(personId: string): Promise<PersonAction[]>;
}

/** The cross-province reference of a resident ID (shared/domain/person-ref.ts, under the national key). */
export type PersonRefOf = (residentId: string) => string;

/** A keyed one-way hash of a resident ID: lookups without keeping the number in clear. */
export interface ResidentIdHasher {
  hash(residentId: string): string;
}

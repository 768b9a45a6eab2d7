import type { Person } from './person';

/** Where persons are kept. */
export interface PersonRepository {
  /** Stores a new person; throws ConflictError when the resident ID is already recorded. */
  add(person: Person, residentIdHash: string): Promise<void>;
  find(personId: string): Promise<Person | undefined>;
}

/** A keyed one-way hash of a resident ID: lookups without keeping the number in clear. */
export interface ResidentIdHasher {
  hash(residentId: string): string;
}

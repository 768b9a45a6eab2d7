import type { BirthRegistrationElsewhere } from './birth-elsewhere';
import type { BirthRegistration, RegistrationStatus } from './birth-registration';
import type { Household } from './household';
import type { Person, PersonAction } from './person';

export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque position of the next page; absent on the last page. */
  readonly next?: Record<string, unknown>;
}

/** Keys that identify "the same birth": see `isPotentialDuplicate`. */
export interface DuplicateKeys {
  /** Keyed hash of the mother's resident ID with the child's birth date. */
  readonly motherAndBirthDate: string;
  /** Keyed hash of the child's resident ID, when the child has one. */
  readonly child?: string;
}

export interface BirthRegistrationRepository {
  /**
   * Stores a new registration. Unless it is flagged as a duplicate, it also claims its
   * duplicate keys, so a second registration of the same birth is found by `findDuplicate`.
   */
  add(registration: BirthRegistration, keys: DuplicateKeys, claimKeys: boolean): Promise<void>;
  find(registrationId: string): Promise<BirthRegistration | undefined>;
  /** The registration that already claimed any of these keys. */
  findDuplicate(keys: DuplicateKeys): Promise<string | undefined>;
  /** Stores the next state if the stored version is still `expectedVersion` (else StaleVersionError). */
  save(next: BirthRegistration, expectedVersion: number): Promise<void>;
  listByStatus(
    status: RegistrationStatus,
    regionPrefix: string,
    limit: number,
    start?: Record<string, unknown>,
  ): Promise<Page<BirthRegistration>>;
  /**
   * Registrations naming the person (by person reference) as mother or father, however
   * they were filed (app or counter), newest first.
   */
  listByParent(personRef: string): Promise<BirthRegistration[]>;
  /** The next registration serial of a region and year (1, 2, 3…); gaps are possible, repeats never. */
  nextSerial(region: string, year: number): Promise<number>;
  /** Writes the outcome of `register` atomically (StaleVersionError if anything moved). */
  commitRegistration(outcome: RegistrationOutcome): Promise<void>;
}

/**
 * Everything that registering a birth writes, stored in one transaction so a crash never
 * leaves a registered birth without its household or child record.
 */
export interface RegistrationOutcome {
  readonly registration: BirthRegistration;
  readonly expectedVersion: number;
  readonly household: Household;
  /** The household's stored version, or undefined when it is new. */
  readonly householdExpectedVersion?: number;
  /** Keyed hash of the mother's resident ID: how her household is found again. */
  readonly motherHash: string;
  /** The child's new person record, when the child has a resident ID and no record yet. */
  readonly newChild?: {
    readonly person: Person;
    readonly residentIdHash: string;
    readonly action: PersonAction;
  };
}

export interface HouseholdRepository {
  find(householdId: string): Promise<Household | undefined>;
  findByMother(motherHash: string): Promise<Household | undefined>;
  /** The household a person belongs to as a member, if any. */
  findByMember(personId: string): Promise<Household | undefined>;
  /** Stores a changed household if its stored version is still `expectedVersion`. */
  save(next: Household, expectedVersion: number): Promise<void>;
}

/** Births registered in other provinces to parents whose hukou is here (read-only records). */
export interface BirthsElsewhereReader {
  find(registrationId: string): Promise<BirthRegistrationElsewhere | undefined>;
  /** Those whose mother's or father's hukou region starts with the prefix. */
  listByRegion(
    regionPrefix: string,
    limit: number,
    start?: Record<string, unknown>,
  ): Promise<Page<BirthRegistrationElsewhere>>;
}

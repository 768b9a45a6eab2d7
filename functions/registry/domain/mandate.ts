import { ConflictError } from '../../../shared/domain/errors';
import type { MandateChanged } from '../../../shared/events/mandate';
import type { AccessEntry } from './access-log';

/**
 * A standing mandate to act for a person (shared/domain/family.ts): a guardian a registrar
 * recorded from the court or committee decision shown at the counter, or a relative an
 * elderly parent authorised (at the counter or in the app). Revocable; a revoked mandate
 * stays on record and is never restored.
 */
export interface Mandate {
  readonly mandateId: string;
  readonly kind: MandateKind;
  /** The person acted for. */
  readonly personId: string;
  /** The person who may act. */
  readonly holderPersonId: string;
  readonly channel: 'counter' | 'app';
  readonly recordedBy: string;
  readonly recordedAt: string;
  readonly reason?: string;
  readonly revokedBy?: string;
  readonly revokedAt?: string;
  readonly revocationReason?: string;
  readonly version: number;
  /** Id of the event this version publishes (stable across publisher retries). */
  readonly eventId: string;
}

export type MandateKind = MandateChanged['kind'];

/** From this age a parent may authorise a relative in the app (老年人, 《老年人权益保障法》 art. 2). */
export const ELDERLY_AGE = 60;

/** A new, standing mandate. */
export function recordMandate(input: Omit<Mandate, 'version' | 'revokedBy' | 'revokedAt'>): Mandate {
  if (input.personId === input.holderPersonId) {
    throw new ConflictError('A person needs no mandate to act for themselves.');
  }
  return { ...input, version: 1 };
}

/** Whether the mandate still stands. */
export const isActive = (mandate: Mandate): boolean => mandate.revokedAt === undefined;

/** The mandate, revoked; ConflictError when it already was. */
export function revokeMandate(
  mandate: Mandate,
  by: string,
  at: string,
  eventId: string,
  reason?: string,
): Mandate {
  if (!isActive(mandate)) throw new ConflictError('This mandate was already revoked.');
  return {
    ...mandate,
    revokedBy: by,
    revokedAt: at,
    ...(reason ? { revocationReason: reason } : {}),
    version: mandate.version + 1,
    eventId,
  };
}

/** The fact other areas keep about a mandate (person ids only). */
export function mandateChangedFacts(mandate: Mandate): MandateChanged {
  return {
    mandateId: mandate.mandateId,
    version: mandate.version,
    kind: mandate.kind,
    personId: mandate.personId,
    holderPersonId: mandate.holderPersonId,
    active: isActive(mandate),
  };
}

/**
 * Where mandates are kept. Each change is stored with the access entries that list it
 * (`mandateAccessEntries`) in one write, all or nothing: a mandate is never recorded or
 * revoked without both persons' logs showing it.
 */
export interface MandateRepository {
  /** Stores a new mandate and its entries. */
  add(mandate: Mandate, entries: readonly AccessEntry[]): Promise<void>;
  find(mandateId: string): Promise<Mandate | undefined>;
  /**
   * Stores the next version and its entries if the stored one is still `expectedVersion`
   * (else StaleVersionError, and nothing is written).
   */
  save(next: Mandate, expectedVersion: number, entries: readonly AccessEntry[]): Promise<void>;
  /** Mandates the person holds (to act for others), revoked ones included. */
  heldBy(personId: string): Promise<Mandate[]>;
  /** Mandates given to others to act for the person, revoked ones included. */
  givenFor(personId: string): Promise<Mandate[]>;
}

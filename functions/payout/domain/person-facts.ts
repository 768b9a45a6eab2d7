import type { PersonRecorded } from '../../../shared/events/catalog';

/**
 * What payout knows about a person, kept from registry events: enough to decide
 * eligibility (age, alive, regions) and nothing more.
 */
export interface PersonFacts extends PersonRecorded {
  /** Id of the event these facts came from. */
  readonly sourceEventId: string;
  readonly updatedAt: string;
}

/**
 * Applies a registry fact update. Returns the new facts, or undefined when the update is
 * not newer than what is held: events can arrive twice or out of order, and replaying
 * them must leave the same view.
 */
export function applyPersonRecorded(
  current: Pick<PersonFacts, 'version'> | undefined,
  update: PersonRecorded,
  eventId: string,
  at: Date,
): PersonFacts | undefined {
  if (current && current.version >= update.version) return undefined;
  return { ...update, sourceEventId: eventId, updatedAt: at.toISOString() };
}

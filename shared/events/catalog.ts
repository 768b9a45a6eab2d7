import type * as z from 'zod';
import { EventEnvelope } from './envelope';
import { PERSON_RECORDED, PersonRecorded } from './person-recorded';

/**
 * Every event type that crosses an area boundary, with the schema of its data. Areas share
 * only this catalog; a consumer rejects what it does not find here.
 */
export const eventCatalog = {
  [PERSON_RECORDED]: PersonRecorded,
} as const satisfies Record<string, z.ZodType>;

export type EventType = keyof typeof eventCatalog;
export type EventData<T extends EventType> = z.infer<(typeof eventCatalog)[T]>;

/** An envelope whose data has been checked against the catalog. */
export type DomainEvent<T extends EventType = EventType> = {
  [K in T]: Omit<EventEnvelope, 'type' | 'data'> & { type: K; data: EventData<K> };
}[T];

export class UnknownEventError extends Error {
  constructor(readonly eventType: string) {
    super(`event type not in the catalog: ${eventType}`);
    this.name = 'UnknownEventError';
  }
}

/**
 * Parses a raw message body into a catalogued event; throws on a malformed envelope, an
 * unknown type or data that does not match the type's schema.
 */
export function parseDomainEvent(raw: string): DomainEvent {
  const envelope = EventEnvelope.parse(JSON.parse(raw));
  const schema = eventCatalog[envelope.type as EventType];
  if (!schema) throw new UnknownEventError(envelope.type);
  return { ...envelope, data: schema.parse(envelope.data) } as DomainEvent;
}

export { PERSON_RECORDED, PersonRecorded };

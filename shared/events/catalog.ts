import type * as z from 'zod';
import { BIRTH_REGISTERED, BirthRegistered, HOUSEHOLD_CHANGED, HouseholdChanged } from './birth-registered';
import { CERTIFICATE_ISSUED, CERTIFICATE_REVOKED, CertificateChanged } from './certificate';
import { EventEnvelope } from './envelope';
import {
  ACK,
  ACK_BATCH,
  Ack,
  AckBatch,
  BENEFIT_ENROLLMENT_CLAIMED,
  BENEFIT_ENROLLMENT_CLEAR,
  BENEFIT_ENROLLMENT_CONFLICT,
  BenefitEnrollmentClaimed,
  BenefitEnrollmentClear,
  BenefitEnrollmentConflict,
  CERTIFICATE_VERIFY_ANSWERED,
  CERTIFICATE_VERIFY_REQUESTED,
  CertificateVerifyAnswered,
  CertificateVerifyRequested,
  PERSON_RESIDENCE_ENDED,
  PERSON_RESIDENCE_REGISTERED,
  PersonResidenceNotice,
} from './exchange-messages';
import { MANDATE_CHANGED, MandateChanged } from './mandate';
import { PERSON_DATA_READ, PersonDataRead } from './person-data-read';
import {
  PERSON_CORRECTED,
  PERSON_DECEASED,
  PERSON_DISABILITY_RECORDED,
  PERSON_EVENT_TYPES,
  PERSON_RECORDED,
  PERSON_RESIDENCE_CHANGED,
  PersonRecorded,
} from './person-recorded';

/**
 * Every event type that crosses an area boundary, with the schema of its data. Areas share
 * only this catalog; a consumer rejects what it does not find here.
 */
export const eventCatalog = {
  [PERSON_RECORDED]: PersonRecorded,
  [PERSON_CORRECTED]: PersonRecorded,
  [PERSON_RESIDENCE_CHANGED]: PersonRecorded,
  [PERSON_DECEASED]: PersonRecorded,
  [PERSON_DISABILITY_RECORDED]: PersonRecorded,
  [BIRTH_REGISTERED]: BirthRegistered,
  [HOUSEHOLD_CHANGED]: HouseholdChanged,
  [CERTIFICATE_ISSUED]: CertificateChanged,
  [CERTIFICATE_REVOKED]: CertificateChanged,
  [MANDATE_CHANGED]: MandateChanged,
  // Payout to registry: staff of payout read persons' data (the access log).
  [PERSON_DATA_READ]: PersonDataRead,
  // Between provinces only (the exchange protocol).
  [PERSON_RESIDENCE_REGISTERED]: PersonResidenceNotice,
  [PERSON_RESIDENCE_ENDED]: PersonResidenceNotice,
  [BENEFIT_ENROLLMENT_CLAIMED]: BenefitEnrollmentClaimed,
  [BENEFIT_ENROLLMENT_CONFLICT]: BenefitEnrollmentConflict,
  [BENEFIT_ENROLLMENT_CLEAR]: BenefitEnrollmentClear,
  [CERTIFICATE_VERIFY_REQUESTED]: CertificateVerifyRequested,
  [CERTIFICATE_VERIFY_ANSWERED]: CertificateVerifyAnswered,
  [ACK]: Ack,
  [ACK_BATCH]: AckBatch,
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

/** Whether an event carries a person's recorded facts. */
export const isPersonEvent = (
  event: DomainEvent,
): event is DomainEvent<(typeof PERSON_EVENT_TYPES)[keyof typeof PERSON_EVENT_TYPES]> =>
  (Object.values(PERSON_EVENT_TYPES) as string[]).includes(event.type);

export * from './exchange-messages';
export {
  BIRTH_REGISTERED,
  BirthRegistered,
  CERTIFICATE_ISSUED,
  CERTIFICATE_REVOKED,
  CertificateChanged,
  HOUSEHOLD_CHANGED,
  HouseholdChanged,
  MANDATE_CHANGED,
  MandateChanged,
  PERSON_CORRECTED,
  PERSON_DATA_READ,
  PERSON_DECEASED,
  PERSON_DISABILITY_RECORDED,
  PERSON_EVENT_TYPES,
  PERSON_RECORDED,
  PERSON_RESIDENCE_CHANGED,
  PersonDataRead,
  PersonRecorded,
};

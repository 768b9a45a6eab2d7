import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { batchHandler } from '../../../shared/aws/batch-handler';
import { province, queueUrl } from '../../../shared/aws/config';
import { type EventPublisher, sqsEventPublisher } from '../../../shared/aws/event-publisher';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { sqsClient } from '../../../shared/aws/sqs';
import {
  BIRTH_REGISTERED,
  type DomainEvent,
  HOUSEHOLD_CHANGED,
  PERSON_EVENT_TYPES,
} from '../../../shared/events/catalog';
import { eventSource } from '../../../shared/events/envelope';
import type { Observability } from '../../../shared/observability';
import { toPerson } from '../adapters/person-item';
import type { BirthRegistration } from '../domain/birth-registration';
import { type Certificate, certificateEventOf } from '../domain/certificate';
import type { Household } from '../domain/household';
import { birthRegisteredFacts, householdChangedFacts, personRecordedFacts } from '../domain/outbound-events';

export interface PublisherDeps {
  readonly province: string;
  /** Where events for the payout area go. */
  readonly payout: EventPublisher;
  readonly observability?: Observability;
}

type Envelope = Omit<DomainEvent, 'specversion' | 'source' | 'datacontenttype'>;

/** The event a stored item announces, if any; ids come from the item so retries repeat them. */
function eventOf(item: Record<string, unknown>): Envelope | undefined {
  switch (item.entity) {
    case 'Person': {
      const person = toPerson(item);
      return {
        id: person.eventId,
        type: PERSON_EVENT_TYPES[person.lastChange],
        time: person.updatedAt,
        subject: person.personId,
        data: personRecordedFacts(person),
      } as Envelope;
    }
    case 'BirthRegistration': {
      // Only the registration's own fields are read; resident IDs inside stay encrypted.
      const registered = birthRegisteredFacts(item as unknown as BirthRegistration);
      if (!registered) return undefined;
      return {
        id: registered.eventId,
        type: BIRTH_REGISTERED,
        time: registered.data.registeredAt,
        subject: registered.data.registrationId,
        data: registered.data,
      };
    }
    case 'Household': {
      const household = item as unknown as Household;
      return {
        id: household.eventId,
        type: HOUSEHOLD_CHANGED,
        time: household.updatedAt,
        subject: household.householdId,
        data: householdChangedFacts(household),
      };
    }
    case 'Certificate': {
      const { eventId, ...event } = certificateEventOf(item as unknown as Certificate);
      return { id: eventId, ...event };
    }
    default:
      return undefined;
  }
}

/**
 * Turns writes to the registry table into domain events. The write is the event: its id
 * was stored with the record, so a retried batch republishes the same id and consumers
 * can tell a repeat from a change.
 */
export function buildPublisher(deps: PublisherDeps) {
  const source = eventSource(deps.province, 'registry');
  return batchHandler({
    service: 'registry-publisher',
    source: 'stream',
    observability: deps.observability,
    record: async (record: DynamoDBRecord) => {
      const image = record.dynamodb?.NewImage;
      if (!image || record.eventName === 'REMOVE') return;
      const event = eventOf(unmarshall(image as Record<string, AttributeValue>));
      if (!event) return;
      await deps.payout.publish({
        specversion: '1.0',
        source,
        datacontenttype: 'application/json',
        ...event,
      } as DomainEvent);
    },
  });
}

export const handler = initOnce(() =>
  buildPublisher({
    province: province(),
    payout: sqsEventPublisher(sqsClient(), queueUrl('payout-inbound')),
  }),
);

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
  eventCatalog,
  HOUSEHOLD_CHANGED,
  MANDATE_CHANGED,
  PERSON_EVENT_TYPES,
} from '../../../shared/events/catalog';
import { eventSource, provinceUrn } from '../../../shared/events/envelope';
import type { Observability } from '../../../shared/observability';
import { StoredMandate } from '../adapters/mandate-repository';
import { toOutboxMessage } from '../adapters/outbox-item';
import { toPerson } from '../adapters/person-item';
import type { BirthRegistration } from '../domain/birth-registration';
import { type Certificate, certificateEventOf } from '../domain/certificate';
import { birthNotices, personNotices } from '../domain/cross-province';
import type { Household } from '../domain/household';
import { mandateChangedFacts } from '../domain/mandate';
import { birthRegisteredFacts, householdChangedFacts, personRecordedFacts } from '../domain/outbound-events';
import type { OutboxMessage } from '../domain/outbox';

export interface PublisherDeps {
  readonly province: string;
  /** Where events for the payout area go. */
  readonly payout: EventPublisher;
  /** Where messages for other provinces go (`exchange-outbound`): the exchange delivers them. */
  readonly exchange: EventPublisher;
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
    case 'Mandate': {
      // Person ids only: payout learns whom a citizen may act for (shared/domain/family.ts).
      const mandate = StoredMandate.parse(item);
      return {
        id: mandate.eventId,
        type: MANDATE_CHANGED,
        time: mandate.revokedAt ?? mandate.recordedAt,
        subject: mandate.mandateId,
        data: mandateChangedFacts(mandate),
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

/** The messages for other provinces a stored item asks for, if any. */
function noticesOf(
  item: Record<string, unknown>,
  old: Record<string, unknown> | undefined,
  province: string,
): OutboxMessage[] {
  switch (item.entity) {
    case 'Person':
      return personNotices(old ? toPerson(old) : undefined, toPerson(item), province);
    case 'BirthRegistration': {
      const registered = birthRegisteredFacts(item as unknown as BirthRegistration);
      return registered ? birthNotices(registered.eventId, registered.data, province) : [];
    }
    case 'Outbox':
      return [toOutboxMessage(item)];
    default:
      return [];
  }
}

/**
 * Turns writes to the registry table into domain events for payout and into messages for
 * other provinces (to `exchange-outbound`). The write is the event: its id was stored with
 * the record, so a retried batch republishes the same id and consumers can tell a repeat
 * from a change.
 */
export function buildPublisher(deps: PublisherDeps) {
  const source = eventSource(deps.province, 'registry');
  const image = (record: DynamoDBRecord, which: 'NewImage' | 'OldImage') => {
    const raw = record.dynamodb?.[which];
    return raw ? unmarshall(raw as Record<string, AttributeValue>) : undefined;
  };
  return batchHandler({
    service: 'registry-publisher',
    source: 'stream',
    observability: deps.observability,
    record: async (record: DynamoDBRecord) => {
      const item = image(record, 'NewImage');
      if (!item || record.eventName === 'REMOVE') return;
      const event = eventOf(item);
      if (event) {
        await deps.payout.publish({
          specversion: '1.0',
          source,
          datacontenttype: 'application/json',
          ...event,
        } as DomainEvent);
      }
      for (const message of noticesOf(item, image(record, 'OldImage'), deps.province)) {
        // Checked against the catalog before it leaves: a partner would refuse it anyway, and
        // a failing record (retried, then the stream DLQ) is seen where a refusal is not.
        eventCatalog[message.type].parse(message.data);
        await deps.exchange.publish({
          specversion: '1.0',
          id: message.messageId,
          source,
          type: message.type,
          time: message.createdAt,
          subject: message.subject,
          datacontenttype: 'application/json',
          data: message.data,
          recipient: provinceUrn(message.recipient),
          ...(message.correlationid ? { correlationid: message.correlationid } : {}),
        } as DomainEvent);
      }
    },
  });
}

export const handler = initOnce(() => {
  const sqs = sqsClient();
  return buildPublisher({
    province: province(),
    payout: sqsEventPublisher(sqs, queueUrl('payout-inbound')),
    exchange: sqsEventPublisher(sqs, queueUrl('exchange-outbound')),
  });
});

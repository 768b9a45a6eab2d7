import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { batchHandler } from '../../../shared/aws/batch-handler';
import { province, queueUrl } from '../../../shared/aws/config';
import { type EventPublisher, sqsEventPublisher } from '../../../shared/aws/event-publisher';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { sqsClient } from '../../../shared/aws/sqs';
import { PERSON_EVENT_TYPES } from '../../../shared/events/catalog';
import { eventSource } from '../../../shared/events/envelope';
import type { Observability } from '../../../shared/observability';
import { toPerson } from '../adapters/person-item';
import { personRecordedFacts } from '../domain/person-recorded';

export interface PublisherDeps {
  readonly province: string;
  /** Where events for the payout area go. */
  readonly payout: EventPublisher;
  readonly observability?: Observability;
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
      const item = unmarshall(image as Record<string, AttributeValue>);
      if (item.entity !== 'Person') return;
      const person = toPerson(item);
      await deps.payout.publish({
        specversion: '1.0',
        id: person.eventId,
        source,
        type: PERSON_EVENT_TYPES[person.lastChange],
        time: person.updatedAt,
        subject: person.personId,
        datacontenttype: 'application/json',
        data: personRecordedFacts(person),
      });
    },
  });
}

export const handler = initOnce(() =>
  buildPublisher({
    province: province(),
    payout: sqsEventPublisher(sqsClient(), queueUrl('payout-inbound')),
  }),
);

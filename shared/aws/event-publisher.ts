import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DomainEvent } from '../events/catalog';

/** Puts domain events on another area's queue. */
export interface EventPublisher {
  publish(event: DomainEvent): Promise<void>;
}

/**
 * Sends each event as one SQS message: the envelope as body, its type as an attribute so
 * operators can filter a DLQ without parsing bodies.
 */
export function sqsEventPublisher(sqs: SQSClient, queueUrl: string): EventPublisher {
  return {
    async publish(event) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(event),
          MessageAttributes: { type: { DataType: 'String', StringValue: event.type } },
        }),
      );
    },
  };
}

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { batchHandler } from '../../../shared/aws/batch-handler';
import { queueUrl } from '../../../shared/aws/config';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { sqsClient } from '../../../shared/aws/sqs';
import { EventEnvelope } from '../../../shared/events/envelope';
import { PERSON_DATA_READ } from '../../../shared/events/person-data-read';
import type { Observability } from '../../../shared/observability';

/** The queues the payout publisher sends to. */
type PublisherQueue = 'exchange-outbound' | 'payout-payments' | 'registry-inbound';

export interface PayoutPublisherDeps {
  /** Sends a message body to a queue. */
  readonly send: (queue: PublisherQueue, body: string, type?: string) => Promise<void>;
  readonly observability?: Observability;
}

/**
 * Turns payout table changes into messages: an outbound item becomes an envelope on
 * `exchange-outbound` (claims, answers and acks to other provinces) or, for a staff read
 * of persons' data, on `registry-inbound` (the registry's access log), and a batch turning
 * approved becomes a disbursement command on `payout-payments`. The stored change is the
 * event; a retried stream batch sends the same envelope id again, which the exchange
 * deduplicates, and a repeated command finds the batch already disbursed.
 */
export function buildPayoutPublisher(deps: PayoutPublisherDeps) {
  return batchHandler({
    service: 'payout-publisher',
    source: 'stream',
    ...(deps.observability ? { observability: deps.observability } : {}),
    record: async (record: DynamoDBRecord) => {
      if (record.eventName === 'REMOVE') return;
      const image = record.dynamodb?.NewImage;
      if (!image) return;
      const item = unmarshall(image as Record<string, AttributeValue>);
      if (item.entity === 'Outbound' && record.eventName === 'INSERT') {
        const envelope = EventEnvelope.parse(item.envelope);
        // Staff reads go to the registry's access log; everything else to other provinces.
        const queue = envelope.type === PERSON_DATA_READ ? 'registry-inbound' : 'exchange-outbound';
        await deps.send(queue, JSON.stringify(envelope), envelope.type);
        return;
      }
      if (item.entity === 'Batch' && item.state === 'approved') {
        const old = record.dynamodb?.OldImage
          ? unmarshall(record.dynamodb.OldImage as Record<string, AttributeValue>)
          : undefined;
        if (old?.state === 'approved') return;
        await deps.send('payout-payments', JSON.stringify({ batchId: item.batchId }));
      }
    },
  });
}

/** Sends through SQS, the message type as an attribute for operators filtering a DLQ. */
export const sqsSender =
  (sqs: SQSClient, urls: Record<PublisherQueue, string>): PayoutPublisherDeps['send'] =>
  async (queue, body, type) => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: urls[queue],
        MessageBody: body,
        ...(type ? { MessageAttributes: { type: { DataType: 'String', StringValue: type } } } : {}),
      }),
    );
  };

export const handler = initOnce(() =>
  buildPayoutPublisher({
    send: sqsSender(sqsClient(), {
      'exchange-outbound': queueUrl('exchange-outbound'),
      'payout-payments': queueUrl('payout-payments'),
      'registry-inbound': queueUrl('registry-inbound'),
    }),
  }),
);

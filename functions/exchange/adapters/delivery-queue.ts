import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { MAX_QUEUE_DELAY_SECONDS } from '../domain/delivery';
import type { DeliveryQueue } from '../domain/ports';

export { MAX_QUEUE_DELAY_SECONDS, SWEEPER_GRACE_MS } from '../domain/delivery';
export type { DeliveryQueue, DeliveryRequest } from '../domain/ports';

/** The exchange's internal queue of delivery attempts (`exchange-delivery`). */
export function sqsDeliveryQueue(sqs: SQSClient, queueUrl: string): DeliveryQueue {
  return {
    async enqueue(request, delaySeconds = 0) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(request),
          DelaySeconds: Math.max(0, Math.min(MAX_QUEUE_DELAY_SECONDS, Math.ceil(delaySeconds))),
        }),
      );
    },
  };
}

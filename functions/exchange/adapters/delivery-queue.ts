import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** A request to make one delivery attempt of an outbound message. */
export interface DeliveryRequest {
  readonly partner: string;
  readonly messageId: string;
  /** The attempt this request is for; a stale request (attempt already made) is ignored. */
  readonly attempt: number;
}

/** How long after its due time a queued attempt is left to the queue before the sweeper re-queues it. */
export const SWEEPER_GRACE_MS = 2 * 60_000;

/** SQS caps a message's delay at 15 minutes; longer waits are the sweeper's. */
export const MAX_QUEUE_DELAY_SECONDS = 900;

export interface DeliveryQueue {
  enqueue(request: DeliveryRequest, delaySeconds?: number): Promise<void>;
}

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

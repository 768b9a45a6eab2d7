import { queueUrl, tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { sqsClient } from '../../../shared/aws/sqs';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { type Observability, observability } from '../../../shared/observability';
import { type DeliveryQueue, SWEEPER_GRACE_MS, sqsDeliveryQueue } from '../adapters/delivery-queue';
import { dynamoMessageRepository, type MessageRepository } from '../adapters/message-repository';

/** Messages queued per run; the next run (a minute later) takes the rest. */
const BATCH = 500;

export interface SweeperDeps {
  readonly messages: MessageRepository;
  readonly delivery: DeliveryQueue;
  readonly clock?: Clock;
  readonly observability?: Observability;
}

/**
 * Runs every minute: queues the attempts whose time has come that no delayed queue message
 * carries (waits longer than SQS's 15 minutes), and re-queues any attempt lost on the way
 * (a sender that died, a queue message gone). A duplicate request is harmless: the sender
 * claims each attempt once.
 */
export function buildSweeper(deps: SweeperDeps) {
  const clock = deps.clock ?? systemClock;
  const { logger } = deps.observability ?? observability('exchange-sweeper');
  return async (): Promise<{ queued: number }> => {
    const now = clock.now();
    const due = await deps.messages.listDue(now.toISOString(), BATCH);
    let queued = 0;
    for (const message of due) {
      if (message.status !== 'pending') continue;
      await deps.messages.postpone(
        message.partner,
        message.messageId,
        new Date(now.getTime() + SWEEPER_GRACE_MS).toISOString(),
      );
      await deps.delivery.enqueue({
        partner: message.partner,
        messageId: message.messageId,
        attempt: message.attempts,
      });
      queued++;
    }
    if (queued > 0) logger.info('queued due delivery attempts', { queued });
    return { queued };
  };
}

export const handler = initOnce(() => {
  const sweep = buildSweeper({
    messages: dynamoMessageRepository(documentClient(), tableName('exchange')),
    delivery: sqsDeliveryQueue(sqsClient(), queueUrl('exchange-delivery')),
  });
  return () => sweep();
});

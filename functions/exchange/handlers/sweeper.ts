import { queueUrl, tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { sqsClient } from '../../../shared/aws/sqs';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { type Observability, observability } from '../../../shared/observability';
import { type DeliveryQueue, SWEEPER_GRACE_MS, sqsDeliveryQueue } from '../adapters/delivery-queue';
import { dynamoMessageRepository, type MessageRepository } from '../adapters/message-repository';
import { dynamoPartnerRepository, type PartnerRepository } from '../adapters/partner-repository';
import { dynamoStreamRepository, type StreamRepository } from '../adapters/stream-repository';
import { streamDue } from '../domain/stream';

/** Messages queued per run; the next run (a minute later) takes the rest. */
const BATCH = 500;

export interface SweeperDeps {
  readonly messages: MessageRepository;
  readonly partners: PartnerRepository;
  readonly streams: StreamRepository;
  readonly delivery: DeliveryQueue;
  readonly clock?: Clock;
  readonly observability?: Observability;
}

/**
 * Runs every minute: queues the attempts whose time has come that no delayed queue message
 * carries (waits longer than SQS's 15 minutes), and re-queues any attempt lost on the way
 * (a sender that died, a queue message gone). A duplicate request is harmless: the sender
 * claims each attempt once. Version 2 streams are queued per partner, not per message: each
 * active partner's stream with messages after its cursor, no live lease and its next attempt
 * due (`streamDue`); the sender's lease makes a duplicate request harmless too.
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
    const streams = (await deps.partners.list()).filter(
      (partner) => partner.batchInboxUrl && partner.status === 'active',
    );
    for (const partner of streams) {
      const head = await deps.streams.findHead(partner.code);
      if (!head || !streamDue(head, now)) continue;
      await deps.delivery.enqueue({ partner: partner.code, stream: true });
      queued++;
    }
    if (queued > 0) logger.info('queued due delivery attempts', { queued });
    return { queued };
  };
}

export const handler = initOnce(() => {
  const db = documentClient();
  const table = tableName('exchange');
  const sweep = buildSweeper({
    messages: dynamoMessageRepository(db, table),
    partners: dynamoPartnerRepository(db, table),
    streams: dynamoStreamRepository(db, table),
    delivery: sqsDeliveryQueue(sqsClient(), queueUrl('exchange-delivery')),
  });
  return () => sweep();
});

import type { SQSRecord } from 'aws-lambda';
import { batchHandler } from '../../../shared/aws/batch-handler';
import { province, queueUrl, tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { sqsClient } from '../../../shared/aws/sqs';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { EventEnvelope, provinceUrn } from '../../../shared/events/envelope';
import type { Observability } from '../../../shared/observability';
import { type DeliveryQueue, SWEEPER_GRACE_MS, sqsDeliveryQueue } from '../adapters/delivery-queue';
import { dynamoMessageRepository, type MessageRepository } from '../adapters/message-repository';
import { dynamoPartnerRepository, type PartnerRepository } from '../adapters/partner-repository';
import { buildOutboundMessage, OutboundRequestError, recipientOf } from '../domain/outbound';

export interface OutboxDeps {
  readonly province: string;
  readonly partners: PartnerRepository;
  readonly messages: MessageRepository;
  readonly delivery: DeliveryQueue;
  readonly clock?: Clock;
  readonly observability?: Observability;
}

/**
 * Turns the areas' requests on `exchange-outbound` into outbound messages: one per
 * (recipient, id), numbered in the partner's stream, then queued for delivery (or held
 * while the partner is paused). A request that cannot become a message (unknown partner,
 * type not allowed, invalid data, a resident ID) fails and rests in the DLQ for an operator.
 */
export function buildOutbox(deps: OutboxDeps) {
  const clock = deps.clock ?? systemClock;
  const ownUrn = provinceUrn(deps.province);
  return batchHandler({
    service: 'exchange-outbox',
    source: 'sqs',
    observability: deps.observability,
    record: async (record: SQSRecord) => {
      const parsed = EventEnvelope.safeParse(JSON.parse(record.body));
      if (!parsed.success) throw new OutboundRequestError('the request is not an event envelope');
      const request = parsed.data;
      const code = recipientOf(request);
      const partner = await deps.partners.find(code);
      if (!partner) throw new OutboundRequestError(`province ${code} is not a partner`);
      const now = clock.now();
      const created = await deps.messages.createOutbound(
        code,
        request.id,
        (sequence) => {
          const built = buildOutboundMessage({ request, partner, ownUrn, sequence });
          return {
            direction: 'outbound',
            messageId: request.id,
            partner: code,
            type: request.type,
            subject: request.subject,
            ...(request.correlationid ? { correlationid: request.correlationid } : {}),
            sequence,
            body: built.body,
            sha256: built.sha256,
            status: 'pending',
            attempts: 0,
            createdAt: now.toISOString(),
          };
        },
        new Date(now.getTime() + SWEEPER_GRACE_MS).toISOString(),
      );
      // A repeated request: the message exists and is on its way already.
      if (!created.created) return;
      if (partner.status === 'paused') {
        await deps.messages.markWaiting(code, request.id);
        return;
      }
      await deps.delivery.enqueue({ partner: code, messageId: request.id, attempt: 0 });
    },
  });
}

export const handler = initOnce(() => {
  const db = documentClient();
  const table = tableName('exchange');
  return buildOutbox({
    province: province(),
    partners: dynamoPartnerRepository(db, table),
    messages: dynamoMessageRepository(db, table),
    delivery: sqsDeliveryQueue(sqsClient(), queueUrl('exchange-delivery')),
  });
});

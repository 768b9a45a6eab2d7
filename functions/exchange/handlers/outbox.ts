import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
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
import { dynamoStreamRepository, type StreamRepository } from '../adapters/stream-repository';
import { gatherAnswers, type Outgoing } from '../domain/answers';
import { buildOutboundMessage, OutboundRequestError, recipientOf } from '../domain/outbound';
import type { Partner } from '../domain/partner';
import type { OutboundCreation, OutboundCreationOutcome } from '../domain/ports';
import type { OutboundRecord } from '../domain/records';

export interface OutboxDeps {
  readonly province: string;
  readonly partners: PartnerRepository;
  readonly messages: MessageRepository;
  readonly streams: StreamRepository;
  readonly delivery: DeliveryQueue;
  readonly clock?: Clock;
  readonly observability?: Observability;
}

/** What the numbering step made of one request. */
type Prepared =
  | { readonly error: unknown }
  /** A version 2 message: numbered, and its stream's delivery requested. */
  | { readonly delivered: 'stream' }
  /** A version 1 message; of the requests it carries, the one that `queues` its delivery. */
  | {
      readonly partner: Partner;
      readonly outcome: OutboundCreation;
      readonly messageId: string;
      readonly queues: boolean;
    };

/**
 * Turns the areas' requests on `exchange-outbound` into outbound messages: one per
 * (recipient, id), numbered in the partner's stream, then queued for delivery (or held
 * while the partner is paused). A request that cannot become a message (unknown partner,
 * type not allowed, invalid data, a resident ID) fails and rests in the DLQ for an operator.
 *
 * The requests of one batch to one partner are numbered together (one counter read and one
 * transaction for all of them: the counter is what serialises a partner's stream); each
 * request is then reported on its own, so one bad request never holds back the others.
 * To a partner that takes version 2 (§13), the messages are chained as they are numbered,
 * and one request asks the sender to deliver the stream from its cursor.
 */
export function buildOutbox(deps: OutboxDeps) {
  const clock = deps.clock ?? systemClock;
  const ownUrn = provinceUrn(deps.province);
  /** Each record's outcome by SQS message id, while its invocation runs. */
  const prepared = new Map<string, Prepared>();

  const prepare = async (records: readonly SQSRecord[]): Promise<void> => {
    const now = clock.now();
    const pickUpAt = new Date(now.getTime() + SWEEPER_GRACE_MS).toISOString();
    const byPartner = new Map<string, { record: SQSRecord; request: EventEnvelope }[]>();
    for (const record of records) {
      try {
        const parsed = EventEnvelope.safeParse(JSON.parse(record.body));
        if (!parsed.success) throw new OutboundRequestError('the request is not an event envelope');
        const code = recipientOf(parsed.data);
        byPartner.set(code, [...(byPartner.get(code) ?? []), { record, request: parsed.data }]);
      } catch (error) {
        prepared.set(record.messageId, { error });
      }
    }
    await Promise.all(
      [...byPartner].map(async ([code, requests]) => {
        try {
          const partner = await deps.partners.find(code);
          if (!partner) throw new OutboundRequestError(`province ${code} is not a partner`);
          const record = (request: EventEnvelope, sequence: number): OutboundRecord => {
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
          };
          // Answers to the partner travel gathered when it takes them so (domain/answers.ts).
          const outgoing = gatherAnswers(
            requests.map(({ record: sqsRecord, request }) => ({ key: sqsRecord.messageId, request })),
            partner,
          );
          /** Each request's outcome: that of the message it went out in. */
          const settle = (
            outcomes: readonly (OutboundCreationOutcome | undefined)[],
            step: (outcome: OutboundCreation, message: Outgoing, key: string) => Prepared,
          ) =>
            outgoing.forEach((message, i) => {
              const outcome = outcomes[i] ?? { created: false };
              for (const key of message.keys) {
                prepared.set(
                  key,
                  'error' in outcome ? { error: outcome.error } : step(outcome, message, key),
                );
              }
            });
          if (partner.batchInboxUrl) {
            // Version 2: numbered and chained on the stream head; one request delivers the stream.
            const outcomes = await deps.streams.numberMessages(
              code,
              outgoing.map(({ request }) => ({
                messageId: request.id,
                build: (sequence, previousHash) => ({
                  ...record(request, sequence),
                  protocol: 'v2',
                  previousHash,
                }),
              })),
            );
            if (partner.status === 'active') await deps.delivery.enqueue({ partner: code, stream: true });
            settle(outcomes, () => ({ delivered: 'stream' as const }));
            return;
          }
          const entries = outgoing.map(({ request }) => ({
            messageId: request.id,
            build: (sequence: number) => record(request, sequence),
          }));
          const outcomes = await deps.messages.createOutbounds(code, entries, pickUpAt);
          // Several requests carried by one message: the first queues its delivery.
          settle(outcomes, (outcome, message, key) => ({
            partner,
            outcome,
            messageId: message.request.id,
            queues: key === message.keys[0],
          }));
        } catch (error) {
          for (const { record } of requests) prepared.set(record.messageId, { error });
        }
      }),
    );
  };

  const report = batchHandler({
    service: 'exchange-outbox',
    source: 'sqs',
    observability: deps.observability,
    record: async (record: SQSRecord) => {
      const step = prepared.get(record.messageId);
      if (!step) throw new Error('the request was not prepared');
      if ('error' in step) throw step.error;
      if ('delivered' in step) return;
      // A repeated request: the message exists and is on its way already.
      if (!step.outcome.created || !step.queues) return;
      const { partner, messageId } = step;
      if (partner.status === 'paused') {
        await deps.messages.markWaiting(partner.code, messageId);
        return;
      }
      await deps.delivery.enqueue({ partner: partner.code, messageId, attempt: 0 });
    },
  });

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    try {
      await prepare(event.Records);
      return await report(event, context);
    } finally {
      for (const record of event.Records) prepared.delete(record.messageId);
    }
  };
}

export const handler = initOnce(() => {
  const db = documentClient();
  const table = tableName('exchange');
  return buildOutbox({
    province: province(),
    partners: dynamoPartnerRepository(db, table),
    messages: dynamoMessageRepository(db, table),
    streams: dynamoStreamRepository(db, table),
    delivery: sqsDeliveryQueue(sqsClient(), queueUrl('exchange-delivery')),
  });
});

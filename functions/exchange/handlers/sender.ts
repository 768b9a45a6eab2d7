import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { batchHandler } from '../../../shared/aws/batch-handler';
import { queueUrl, tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { sqsClient } from '../../../shared/aws/sqs';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { ULID_PATTERN } from '../../../shared/domain/ids';
import { type Observability, observability } from '../../../shared/observability';
import {
  type DeliveryQueue,
  MAX_QUEUE_DELAY_SECONDS,
  SWEEPER_GRACE_MS,
  sqsDeliveryQueue,
} from '../adapters/delivery-queue';
import { fetchInboxClient, type InboxClient } from '../adapters/inbox-client';
import { dynamoMessageRepository, type MessageRepository } from '../adapters/message-repository';
import { dynamoPartnerRepository, type PartnerRepository } from '../adapters/partner-repository';
import { loadSigningKeys } from '../adapters/signing-keys';
import { assessAttempt } from '../domain/delivery';
import { canonicalJson, sha256Hex } from '../domain/digest';
import { activeSigningKeys } from '../domain/key-set';
import { partnerKeys } from '../domain/partner';
import type { Random } from '../domain/retry';
import { type SigningKey, signatureHeaders, unixSeconds } from '../domain/signing';

/** An attempt in progress holds the message this long; a sender that died is covered after it. */
const ATTEMPT_LEASE_MS = 5 * 60_000;

const DeliveryRequestBody = z.object({
  partner: z.string().regex(/^\d{2}$/),
  messageId: z.string().regex(ULID_PATTERN),
  attempt: z.number().int().nonnegative(),
});

export interface SenderDeps {
  readonly partners: PartnerRepository;
  readonly messages: MessageRepository;
  readonly delivery: DeliveryQueue;
  readonly signingKeys: readonly SigningKey[];
  readonly post: InboxClient;
  readonly clock?: Clock;
  readonly random?: Random;
  /** Retry delays instead of the protocol's schedule (tests shorten it). */
  readonly schedule?: readonly number[];
  readonly observability?: Observability;
}

/**
 * Makes one delivery attempt per request on `exchange-delivery`: signs the stored body with
 * every key valid now, POSTs it, and accepts only a receipt signed by the partner. On
 * failure the next attempt follows the retry schedule: short waits as a delayed queue
 * message, long ones through the sweeper. After the last attempt the message is marked
 * failed, the partner's stream is paused and an alarm metric is raised; nothing is dropped.
 */
export function buildSender(deps: SenderDeps) {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? Math.random;
  const obs = deps.observability ?? observability('exchange-sender');
  const later = (from: Date, ms: number) => new Date(from.getTime() + ms).toISOString();

  return batchHandler({
    service: 'exchange-sender',
    source: 'sqs',
    observability: obs,
    record: async (record: SQSRecord) => {
      const request = DeliveryRequestBody.parse(JSON.parse(record.body));
      const message = await deps.messages.findOutbound(request.partner, request.messageId);
      // Stale requests (attempt made, message finished) change nothing.
      if (message?.status !== 'pending' || message.attempts !== request.attempt) return;
      const partner = await deps.partners.find(request.partner);
      if (!partner) throw new Error(`partner ${request.partner} is no longer registered`);
      if (partner.status === 'paused') {
        await deps.messages.markWaiting(partner.code, message.messageId);
        return;
      }
      const start = clock.now();
      if (
        !(await deps.messages.claimAttempt(
          partner.code,
          message.messageId,
          request.attempt,
          later(start, ATTEMPT_LEASE_MS),
        ))
      ) {
        return;
      }
      const headers = {
        'content-type': 'application/cloudevents+json',
        ...signatureHeaders(
          { id: message.messageId, timestamp: unixSeconds(start), body: message.body },
          activeSigningKeys(deps.signingKeys, start),
        ),
      };
      const answer = await deps.post(partner.inboxUrl, headers, message.body);
      const now = clock.now();
      const outcome = assessAttempt({
        answer,
        sent: { messageId: message.messageId, body: message.body },
        recipientKeys: partnerKeys(partner),
        attempt: request.attempt,
        now,
        random,
        ...(deps.schedule ? { schedule: deps.schedule } : {}),
      });
      const round = message.rounds ?? 0;
      const base = {
        messageId: message.messageId,
        partner: partner.code,
        attempt: request.attempt,
        round,
        at: start.toISOString(),
        ...(answer.status !== undefined ? { status: answer.status } : {}),
      };
      if (outcome.kind === 'delivered') {
        await deps.messages.recordAttempt({ ...base, outcome: 'delivered' });
        await deps.messages.markDelivered(partner.code, message.messageId, {
          deliveredAt: now.toISOString(),
          receipt: outcome.receipt.receipt,
          receiptKeyId: outcome.receipt.keyId,
          receiptSha256: sha256Hex(canonicalJson(outcome.receipt.receipt)),
          signedReceipt: {
            body: answer.body,
            headers: {
              'webhook-id': answer.headers['webhook-id'] ?? '',
              'webhook-timestamp': answer.headers['webhook-timestamp'] ?? '',
              'webhook-signature': answer.headers['webhook-signature'] ?? '',
            },
          },
          headers,
        });
        obs.metrics.addMetric('MessagesDelivered', MetricUnit.Count, 1);
        return;
      }
      const next = outcome.next;
      if (next.kind === 'retry') {
        const nextAt = next.at.toISOString();
        await deps.messages.recordAttempt({
          ...base,
          outcome: 'failed',
          reason: outcome.reason,
          nextAttemptAt: nextAt,
        });
        const delaySeconds = Math.max(0, (next.at.getTime() - now.getTime()) / 1000);
        const viaQueue = delaySeconds <= MAX_QUEUE_DELAY_SECONDS;
        await deps.messages.scheduleRetry(partner.code, message.messageId, {
          nextAttemptAt: nextAt,
          pickUpAt: viaQueue ? later(next.at, SWEEPER_GRACE_MS) : nextAt,
          lastError: outcome.reason,
          headers,
        });
        if (viaQueue) {
          await deps.delivery.enqueue(
            { partner: partner.code, messageId: message.messageId, attempt: next.attempt },
            delaySeconds,
          );
        }
        obs.metrics.addMetric('DeliveryRetried', MetricUnit.Count, 1);
        return;
      }
      await deps.messages.recordAttempt({ ...base, outcome: 'failed', reason: outcome.reason });
      await deps.messages.markFailed(partner.code, message.messageId, {
        failedAt: now.toISOString(),
        lastError: `${next.reason}: ${outcome.reason}`,
      });
      obs.metrics.addMetric('DeliveryFailed', MetricUnit.Count, 1);
      obs.logger.error('delivery failed', {
        partner: partner.code,
        messageId: message.messageId,
        reason: outcome.reason,
      });
      if (next.reason === 'exhausted') {
        // The partner is unreachable: hold its stream until an operator resumes and replays.
        await deps.partners.setStatus(partner.code, {
          status: 'paused',
          pausedReason: 'delivery-failed',
          at: now.toISOString(),
          by: 'exchange-sender',
        });
        obs.metrics.addMetric('PartnerPaused', MetricUnit.Count, 1);
      }
    },
  });
}

export const handler = initOnce(async () => {
  const db = documentClient();
  const table = tableName('exchange');
  return buildSender({
    partners: dynamoPartnerRepository(db, table),
    messages: dynamoMessageRepository(db, table),
    delivery: sqsDeliveryQueue(sqsClient(), queueUrl('exchange-delivery')),
    signingKeys: await loadSigningKeys(),
    post: fetchInboxClient(),
  });
});

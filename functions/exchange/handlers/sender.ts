import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { batchHandler } from '../../../shared/aws/batch-handler';
import { queueUrl, tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { sqsClient } from '../../../shared/aws/sqs';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { newUlid, ULID_PATTERN } from '../../../shared/domain/ids';
import { type Observability, observability } from '../../../shared/observability';
import { sqsDeliveryQueue } from '../adapters/delivery-queue';
import { fetchInboxClient } from '../adapters/inbox-client';
import { dynamoMessageRepository } from '../adapters/message-repository';
import { dynamoPartnerRepository, type PartnerRepository } from '../adapters/partner-repository';
import { loadSigningKeys } from '../adapters/signing-keys';
import { dynamoStreamRepository, type StreamRepository } from '../adapters/stream-repository';
import { attemptDelivery, type DeliveryServiceDeps } from '../domain/delivery-service';
import type { Partner } from '../domain/partner';
import type { Random } from '../domain/retry';
import { deliverStream } from '../domain/stream-delivery-service';

const PartnerCode = z.string().regex(/^\d{2}$/);
const DeliveryRequestBody = z.union([
  z.object({ partner: PartnerCode, stream: z.literal(true) }),
  z.object({
    partner: PartnerCode,
    messageId: z.string().regex(ULID_PATTERN),
    attempt: z.number().int().nonnegative(),
  }),
]);

export interface SenderDeps extends Omit<DeliveryServiceDeps, 'clock' | 'random'> {
  readonly streams: StreamRepository;
  readonly clock?: Clock;
  readonly random?: Random;
  readonly observability?: Observability;
}

/** The metric each outcome counts; failures and pauses carry the alarms. */
const METRICS = {
  delivered: 'MessagesDelivered',
  retry: 'DeliveryRetried',
  failed: 'DeliveryFailed',
} as const;

/**
 * Makes one delivery attempt per request on `exchange-delivery` (domain/delivery-service.ts)
 * and reports the outcome as metrics: a failed delivery and a paused partner raise alarms.
 */
export function buildSender(deps: SenderDeps) {
  const obs = deps.observability ?? observability('exchange-sender');
  /*
   * A batch's records to one partner read the partner once (consistently, at the batch's
   * start): a pause takes effect from the next batch, and a pause made by this batch at once.
   */
  const partnersOfBatch = new Map<string, Promise<Partner | undefined>>();
  const partners: PartnerRepository = {
    ...deps.partners,
    find(code) {
      let found = partnersOfBatch.get(code);
      if (!found) {
        found = deps.partners.find(code);
        partnersOfBatch.set(code, found);
        // A failed read is not kept: the next record reads again.
        found.catch(() => partnersOfBatch.delete(code));
      }
      return found;
    },
    async setStatus(code, change) {
      partnersOfBatch.delete(code);
      await deps.partners.setStatus(code, change);
    },
  };
  const service: DeliveryServiceDeps = {
    ...deps,
    partners,
    clock: deps.clock ?? systemClock,
    random: deps.random ?? Math.random,
  };
  /** A retry or a failure: counted, and a failure logged, with the partner's pause alarmed. */
  const note = (kind: 'retry' | 'failed', request: object, reason: string, partnerPaused: boolean) => {
    obs.metrics.addMetric(METRICS[kind], MetricUnit.Count, 1);
    if (kind !== 'failed') return;
    obs.logger.error('delivery failed', { ...request, reason });
    if (partnerPaused) obs.metrics.addMetric('PartnerPaused', MetricUnit.Count, 1);
  };
  const report = batchHandler({
    service: 'exchange-sender',
    source: 'sqs',
    observability: obs,
    record: async (record: SQSRecord) => {
      const request = DeliveryRequestBody.parse(JSON.parse(record.body));
      if ('stream' in request) {
        const report = await deliverStream(request.partner, {
          ...service,
          streams: deps.streams,
          newId: (at) => newUlid(at.getTime()),
          owner: `${record.messageId}:${newUlid()}`,
        });
        if (report.kind === 'held' || report.kind === 'busy') return;
        // A stream delivery counts the messages delivered, and those the partner refused as failed.
        const refused = report.refused.length;
        if (report.messages > refused) {
          obs.metrics.addMetric(METRICS.delivered, MetricUnit.Count, report.messages - refused);
        }
        if (refused > 0) {
          obs.metrics.addMetric(METRICS.failed, MetricUnit.Count, refused);
          // Message ids and reason codes only, never a body.
          obs.logger.error('the partner refused messages of a batch', {
            ...request,
            refused: report.refused,
          });
        }
        if (report.kind !== 'delivered') note(report.kind, request, report.reason, report.kind === 'failed');
        return;
      }
      const report = await attemptDelivery(request, service);
      if (report.kind === 'delivered') obs.metrics.addMetric(METRICS.delivered, MetricUnit.Count, 1);
      if (report.kind === 'retry' || report.kind === 'failed') {
        note(report.kind, request, report.reason, report.kind === 'failed' && report.partnerPaused);
      }
    },
  });
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    try {
      return await report(event, context);
    } finally {
      partnersOfBatch.clear();
    }
  };
}

export const handler = initOnce(async () => {
  const db = documentClient();
  const table = tableName('exchange');
  return buildSender({
    partners: dynamoPartnerRepository(db, table),
    messages: dynamoMessageRepository(db, table),
    streams: dynamoStreamRepository(db, table),
    delivery: sqsDeliveryQueue(sqsClient(), queueUrl('exchange-delivery')),
    signingKeys: await loadSigningKeys(),
    post: fetchInboxClient(),
  });
});

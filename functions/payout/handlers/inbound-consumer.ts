import type { SQSRecord } from 'aws-lambda';
import { batchHandler } from '../../../shared/aws/batch-handler';
import { province as provinceOfDeployment, tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { parseDomainEvent } from '../../../shared/events/catalog';
import { type Observability, observability } from '../../../shared/observability';
import { dynamoBatchRepository } from '../adapters/batch-repository';
import { dynamoClaimRegisterRepository } from '../adapters/claim-register-repository';
import { dynamoEnrollmentRepository } from '../adapters/enrollment-repository';
import { dynamoOutboxRepository } from '../adapters/outbox-repository';
import { dynamoProjectionRepository } from '../adapters/projection-repository';
import { payoutInboundService } from '../domain/inbound-service';
import type {
  BatchRepository,
  ClaimRegisterRepository,
  EnrollmentRepository,
  OutboxRepository,
  ProjectionRepository,
} from '../domain/ports';

const SERVICE = 'payout-inbound-consumer';

export interface InboundConsumerDeps {
  readonly province: string;
  readonly projection: ProjectionRepository;
  readonly enrollments: EnrollmentRepository;
  readonly registers: ClaimRegisterRepository;
  readonly batches: Pick<BatchRepository, 'linesOfEnrollment'>;
  readonly outbox: OutboxRepository;
  readonly clock?: Clock;
  readonly observability?: Observability;
}

/**
 * Takes registry events and other provinces' messages (payout-inbound) and hands each to
 * the payout inbound service (domain/inbound-service.ts), which holds every rule. A
 * message that is not a known, well-formed event fails and, after the queue's retries,
 * rests in the DLQ for an operator: nothing is silently dropped.
 */
export function buildInboundConsumer(deps: InboundConsumerDeps) {
  const obs = deps.observability ?? observability(SERVICE);
  const service = payoutInboundService({
    province: deps.province,
    projection: deps.projection,
    enrollments: deps.enrollments,
    registers: deps.registers,
    batches: deps.batches,
    outbox: deps.outbox,
    clock: deps.clock ?? systemClock,
  });
  return batchHandler({
    service: SERVICE,
    source: 'sqs',
    observability: obs,
    record: async (record: SQSRecord) => {
      const event = parseDomainEvent(record.body);
      const result = await service.handle(event);
      // Ids, types and outcome codes only: the data names people.
      if (result.outcome === 'refused') {
        obs.logger.warn('message refused', {
          messageId: event.id,
          type: event.type,
          source: event.source,
          reason: result.reason,
        });
      }
    },
  });
}

export const handler = initOnce(() => {
  const db = documentClient();
  const table = tableName('payout');
  return buildInboundConsumer({
    province: provinceOfDeployment(),
    projection: dynamoProjectionRepository(db, table),
    enrollments: dynamoEnrollmentRepository(db, table),
    registers: dynamoClaimRegisterRepository(db, table),
    batches: dynamoBatchRepository(db, table),
    outbox: dynamoOutboxRepository(db, table),
  });
});

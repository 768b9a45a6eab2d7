import type { SQSRecord } from 'aws-lambda';
import { batchHandler } from '../../../shared/aws/batch-handler';
import { tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { isPersonEvent, parseDomainEvent } from '../../../shared/events/catalog';
import type { Observability } from '../../../shared/observability';
import { dynamoPersonFactsRepository } from '../adapters/person-facts-repository';
import { applyPersonRecorded } from '../domain/person-facts';
import type { PersonFactsRepository } from '../domain/ports';

export interface InboundConsumerDeps {
  readonly facts: PersonFactsRepository;
  readonly clock?: Clock;
  readonly observability?: Observability;
}

/**
 * Applies events from other areas to payout's own view. A message that is not a known,
 * well-formed event fails and, after the queue's retries, rests in the DLQ for an
 * operator: nothing is silently dropped.
 */
export function buildInboundConsumer(deps: InboundConsumerDeps) {
  const clock = deps.clock ?? systemClock;
  return batchHandler({
    service: 'payout-inbound-consumer',
    source: 'sqs',
    observability: deps.observability,
    record: async (record: SQSRecord) => {
      const event = parseDomainEvent(record.body);
      if (isPersonEvent(event)) {
        const current = await deps.facts.find(event.data.personId);
        const next = applyPersonRecorded(current, event.data, event.id, clock.now());
        if (next) await deps.facts.saveIfNewer(next);
      }
    },
  });
}

export const handler = initOnce(() =>
  buildInboundConsumer({ facts: dynamoPersonFactsRepository(documentClient(), tableName('payout')) }),
);

import type { DynamoDBRecord } from 'aws-lambda';
import { batchHandler } from '../../../shared/aws/batch-handler';
import { tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { type Observability, observability } from '../../../shared/observability';
import { dynamoHouseholdRepository } from '../adapters/household-repository';
import { dynamoStatisticsStore } from '../adapters/statistics-repository';
import { type HouseholdUpdaterDeps, householdRecord } from './household-updater';
import { type StatisticsProjectorDeps, statisticsRecord } from './statistics-projector';

const SERVICE = 'registry-projections';

/**
 * The registry table stream's second reader, beside the publisher: DynamoDB Streams serves
 * at most two readers per shard without throttling, so the registry's own projections share
 * one. Each record goes to the household projection, then to the statistics; both are
 * idempotent, so a record retried after one of them failed changes nothing twice.
 */
export function buildProjections(
  deps: HouseholdUpdaterDeps & StatisticsProjectorDeps & { observability?: Observability },
) {
  const households = householdRecord(deps);
  const statistics = statisticsRecord(deps);
  return batchHandler({
    service: SERVICE,
    source: 'stream',
    observability: deps.observability ?? observability(SERVICE),
    record: async (record: DynamoDBRecord) => {
      await households(record);
      await statistics(record);
    },
  });
}

export const handler = initOnce(() => {
  const db = documentClient();
  const table = tableName('registry');
  return buildProjections({
    households: dynamoHouseholdRepository(db, table),
    statistics: dynamoStatisticsStore(db, table),
  });
});

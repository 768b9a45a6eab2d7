import type { SQSRecord } from 'aws-lambda';
import { batchHandler } from '../../../shared/aws/batch-handler';
import { tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { newUlid } from '../../../shared/domain/ids';
import { type Observability, observability } from '../../../shared/observability';
import { dynamoBatchRepository } from '../adapters/batch-repository';
import { dynamoEnrollmentRepository } from '../adapters/enrollment-repository';
import { dynamoProjectionRepository } from '../adapters/projection-repository';
import { configuredSchemes } from '../config/schemes';
import { type PlanningPorts, planBatch } from '../domain/plan-batch';
import type { Scheme } from '../domain/schemes';
import { PlanningRequest } from '../schemas';

/**
 * Plans one batch per message on `payout-planning`: the schedule's requests, one per
 * (scheme, period, region). A crash leaves the message to be delivered again, and
 * planning resumes where it stopped (lines are written once each).
 */
export function buildRegionPlanner(
  deps: PlanningPorts & { clock?: Clock; schemes?: readonly Scheme[]; observability?: Observability },
) {
  const clock = deps.clock ?? systemClock;
  const schemes = deps.schemes ?? configuredSchemes();
  const obs = deps.observability ?? observability('payout-region-planner');
  return batchHandler({
    service: 'payout-region-planner',
    source: 'sqs',
    observability: obs,
    record: async (record: SQSRecord) => {
      const request = PlanningRequest.parse(JSON.parse(record.body));
      const scheme = schemes.find((s) => s.code === request.scheme);
      if (!scheme) throw new Error(`scheme ${request.scheme} is not configured`);
      const batch = await planBatch(deps, {
        scheme,
        period: request.period,
        region: request.region,
        by: 'schedule',
        at: clock.now(),
        newId: () => newUlid(),
      });
      obs.logger.info('batch planned', {
        batchId: batch.batchId,
        scheme: batch.scheme,
        period: batch.period,
        region: batch.region,
        control: batch.control,
      });
    },
  });
}

export const handler = initOnce(() => {
  const db = documentClient();
  const table = tableName('payout');
  return buildRegionPlanner({
    batches: dynamoBatchRepository(db, table),
    enrollments: dynamoEnrollmentRepository(db, table),
    projection: dynamoProjectionRepository(db, table),
  });
});

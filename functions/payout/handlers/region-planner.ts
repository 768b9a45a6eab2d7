import type { SQSRecord } from 'aws-lambda';
import { batchHandler } from '../../../shared/aws/batch-handler';
import { queueUrl, tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { sqsClient } from '../../../shared/aws/sqs';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { newUlid } from '../../../shared/domain/ids';
import { type Observability, observability } from '../../../shared/observability';
import { dynamoBatchRepository } from '../adapters/batch-repository';
import { dynamoEnrollmentRepository } from '../adapters/enrollment-repository';
import { sqsPlanningQueue } from '../adapters/planning-queue';
import { dynamoProjectionRepository } from '../adapters/projection-repository';
import { configuredBatchLineCap, configuredSchemes } from '../config/schemes';
import { nextPartRequest } from '../domain/batch-parts';
import { type PlanningPorts, planBatch } from '../domain/plan-batch';
import type { PlanningQueue } from '../domain/ports';
import type { Scheme } from '../domain/schemes';
import { PlanningRequest } from '../schemas';

/**
 * Plans one batch per message on `payout-planning`: the schedule's requests, one per
 * (scheme, period, region), and the later parts of a region with more enrolments than one
 * batch holds, each asked for by the part before it. A crash leaves the message to be
 * delivered again, and planning resumes where it stopped (lines are written once each).
 */
export function buildRegionPlanner(
  deps: PlanningPorts & {
    queue: PlanningQueue;
    clock?: Clock;
    schemes?: readonly Scheme[];
    lineCap?: number;
    observability?: Observability;
  },
) {
  const clock = deps.clock ?? systemClock;
  const schemes = deps.schemes ?? configuredSchemes();
  const lineCap = deps.lineCap ?? configuredBatchLineCap();
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
        ...(request.part ? { partNumber: request.part } : {}),
        lineCap,
        by: 'schedule',
        at: clock.now(),
        newId: () => newUlid(),
      });
      obs.logger.info('batch planned', {
        batchId: batch.batchId,
        scheme: batch.scheme,
        period: batch.period,
        region: batch.region,
        part: batch.part?.number,
        control: batch.control,
      });
      // Asked again when this part was planned before: planning the next part twice finds it.
      const next = nextPartRequest(batch);
      if (next && batch.state !== 'cancelled') await deps.queue.request([next]);
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
    queue: sqsPlanningQueue(sqsClient(), queueUrl('payout-planning')),
  });
});

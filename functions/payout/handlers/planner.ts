import { province as provinceOfDeployment, tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { beijingDate, type Clock, systemClock } from '../../../shared/domain/clock';
import { newUlid } from '../../../shared/domain/ids';
import { observability } from '../../../shared/observability';
import { dynamoBatchRepository } from '../adapters/batch-repository';
import { dynamoEnrollmentRepository } from '../adapters/enrollment-repository';
import { dynamoProjectionRepository } from '../adapters/projection-repository';
import { SCHEMES } from '../config/schemes';
import { periodContaining } from '../domain/enrollment';
import { type PlanningPorts, planBatch } from '../domain/plan-batch';
import { periodFor, type Scheme } from '../domain/schemes';
import { PlannerEvent } from '../schemas';

/**
 * Whether a scheme pays on `day` (Beijing date): monthly schemes every month, annual ones
 * in their pay month, one-time rewards in January.
 */
export function paysOn(scheme: Scheme, day: string): boolean {
  const month = Number(day.slice(5, 7));
  if (scheme.frequency === 'monthly') return true;
  if (scheme.frequency === 'annual') return month === scheme.payMonth;
  return month === 1;
}

/**
 * The scheduled planner: on its schedule, one batch per scheme due this month, for the
 * whole province. The same planning as the manual route; a second run the same month
 * finds the batches already planned.
 */
export function buildPlanner(
  deps: PlanningPorts & { province: string; clock?: Clock; schemes?: readonly Scheme[] },
) {
  const clock = deps.clock ?? systemClock;
  const { logger } = observability('payout-planner');
  return async (raw: unknown): Promise<{ planned: string[] }> => {
    const event = PlannerEvent.parse(raw ?? {});
    const today = beijingDate(clock.now());
    const planned: string[] = [];
    for (const scheme of deps.schemes ?? SCHEMES) {
      if (event.frequency && scheme.frequency !== event.frequency) continue;
      if (!event.period && !paysOn(scheme, today)) continue;
      if (event.period && !periodFor(scheme, event.period)) continue;
      const batch = await planBatch(deps, {
        scheme,
        period: event.period ?? periodContaining(scheme, today),
        region: `${deps.province}0000`,
        by: 'schedule',
        at: clock.now(),
        newId: () => newUlid(),
      });
      logger.info('batch planned', {
        batchId: batch.batchId,
        scheme: scheme.code,
        period: batch.period,
        control: batch.control,
      });
      planned.push(batch.batchId);
    }
    return { planned };
  };
}

export const handler = initOnce(() => {
  const db = documentClient();
  const table = tableName('payout');
  return buildPlanner({
    province: provinceOfDeployment(),
    batches: dynamoBatchRepository(db, table),
    enrollments: dynamoEnrollmentRepository(db, table),
    projection: dynamoProjectionRepository(db, table),
  });
});

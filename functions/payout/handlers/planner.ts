import { province as provinceOfDeployment, queueUrl, tableName } from '../../../shared/aws/config';
import { documentClient } from '../../../shared/aws/dynamodb';
import { initOnce } from '../../../shared/aws/lazy-handler';
import { sqsClient } from '../../../shared/aws/sqs';
import { beijingDate, type Clock, systemClock } from '../../../shared/domain/clock';
import { observability } from '../../../shared/observability';
import { sqsPlanningQueue } from '../adapters/planning-queue';
import { dynamoPlanningScope } from '../adapters/planning-scope';
import { configuredSchemes } from '../config/schemes';
import type { PlanningQueue, PlanningScope } from '../domain/ports';
import { duePeriods, planningRegions } from '../domain/schedule';
import type { Scheme } from '../domain/schemes';
import { PlannerEvent } from '../schemas';

export interface PlannerDeps {
  readonly province: string;
  readonly scope: PlanningScope;
  readonly queue: PlanningQueue;
  readonly clock?: Clock;
  readonly schemes?: readonly Scheme[];
}

/**
 * The scheduled planner: on its schedule, for every scheme due this month, one planning
 * request per county with beneficiaries, on `payout-planning`. The county batches are then
 * planned side by side (`payout-region-planner`), each within its own function timeout,
 * rather than one province-wide batch in one invocation. A second run the same month asks
 * again, and planning finds the batches already planned.
 */
export function buildPlanner(deps: PlannerDeps) {
  const clock = deps.clock ?? systemClock;
  const { logger } = observability('payout-planner');
  return async (raw: unknown): Promise<{ requested: number }> => {
    const event = PlannerEvent.parse(raw ?? {});
    const today = beijingDate(clock.now());
    let requested = 0;
    for (const { scheme, period } of duePeriods(deps.schemes ?? configuredSchemes(), today, event)) {
      const regions = planningRegions(await deps.scope.regionsWithBeneficiaries(scheme.code, deps.province));
      await deps.queue.request(regions.map((region) => ({ scheme: scheme.code, period, region })));
      logger.info('batches requested', { scheme: scheme.code, period, regions: regions.length });
      requested += regions.length;
    }
    return { requested };
  };
}

export const handler = initOnce(() =>
  buildPlanner({
    province: provinceOfDeployment(),
    scope: dynamoPlanningScope(documentClient(), tableName('payout')),
    queue: sqsPlanningQueue(sqsClient(), queueUrl('payout-planning')),
  }),
);

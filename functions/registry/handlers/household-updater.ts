import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { batchHandler } from '../../../shared/aws/batch-handler';
import { type Clock, systemClock } from '../../../shared/domain/clock';
import { newUlid } from '../../../shared/domain/ids';
import type { Observability } from '../../../shared/observability';
import { toPerson } from '../adapters/person-item';
import type { HouseholdRepository } from '../domain/birth-registration-ports';
import { syncMember } from '../domain/household';

/** Person changes a household cares about (a correction may change a child's sex). */
const MEMBER_CHANGES = new Set(['deceased', 'disability-recorded', 'corrected']);

export interface HouseholdUpdaterDeps {
  readonly households: Pick<HouseholdRepository, 'findByMember' | 'save'>;
  readonly clock?: Clock;
  readonly newId?: () => string;
  readonly observability?: Observability;
}

/**
 * Keeps households in step with their members' records, from one registry table stream
 * record: a recorded death or certified disability updates the member, so the derived
 * family type follows (bereaved, disabled only child) and a household event goes out.
 * Replays change nothing. Runs in the registry's projections reader (projections.ts).
 */
export function householdRecord(deps: HouseholdUpdaterDeps): (record: DynamoDBRecord) => Promise<void> {
  const clock = deps.clock ?? systemClock;
  const newId = deps.newId ?? (() => newUlid(clock.now().getTime()));
  return async (record) => {
    const image = record.dynamodb?.NewImage;
    if (!image || record.eventName === 'REMOVE') return;
    const item = unmarshall(image as Record<string, AttributeValue>);
    if (item.entity !== 'Person' || !MEMBER_CHANGES.has(String(item.lastChange))) return;
    const person = toPerson(item);
    const household = await deps.households.findByMember(person.personId);
    if (!household) return;
    const member = {
      personId: person.personId,
      alive: person.alive,
      disabled: person.disabilityCertified ?? false,
      sex: person.sex,
    };
    const next = syncMember(household, member, clock.now().toISOString(), newId());
    if (next) await deps.households.save(next, household.version);
  };
}

/** The household projection alone, as a stream handler. */
export function buildHouseholdUpdater(deps: HouseholdUpdaterDeps) {
  return batchHandler({
    service: 'registry-household-updater',
    source: 'stream',
    observability: deps.observability,
    record: householdRecord(deps),
  });
}

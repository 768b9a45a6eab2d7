import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { batchHandler } from '../../../shared/aws/batch-handler';
import { type Observability, observability } from '../../../shared/observability';
import { toPerson } from '../adapters/person-item';
import type { BirthRegistration } from '../domain/birth-registration';
import {
  birthStatisticsChange,
  residenceChangeStatistics,
  type StatisticsChange,
  type StatisticsStore,
} from '../domain/statistics';

const SERVICE = 'registry-statistics';

export interface StatisticsProjectorDeps {
  readonly statistics: StatisticsStore;
  readonly observability?: Observability;
}

const image = (value: DynamoDBRecord['dynamodb'], which: 'NewImage' | 'OldImage') => {
  const raw = value?.[which];
  return raw ? unmarshall(raw as Record<string, AttributeValue>) : undefined;
};

/**
 * What a stream record changes in the statistics, if anything. Registrations are read as
 * stored: only dates, sex, regions and birth order are used; resident IDs inside stay
 * encrypted. Statistics items and markers the projector writes itself come back through
 * the stream too, and fall through here.
 */
function changeOf(record: DynamoDBRecord): StatisticsChange | undefined {
  const next = image(record.dynamodb, 'NewImage');
  if (!next || record.eventName === 'REMOVE') return undefined;
  switch (next.entity) {
    case 'BirthRegistration':
      return birthStatisticsChange(next as unknown as BirthRegistration);
    case 'Person': {
      const person = toPerson(next);
      if (person.lastChange !== 'residence-changed') return undefined;
      const before = image(record.dynamodb, 'OldImage');
      // The stream is NEW_AND_OLD_IMAGES; without the old image the move cannot be counted,
      // and failing loudly (retry, then the stream DLQ) beats losing it silently.
      if (!before) throw new Error('residence change without the old image: the stream view type is wrong');
      return residenceChangeStatistics(toPerson(before), person);
    }
    default:
      return undefined;
  }
}

/**
 * Keeps statistics by region and month (births, sex, birth order, registration timeliness,
 * migrant births, moves in and out) as counters, from one registry table stream record.
 * Each event counts once, however often the stream delivers it; the counters hold numbers
 * only, never who was counted. Runs in the registry's projections reader (projections.ts).
 */
export function statisticsRecord(deps: StatisticsProjectorDeps): (record: DynamoDBRecord) => Promise<void> {
  const obs = deps.observability ?? observability(SERVICE);
  return async (record) => {
    const change = changeOf(record);
    if (!change) return;
    const outcome = await deps.statistics.apply(change);
    if (outcome === 'missing-prerequisite') {
      // A correction of a birth the statistics never counted (registered before they
      // existed): nothing to move; counting the birth is a backfill's job, which will
      // read the corrected details.
      obs.logger.warn('correction of an uncounted birth left out of the statistics', {
        eventId: change.eventId,
      });
    }
  };
}

/** The statistics projection alone, as a stream handler. */
export function buildStatisticsProjector(deps: StatisticsProjectorDeps) {
  return batchHandler({
    service: SERVICE,
    source: 'stream',
    observability: deps.observability ?? observability(SERVICE),
    record: statisticsRecord(deps),
  });
}

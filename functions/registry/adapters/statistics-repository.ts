import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { provinceOf } from '../../../shared/domain/region-code';
import {
  addCounters,
  COUNTERS,
  type Counter,
  type CounterSet,
  type Counters,
  type CounterUpdate,
  emptyCounters,
  type StatisticsStore,
} from '../domain/statistics';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The key of a counter item: one per set, six-digit region and month. */
export const statisticsKey = (set: CounterSet, region: string, month: string) => ({
  pk: `STATS#${set}#${region}#${month}`,
  sk: 'STATS',
});

/** The key of the marker that an event has been counted. */
export const countedKey = (eventId: string) => ({ pk: `STATSDONE#${eventId}`, sk: 'STATSDONE' });

/**
 * Index key (GSI `gsi1`) of a month's counter items of a province: the sort key is the
 * region, so `begins_with` on a prefecture or province prefix finds every county under it.
 */
export const statisticsMonthIndexKey = (month: string, region: string) => ({
  gsi1pk: `STATSMONTH#${month}#${provinceOf(region)}`,
  gsi1sk: region,
});

/** Attempts at a transaction that lost a race with another write to the same counter item. */
const CONFLICT_ATTEMPTS = 4;
const BATCH_GET_LIMIT = 100;
/** Months queried at once for a prefix report (up to 36 months, one query each). */
const QUERY_CONCURRENCY = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The Update of one counter item: ADD the amounts, SET the descriptive and index attributes. */
function counterUpdate(table: string, update: CounterUpdate): TransactItem {
  const entries = Object.entries(update.add) as [Counter, number][];
  const names: Record<string, string> = {
    '#entity': 'entity',
    '#set': 'counterSet',
    '#region': 'region',
    '#month': 'month',
    '#g1pk': 'gsi1pk',
    '#g1sk': 'gsi1sk',
  };
  const index = statisticsMonthIndexKey(update.month, update.region);
  const values: Record<string, unknown> = {
    ':entity': 'Statistics',
    ':set': update.set,
    ':region': update.region,
    ':month': update.month,
    ':g1pk': index.gsi1pk,
    ':g1sk': index.gsi1sk,
  };
  entries.forEach(([counter, amount], i) => {
    names[`#c${i}`] = counter;
    values[`:c${i}`] = amount;
  });
  return {
    Update: {
      TableName: table,
      Key: statisticsKey(update.set, update.region, update.month),
      UpdateExpression:
        'SET #entity = :entity, #set = :set, #region = :region, #month = :month, #g1pk = :g1pk, #g1sk = :g1sk ' +
        `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/** The counters an item holds; anything else on it (keys, region, month) is left out. */
function countersOf(item: Record<string, unknown>): Partial<Record<Counter, number>> {
  const counters: Partial<Record<Counter, number>> = {};
  for (const counter of COUNTERS) {
    const value = item[counter];
    if (typeof value === 'number') counters[counter] = value;
  }
  return counters;
}

/** Adds an item's counters to the month it belongs to. */
function accumulate(byMonth: Map<string, Counters>, item: Record<string, unknown>): void {
  const month = String(item.month);
  byMonth.set(month, addCounters(byMonth.get(month) ?? emptyCounters(), countersOf(item)));
}

/**
 * Statistics counters in the registry table. Each counted event writes, in one transaction,
 * a marker keyed by its event id (conditional on its absence) and ADDs to the counter items,
 * so a redelivered event changes nothing and concurrent batches add up instead of
 * overwriting each other. Markers carry no expiry: they are the record of what has been
 * counted, which keeps redelivery, DLQ replays and any backfill from counting twice.
 */
export function dynamoStatisticsStore(db: DynamoDBDocumentClient, table: string): StatisticsStore {
  const queryMonth = async (prefix: string, month: string): Promise<Record<string, unknown>[]> => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': statisticsMonthIndexKey(month, prefix).gsi1pk,
            ':prefix': prefix,
          },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  };

  const getAll = async (keys: Record<string, string>[]): Promise<Record<string, unknown>[]> => {
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
      let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + BATCH_GET_LIMIT);
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        // Unprocessed keys come back when the table throttles: ask again, a little later each time.
        if (attempt > 0) await sleep(Math.min(1000, 50 * 2 ** attempt));
        const out: BatchGetCommandOutput = await db.send(
          new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }),
        );
        items.push(...(out.Responses?.[table] ?? []));
        pending = out.UnprocessedKeys?.[table]?.Keys;
      }
    }
    return items;
  };

  return {
    async apply(change) {
      const items: TransactItem[] = [
        {
          Put: {
            TableName: table,
            Item: { ...countedKey(change.eventId), entity: 'StatisticsCounted' },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...(change.requires
          ? [
              {
                ConditionCheck: {
                  TableName: table,
                  Key: countedKey(change.requires),
                  ConditionExpression: 'attribute_exists(pk)',
                },
              },
            ]
          : []),
        ...change.updates.map((update) => counterUpdate(table, update)),
      ];
      for (let attempt = 1; ; attempt++) {
        try {
          await db.send(new TransactWriteCommand({ TransactItems: items }));
          return 'applied';
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          const codes = (error.CancellationReasons ?? []).map((r) => r.Code);
          if (codes[0] === 'ConditionalCheckFailed') return 'duplicate';
          if (change.requires && codes[1] === 'ConditionalCheckFailed') return 'missing-prerequisite';
          // Another batch was adding to the same counter at that instant: try again shortly,
          // then leave it to the stream's own retry.
          if (!codes.includes('TransactionConflict') || attempt >= CONFLICT_ATTEMPTS) throw error;
          await sleep(Math.random() * 40 * attempt);
        }
      }
    },

    async read(regionPrefix, months) {
      const byMonth = new Map<string, Counters>();
      if (regionPrefix.length === 6) {
        const keys = months.flatMap((month) => [
          statisticsKey('BIRTHS', regionPrefix, month),
          statisticsKey('MIGRATION', regionPrefix, month),
        ]);
        for (const item of await getAll(keys)) accumulate(byMonth, item);
        return byMonth;
      }
      for (let i = 0; i < months.length; i += QUERY_CONCURRENCY) {
        const pages = await Promise.all(
          months.slice(i, i + QUERY_CONCURRENCY).map((month) => queryMonth(regionPrefix, month)),
        );
        for (const item of pages.flat()) accumulate(byMonth, item);
      }
      return byMonth;
    },
  };
}

import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../../../shared/aws/batch-get';
import { chainEntry, type LogEntry } from '../domain/message-log';
import type { MessageLogRepository, StoredEntry } from '../domain/ports';

export type { MessageLogRepository, StoredEntry } from '../domain/ports';

/*
 * LOG#<partner> / HEAD                           the newest entry's position and hash
 * LOG#<partner> / E#<000000000001>               the entries, in order
 * LOGIDX#<partner>#<direction>#<id>#<ok|failed> / LOGIDX   marks an outcome as logged (a retried append adds nothing)
 * An append writes the entries, moves the head and sets the markers in one transaction,
 * conditional on the head it read: two writers cannot both extend the same hash.
 */
/** A transaction holds at most 100 items: the head and, per entry, the entry and its marker. */
const MAX_ENTRIES_PER_TRANSACTION = 49;
const headKey = (partner: string) => ({ pk: `LOG#${partner}`, sk: 'HEAD' });
const entryKey = (partner: string, position: number) => ({
  pk: `LOG#${partner}`,
  sk: `E#${String(position).padStart(12, '0')}`,
});
const markerKey = (partner: string, entry: LogEntry) => ({
  pk: `LOGIDX#${partner}#${entry.direction}#${entry.messageId}#${entry.verification?.ok === false ? 'failed' : 'ok'}`,
  sk: 'LOGIDX',
});

export function dynamoMessageLogRepository(db: DynamoDBDocumentClient, table: string): MessageLogRepository {
  const head = async (partner: string) => {
    const { Item } = await db.send(
      new GetCommand({ TableName: table, Key: headKey(partner), ConsistentRead: true }),
    );
    return Item ? { position: Item.position as number, hash: Item.hash as string } : undefined;
  };
  /** Marker keys (as `pk`) of these entries that are already logged (consistent reads). */
  const loggedMarkers = async (partner: string, entries: readonly LogEntry[]): Promise<Set<string>> => {
    const pks = [...new Set(entries.map((entry) => markerKey(partner, entry).pk))];
    const found = await batchGetAll(
      db,
      table,
      pks.map((pk) => ({ pk, sk: 'LOGIDX' })),
      'pk',
    );
    return new Set(found.map((item) => item.pk as string));
  };

  /*
   * Entries of one stream batch to one partner are chained and written together: one read of
   * the head, one read of their markers, and one transaction (the entries, the head moved once,
   * the markers), instead of one of each per entry. A cancelled transaction (another writer
   * moved the head) is read again and redone; what it logged meanwhile is then recognised.
   */
  const appendAll: MessageLogRepository['appendAll'] = async (partner, entries) => {
    const answers = new Map<number, 'appended' | 'already-logged'>();
    for (let from = 0; from < entries.length; from += MAX_ENTRIES_PER_TRANSACTION) {
      const chunk = entries
        .slice(from, from + MAX_ENTRIES_PER_TRANSACTION)
        .map((entry, i) => ({ entry, index: from + i }));
      for (let tries = 0; ; tries++) {
        if (tries >= 50) {
          throw new Error(`could not append to the message log of partner ${partner}: too much contention`);
        }
        const open = chunk.filter(({ index }) => !answers.has(index));
        if (open.length === 0) break;
        const [logged, current] = await Promise.all([
          loggedMarkers(
            partner,
            open.map(({ entry }) => entry),
          ),
          head(partner),
        ]);
        const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [];
        const fresh: number[] = [];
        let position = current?.position ?? 0;
        let hash = current?.hash ?? null;
        for (const { entry, index } of open) {
          const marker = markerKey(partner, entry);
          // An outcome logged before, or twice in this batch, is logged once.
          if (logged.has(marker.pk)) {
            answers.set(index, 'already-logged');
            continue;
          }
          logged.add(marker.pk);
          position++;
          const chained = chainEntry(hash, entry);
          hash = chained.hash;
          fresh.push(index);
          items.push(
            {
              Put: {
                TableName: table,
                Item: { ...entryKey(partner, position), entity: 'LogEntry', partner, position, ...chained },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: table,
                Item: { ...marker, entity: 'LogMarker', position },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          );
        }
        if (fresh.length === 0) break;
        items.push({
          Put: {
            TableName: table,
            Item: { ...headKey(partner), entity: 'LogHead', position, hash },
            ConditionExpression: current ? '#hash = :previous' : 'attribute_not_exists(pk)',
            ...(current
              ? {
                  ExpressionAttributeNames: { '#hash': 'hash' },
                  ExpressionAttributeValues: { ':previous': current.hash },
                }
              : {}),
          },
        });
        try {
          await db.send(new TransactWriteCommand({ TransactItems: items }));
          for (const index of fresh) answers.set(index, 'appended');
          break;
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          for (const index of fresh) answers.delete(index);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * Math.min(tries + 1, 5)));
        }
      }
    }
    return entries.map((_, i) => answers.get(i) ?? 'already-logged');
  };

  return {
    head,
    async append(partner, entry) {
      const [answer] = await appendAll(partner, [entry]);
      return answer ?? 'already-logged';
    },
    appendAll,
    async entries(partner) {
      const items: StoredEntry[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
            ExpressionAttributeValues: { ':pk': `LOG#${partner}`, ':e': 'E#' },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of out.Items ?? []) {
          const { pk: _pk, sk: _sk, entity: _e, partner: _p, ...entry } = item;
          items.push(entry as unknown as StoredEntry);
        }
        start = out.LastEvaluatedKey;
      } while (start);
      return items;
    },
  };
}

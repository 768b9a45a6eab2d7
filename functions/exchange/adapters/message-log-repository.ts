import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { chainEntry, type LogEntry } from '../domain/message-log';
import type { MessageLogRepository, StoredEntry } from '../domain/ports';

export type { MessageLogRepository, StoredEntry } from '../domain/ports';

/*
 * LOG#<partner> / HEAD                           the newest entry's position and hash
 * LOG#<partner> / E#<000000000001>               the entries, in order
 * LOGIDX#<partner>#<direction>#<id>#<ok|failed> / LOGIDX   marks an outcome as logged (a retried append adds nothing)
 * Each append writes the entry, moves the head and sets the marker in one transaction,
 * conditional on the head it read: two writers cannot both extend the same hash.
 */
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
  return {
    head,
    async append(partner, entry) {
      for (let tries = 0; tries < 50; tries++) {
        const { Item: marker } = await db.send(
          new GetCommand({ TableName: table, Key: markerKey(partner, entry), ConsistentRead: true }),
        );
        if (marker) return 'already-logged';
        const current = await head(partner);
        const position = (current?.position ?? 0) + 1;
        const chained = chainEntry(current?.hash ?? null, entry);
        try {
          await db.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: table,
                    Item: {
                      ...entryKey(partner, position),
                      entity: 'LogEntry',
                      partner,
                      position,
                      ...chained,
                    },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
                {
                  Put: {
                    TableName: table,
                    Item: { ...headKey(partner), entity: 'LogHead', position, hash: chained.hash },
                    ConditionExpression: current ? '#hash = :previous' : 'attribute_not_exists(pk)',
                    ...(current
                      ? {
                          ExpressionAttributeNames: { '#hash': 'hash' },
                          ExpressionAttributeValues: { ':previous': current.hash },
                        }
                      : {}),
                  },
                },
                {
                  Put: {
                    TableName: table,
                    Item: { ...markerKey(partner, entry), entity: 'LogMarker', position },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
              ],
            }),
          );
          return 'appended';
        } catch (error) {
          if (error instanceof TransactionCanceledException) continue;
          throw error;
        }
      }
      throw new Error(`could not append to the message log of partner ${partner}: too much contention`);
    },
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

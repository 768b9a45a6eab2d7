import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ConflictError, StaleVersionError } from '../../../shared/domain/errors';
import type { HeldDeathNotice } from '../domain/held-death-notice';
import type { HeldDeathNotices } from '../domain/inbound-ports';
import { personActionItem, personItem } from './person-item';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/*
 * A death notice held for a registrar, in the registry table:
 *   HELDDEATH#<noticeId> / HELDDEATH   the notice; while held, gsi1 lists it under
 *                                      HELDDEATH#held, sorted by `<region>#<noticeId>`
 */
const noticeKey = (noticeId: string) => ({ pk: `HELDDEATH#${noticeId}`, sk: 'HELDDEATH' });
const HELD_INDEX_KEY = 'HELDDEATH#held';

/** The stored shape, checked where items leave the table. */
const StoredNotice = z.object({
  noticeId: z.string(),
  personId: z.string(),
  senderProvince: z.string(),
  deathDate: z.string(),
  region: z.string(),
  receivedAt: z.string(),
  status: z.enum(['held', 'confirmed', 'rejected']),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  reason: z.string().optional(),
});

/** The item of a notice: listed under the held index only while it waits for a decision. */
export const heldDeathNoticeItem = (notice: HeldDeathNotice) => ({
  ...noticeKey(notice.noticeId),
  entity: 'HeldDeathNotice',
  ...(notice.status === 'held'
    ? { gsi1pk: HELD_INDEX_KEY, gsi1sk: `${notice.region}#${notice.noticeId}` }
    : {}),
  ...notice,
});

const toNotice = (item: Record<string, unknown>): HeldDeathNotice => {
  const { reason, decidedAt, decidedBy, ...rest } = StoredNotice.parse(item);
  return {
    ...rest,
    ...(decidedBy ? { decidedBy } : {}),
    ...(decidedAt ? { decidedAt } : {}),
    ...(reason ? { reason } : {}),
  };
};

/** Held death notices: created by the inbound consumer, decided by registrars. */
export function dynamoHeldDeathNotices(db: DynamoDBDocumentClient, table: string): HeldDeathNotices {
  return {
    async find(noticeId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: noticeKey(noticeId), ConsistentRead: true }),
      );
      return Item ? toNotice(Item) : undefined;
    },
    async listHeld(regionPrefix, limit, start) {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :region)',
          ExpressionAttributeValues: { ':pk': HELD_INDEX_KEY, ':region': regionPrefix },
          Limit: limit,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      return {
        items: (out.Items ?? []).map(toNotice),
        ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}),
      };
    },
    async decide(notice, death) {
      const items: TransactItem[] = [
        {
          Put: {
            TableName: table,
            Item: heldDeathNoticeItem(notice),
            ConditionExpression: '#status = :held',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':held': 'held' },
          },
        },
      ];
      if (death) {
        items.push(
          {
            Put: {
              TableName: table,
              Item: personItem(death.next, death.residentIdHash),
              ConditionExpression: 'version = :expected',
              ExpressionAttributeValues: { ':expected': death.expectedVersion },
            },
          },
          {
            Put: {
              TableName: table,
              Item: personActionItem(death.action),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        );
      }
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          if (error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
            throw new ConflictError('This death notice was decided meanwhile.');
          }
          throw new StaleVersionError('The person changed meanwhile; read the notice again and retry.');
        }
        throw error;
      }
    },
  };
}

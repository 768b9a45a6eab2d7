import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Partner } from '../domain/partner';
import type { PartnerRepository } from '../domain/ports';

export type { PartnerRepository } from '../domain/ports';

/*
 * PARTNER#<code> / PARTNER, listed under gsi1 PARTNERS / <code>.
 */
const partnerKey = (code: string) => ({ pk: `PARTNER#${code}`, sk: 'PARTNER' });

const fromItem = (item: Record<string, unknown>): Partner => {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, entity: _e, ...partner } = item;
  return partner as unknown as Partner;
};

/** The partner registry in the exchange table. Reads are consistent: a pause takes effect at once. */
export function dynamoPartnerRepository(db: DynamoDBDocumentClient, table: string): PartnerRepository {
  return {
    async find(code) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: partnerKey(code), ConsistentRead: true }),
      );
      return Item ? fromItem(Item) : undefined;
    },
    async list() {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': 'PARTNERS' },
        }),
      );
      return (out.Items ?? []).map(fromItem);
    },
    async put(partner) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...partnerKey(partner.code),
            entity: 'Partner',
            gsi1pk: 'PARTNERS',
            gsi1sk: partner.code,
            ...partner,
          },
        }),
      );
    },
    async setStatus(code, change) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: partnerKey(code),
          UpdateExpression:
            'SET #status = :status, updatedAt = :at, updatedBy = :by' +
            (change.pausedReason ? ', pausedReason = :reason' : ' REMOVE pausedReason'),
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': change.status,
            ':at': change.at,
            ':by': change.by,
            ...(change.pausedReason ? { ':reason': change.pausedReason } : {}),
          },
        }),
      );
    },
  };
}

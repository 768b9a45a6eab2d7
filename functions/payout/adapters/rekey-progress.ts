import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { RekeyProgressStore, RekeyRun } from '../domain/rekey';

const Stored = z.object({
  targetKeyId: z.string(),
  cursor: z.string().optional(),
  pass: z.number().int().min(1),
  byKey: z.record(z.string(), z.number().int()),
  resealed: z.number().int(),
  changedMeanwhile: z.number().int(),
  failed: z.array(z.string()),
  failedCount: z.number().int(),
  done: z.boolean(),
  startedAt: z.string(),
  updatedAt: z.string(),
});

/** Where a re-sealing run keeps its place in the payout table, one item per target key. */
export function dynamoRekeyProgress(db: DynamoDBDocumentClient, table: string): RekeyProgressStore {
  const key = (targetKeyId: string) => ({ pk: 'FIELD-REKEY#payout/bank-account', sk: targetKeyId });
  return {
    async find(targetKeyId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: key(targetKeyId), ConsistentRead: true }),
      );
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, entity: _e, ...rest } = Item;
      return Stored.parse(rest) satisfies RekeyRun;
    },
    async save(run) {
      await db.send(
        new PutCommand({ TableName: table, Item: { ...key(run.targetKeyId), entity: 'RekeyRun', ...run } }),
      );
    },
  };
}

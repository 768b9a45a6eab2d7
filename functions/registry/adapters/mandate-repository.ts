import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { StaleVersionError } from '../../../shared/domain/errors';
import type { Mandate, MandateRepository } from '../domain/mandate';

const key = (mandateId: string) => ({ pk: `MANDATE#${mandateId}`, sk: 'MANDATE' });

/** A stored mandate, checked at the edge. */
export const StoredMandate = z.object({
  mandateId: z.string(),
  kind: z.enum(['guardian', 'authorised-relative']),
  personId: z.string(),
  holderPersonId: z.string(),
  channel: z.enum(['counter', 'app']),
  recordedBy: z.string(),
  recordedAt: z.string(),
  reason: z.string().optional(),
  revokedBy: z.string().optional(),
  revokedAt: z.string().optional(),
  revocationReason: z.string().optional(),
  version: z.number().int().positive(),
  eventId: z.string(),
});

const item = (mandate: Mandate) => ({
  ...key(mandate.mandateId),
  entity: 'Mandate',
  // Found by holder (whom may I act for) and by the person (who may act for me).
  gsi1pk: `MANDATEHOLDER#${mandate.holderPersonId}`,
  gsi1sk: mandate.mandateId,
  gsi2pk: `MANDATEFOR#${mandate.personId}`,
  gsi2sk: mandate.mandateId,
  ...mandate,
});

/** Mandates in the registry table; the table stream publishes each version to payout. */
export function dynamoMandateRepository(db: DynamoDBDocumentClient, table: string): MandateRepository {
  const byIndex = async (index: 'gsi1' | 'gsi2', pk: string): Promise<Mandate[]> => {
    const out = await db.send(
      new QueryCommand({
        TableName: table,
        IndexName: index,
        KeyConditionExpression: `${index}pk = :pk`,
        ExpressionAttributeValues: { ':pk': pk },
      }),
    );
    return (out.Items ?? []).map((i) => StoredMandate.parse(i));
  };
  return {
    async add(mandate) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: item(mandate),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },
    async find(mandateId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: key(mandateId), ConsistentRead: true }),
      );
      return Item ? StoredMandate.parse(Item) : undefined;
    },
    async save(next, expectedVersion) {
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: item(next),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': expectedVersion },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          throw new StaleVersionError('The mandate changed meanwhile.');
        }
        throw error;
      }
    },
    heldBy: (personId) => byIndex('gsi1', `MANDATEHOLDER#${personId}`),
    givenFor: (personId) => byIndex('gsi2', `MANDATEFOR#${personId}`),
  };
}

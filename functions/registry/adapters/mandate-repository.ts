import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ConflictError, StaleVersionError } from '../../../shared/domain/errors';
import type { AccessEntry } from '../domain/access-log';
import type { Mandate, MandateRepository } from '../domain/mandate';
import { accessEntryPut } from './access-log-repository';

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

/**
 * Mandates in the registry table; the table stream publishes each version to payout. Each
 * version is written in one transaction with the access entries that list it (the log shares
 * the table): the mandate and its entries are stored together or not at all, so a change
 * never goes unlisted, and a retry after a failure finds nothing half done.
 */
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
  const write = async (
    mandatePut: { ConditionExpression: string; ExpressionAttributeValues?: Record<string, unknown> },
    mandate: Mandate,
    entries: readonly AccessEntry[],
  ) =>
    db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: item(mandate), ...mandatePut } },
          ...entries.map((entry) => ({ Put: accessEntryPut(table, entry) })),
        ],
      }),
    );
  return {
    async add(mandate, entries) {
      try {
        await write({ ConditionExpression: 'attribute_not_exists(pk)' }, mandate, entries);
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          throw new ConflictError('This mandate is already recorded.');
        }
        throw error;
      }
    },
    async find(mandateId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: key(mandateId), ConsistentRead: true }),
      );
      return Item ? StoredMandate.parse(Item) : undefined;
    },
    async save(next, expectedVersion, entries) {
      try {
        await write(
          {
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': expectedVersion },
          },
          next,
          entries,
        );
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          throw new StaleVersionError('The mandate changed meanwhile.');
        }
        throw error;
      }
    },
    heldBy: (personId) => byIndex('gsi1', `MANDATEHOLDER#${personId}`),
    givenFor: (personId) => byIndex('gsi2', `MANDATEFOR#${personId}`),
  };
}

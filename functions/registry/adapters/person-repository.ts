import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, StaleVersionError } from '../../../shared/domain/errors';
import type { PersonAction } from '../domain/person';
import type { PersonRepository } from '../domain/ports';
import {
  nameIndexKey,
  newPersonPuts,
  personActionItem,
  personItem,
  personKey,
  personRefItem,
  personRefKey,
  residentIdKey,
  toStoredPerson,
} from './person-item';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Runs a transaction, turning failed conditions into domain errors by item position. */
async function transact(
  db: DynamoDBDocumentClient,
  items: TransactItem[],
  onConditionFailed: (index: number) => Error,
): Promise<void> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const index = (error.CancellationReasons ?? []).findIndex((r) => r.Code === 'ConditionalCheckFailed');
      if (index >= 0) throw onConditionFailed(index);
    }
    throw error;
  }
}

/** Moves the lookup by cross-province reference when a corrected resident ID changed it. */
function personRefMoves(
  table: string,
  personId: string,
  from: string | undefined,
  to: string | undefined,
): TransactItem[] {
  if (from === to) return [];
  return [
    ...(from
      ? [
          {
            Delete: {
              TableName: table,
              Key: personRefKey(from),
              ConditionExpression: 'attribute_not_exists(pk) OR personId = :person',
              ExpressionAttributeValues: { ':person': personId },
            },
          },
        ]
      : []),
    ...(to
      ? [
          {
            Put: {
              TableName: table,
              Item: personRefItem(to, personId),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ]
      : []),
  ];
}

/**
 * Persons in the registry table: the current state, each action of its history as its own
 * item (append-only), and a claim item keyed by the resident ID's keyed hash, written in
 * the same transaction, which makes "one person per resident ID" a database rule.
 */
export function dynamoPersonRepository(db: DynamoDBDocumentClient, table: string): PersonRepository {
  return {
    async add(person, residentIdHash, action) {
      await transact(db, newPersonPuts(table, person, residentIdHash, action), (index) =>
        index === 1
          ? new ConflictError('A person with this resident ID is already recorded.')
          : new ConflictError('This person is already recorded.'),
      );
    },

    async find(personId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: personKey(personId), ConsistentRead: true }),
      );
      return Item ? toStoredPerson(Item) : undefined;
    },

    async findByResidentIdHash(hash) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: residentIdKey(hash), ConsistentRead: true }),
      );
      return Item ? this.find(String(Item.personId)) : undefined;
    },

    async findByPersonRef(personRef) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: personRefKey(personRef), ConsistentRead: true }),
      );
      return Item ? this.find(String(Item.personId)) : undefined;
    },

    async findByNameAndBirthDate(name, birthDate) {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :key',
          ExpressionAttributeValues: { ':key': nameIndexKey(name, birthDate) },
          Limit: 50,
        }),
      );
      return (out.Items ?? []).map(toStoredPerson);
    },

    async update(next, expectedVersion, action, hashes, previousPersonRef) {
      const items: TransactItem[] = [
        {
          Put: {
            TableName: table,
            Item: personItem(next, hashes.to),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': expectedVersion },
          },
        },
        {
          Put: {
            TableName: table,
            Item: personActionItem(action),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ];
      if (hashes.from !== hashes.to) {
        items.push(
          {
            Delete: {
              TableName: table,
              Key: residentIdKey(hashes.from),
              ConditionExpression: 'personId = :person',
              ExpressionAttributeValues: { ':person': next.personId },
            },
          },
          {
            Put: {
              TableName: table,
              Item: { ...residentIdKey(hashes.to), entity: 'ResidentIdClaim', personId: next.personId },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        );
      }
      items.push(...personRefMoves(table, next.personId, previousPersonRef, next.personRef));
      await transact(db, items, (index) =>
        index === 0
          ? new StaleVersionError('The person was changed by someone else; read it again and retry.')
          : new ConflictError('A person with this resident ID is already recorded.'),
      );
    },

    async history(personId) {
      const actions: PersonAction[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': personKey(personId).pk, ':prefix': 'ACTION#' },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of out.Items ?? []) {
          const { pk: _pk, sk: _sk, entity: _entity, ...action } = item;
          actions.push(action as PersonAction);
        }
        start = out.LastEvaluatedKey;
      } while (start);
      return actions;
    },
  };
}

import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../../shared/domain/errors';
import type { PersonRepository } from '../domain/ports';
import { personItem, personKey, residentIdKey, toPerson } from './person-item';

/**
 * Persons in the registry table. A second item keyed by the resident ID's keyed hash,
 * written in the same transaction, makes "one person per resident ID" a database rule.
 */
export function dynamoPersonRepository(db: DynamoDBDocumentClient, table: string): PersonRepository {
  return {
    async add(person, residentIdHash) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: personItem(person),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: {
                    ...residentIdKey(residentIdHash),
                    entity: 'ResidentIdClaim',
                    personId: person.personId,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
      } catch (error) {
        if (
          error instanceof TransactionCanceledException &&
          error.CancellationReasons?.[1]?.Code === 'ConditionalCheckFailed'
        ) {
          throw new ConflictError('A person with this resident ID is already recorded.');
        }
        throw error;
      }
    },
    async find(personId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: personKey(personId), ConsistentRead: true }),
      );
      return Item ? toPerson(Item) : undefined;
    },
  };
}

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PersonFacts } from '../domain/person-facts';
import type { PersonFactsRepository } from '../domain/ports';

const key = (personId: string) => ({ pk: `FACTS#${personId}`, sk: 'FACTS' });

/** Person facts in the payout table, versioned by the registry's record version. */
export function dynamoPersonFactsRepository(
  db: DynamoDBDocumentClient,
  table: string,
): PersonFactsRepository {
  return {
    async find(personId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: key(personId), ConsistentRead: true }),
      );
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, entity: _entity, ...facts } = Item;
      return facts as PersonFacts;
    },
    async saveIfNewer(facts) {
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: { ...key(facts.personId), entity: 'PersonFacts', ...facts },
            ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
            ExpressionAttributeValues: { ':version': facts.version },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}

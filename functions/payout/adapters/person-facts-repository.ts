import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../../../shared/aws/batch-get';
import { writtenIfCondition } from '../../../shared/aws/conditional-write';
import type { PersonFacts } from '../domain/person-facts';
import type { PersonFactsRepository } from '../domain/ports';

const key = (personId: string) => ({ pk: `FACTS#${personId}`, sk: 'FACTS' });

const factsOf = ({
  pk: _pk,
  sk: _sk,
  entity: _e,
  gsi1pk: _g,
  gsi1sk: _gs,
  ...facts
}: Record<string, unknown>) => facts as unknown as PersonFacts;

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
      return Item ? factsOf(Item) : undefined;
    },
    async findMany(personIds) {
      const items = await batchGetAll(db, table, personIds.map(key));
      return new Map(items.map((i) => [i.personId as string, factsOf(i)]));
    },
    async saveIfNewer(facts) {
      return writtenIfCondition(
        db.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...key(facts.personId),
              entity: 'PersonFacts',
              ...facts,
              // Found by cross-province reference when a citizen or another province names the person.
              ...(facts.personRef
                ? { gsi1pk: `REF#${facts.personRef}`, gsi1sk: `FACTS#${facts.personId}` }
                : {}),
            },
            ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
            ExpressionAttributeValues: { ':version': facts.version },
          }),
        ),
      );
    },
  };
}

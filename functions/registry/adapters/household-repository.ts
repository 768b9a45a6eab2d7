import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionFailed } from '../../../shared/aws/conditional-write';
import { StaleVersionError } from '../../../shared/domain/errors';
import type { HouseholdRepository } from '../domain/birth-registration-ports';
import { deriveFamilyType, type Household } from '../domain/household';

export const householdKey = (id: string) => ({ pk: `HOUSEHOLD#${id}`, sk: 'HOUSEHOLD' });
export const motherKey = (hash: string) => ({ pk: `HHMOTHER#${hash}`, sk: 'HHMOTHER' });
export const memberKey = (personId: string) => ({ pk: `HHMEMBER#${personId}`, sk: 'HHMEMBER' });
export const householdItem = (household: Household) => ({
  ...householdKey(household.householdId),
  entity: 'Household',
  // The family type is stored only as a copy for the stream's consumers.
  familyType: deriveFamilyType(household.members),
  ...household,
});

const fromItem = (item: Record<string, unknown>): Household => {
  const { pk: _pk, sk: _sk, entity: _e, familyType: _f, ...household } = item;
  return household as unknown as Household;
};

/**
 * Households in the registry table, found by id, by the keyed hash of the mother's resident
 * ID, or by a member's person id (index items written when a birth is registered, see
 * registration-commit.ts).
 */
export function dynamoHouseholdRepository(db: DynamoDBDocumentClient, table: string): HouseholdRepository {
  const find = async (householdId: string) => {
    const { Item } = await db.send(
      new GetCommand({ TableName: table, Key: householdKey(householdId), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  };
  return {
    find,
    async findByMother(motherHash) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: motherKey(motherHash), ConsistentRead: true }),
      );
      return Item ? find(String(Item.householdId)) : undefined;
    },
    async findByMember(personId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: memberKey(personId), ConsistentRead: true }),
      );
      return Item ? find(String(Item.householdId)) : undefined;
    },
    async save(next, expectedVersion) {
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: householdItem(next),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': expectedVersion },
          }),
        );
      } catch (error) {
        if (conditionFailed(error)) {
          throw new StaleVersionError('The household changed meanwhile.');
        }
        throw error;
      }
    },
  };
}

import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { StaleVersionError } from '../../../shared/domain/errors';
import type { BirthRegistration } from '../domain/birth-registration';
import type { HouseholdRepository } from '../domain/birth-registration-ports';
import { deriveFamilyType, type Household } from '../domain/household';
import { actionKey, personItem, residentIdKey } from './person-item';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const householdKey = (id: string) => ({ pk: `HOUSEHOLD#${id}`, sk: 'HOUSEHOLD' });
const motherKey = (hash: string) => ({ pk: `HHMOTHER#${hash}`, sk: 'HHMOTHER' });

const fromItem = (item: Record<string, unknown>): Household => {
  const { pk: _pk, sk: _sk, entity: _e, familyType: _f, ...household } = item;
  return household as unknown as Household;
};

/**
 * Households in the registry table, found by id or by the keyed hash of the mother's
 * resident ID. Registering a birth writes the registration, the household (new or
 * updated), the mother's index entry and the child's new person record in one transaction.
 */
export function dynamoHouseholdRepository(
  db: DynamoDBDocumentClient,
  table: string,
  registrationItem: (registration: BirthRegistration) => Record<string, unknown>,
): HouseholdRepository {
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
    async commitRegistration(outcome) {
      const { registration, household } = outcome;
      const items: TransactItem[] = [
        {
          Put: {
            TableName: table,
            Item: registrationItem(registration),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': outcome.expectedVersion },
          },
        },
        {
          Put: {
            TableName: table,
            // The family type is stored only as a copy for the stream's consumers.
            Item: {
              ...householdKey(household.householdId),
              entity: 'Household',
              familyType: deriveFamilyType(household.members),
              ...household,
            },
            ...(outcome.householdExpectedVersion === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: 'version = :hv',
                  ExpressionAttributeValues: { ':hv': outcome.householdExpectedVersion },
                }),
          },
        },
      ];
      if (outcome.householdExpectedVersion === undefined) {
        items.push({
          Put: {
            TableName: table,
            Item: {
              ...motherKey(outcome.motherHash),
              entity: 'HouseholdIndex',
              householdId: household.householdId,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
      }
      if (outcome.newChild) {
        const { person, residentIdHash, action } = outcome.newChild;
        items.push(
          {
            Put: {
              TableName: table,
              Item: personItem(person, residentIdHash),
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
          {
            Put: {
              TableName: table,
              Item: { ...actionKey(person.personId, action.actionId), entity: 'PersonAction', ...action },
            },
          },
        );
      }
      try {
        await db.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          throw new StaleVersionError(
            'The registration or household changed meanwhile; read it again and retry.',
          );
        }
        throw error;
      }
    },
  };
}

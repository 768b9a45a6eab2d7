import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { StaleVersionError } from '../../../shared/domain/errors';
import type { BirthRegistration } from '../domain/birth-registration';
import type { RegistrationOutcome } from '../domain/birth-registration-ports';
import { householdItem, memberKey, motherKey } from './household-repository';
import { newPersonPuts } from './person-item';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Writes everything registering a birth changes in one transaction: the registration, the
 * household (new or updated), the household's index entries (mother, members) and the
 * child's new person record with its history entry and resident-ID claim. A crash never
 * leaves a registered birth without its household or child record.
 */
export async function commitRegistration(
  db: DynamoDBDocumentClient,
  table: string,
  registrationItem: (registration: BirthRegistration) => Record<string, unknown>,
  outcome: RegistrationOutcome,
): Promise<void> {
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
        Item: householdItem(household),
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
  // Members with a person record can be found from it (a death updates the household).
  for (const member of household.members) {
    if (member.personId) {
      items.push({
        Put: {
          TableName: table,
          Item: {
            ...memberKey(member.personId),
            entity: 'HouseholdIndex',
            householdId: household.householdId,
          },
        },
      });
    }
  }
  if (outcome.newChild) {
    const { person, residentIdHash, action } = outcome.newChild;
    items.push(...newPersonPuts(table, person, residentIdHash, action));
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
}

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { batchGetAll } from '../../../shared/aws/batch-get';
import { HouseholdChanged, MandateChanged } from '../../../shared/events/catalog';
import type { ProjectionRepository } from '../domain/ports';
import type { CertificateHolding, HouseholdFacts } from '../domain/projection';
import { dynamoPersonFactsRepository } from './person-facts-repository';

const householdKey = (householdId: string) => ({ pk: `HOUSEHOLD#${householdId}`, sk: 'HOUSEHOLD' });
/** A household as stored: the registry's event data and the event it came from. */
const StoredHousehold = HouseholdChanged.extend({ sourceEventId: z.string() });
const strip = ({
  pk: _pk,
  sk: _sk,
  entity: _e,
  gsi1pk: _g1,
  gsi1sk: _g1s,
  ...rest
}: Record<string, unknown>) => rest;

const ignoreConditionFailure = async (write: Promise<unknown>): Promise<boolean> => {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
};

/**
 * Payout's projection of registry facts in the payout table: persons (by id, and by
 * person reference through gsi1), households with a membership item per member, and the
 * certificates each household holds. Every write is conditional on being newer (or, for
 * revocations, final), so replaying any events leaves the same view.
 */
export function dynamoProjectionRepository(db: DynamoDBDocumentClient, table: string): ProjectionRepository {
  const persons = dynamoPersonFactsRepository(db, table);
  const householdsOfMany: ProjectionRepository['householdsOfMany'] = async (personIds) => {
    const memberships = await Promise.all(
      personIds.map(async (personId) => {
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `MEMBER#${personId}` },
            ConsistentRead: true,
          }),
        );
        return [personId, (out.Items ?? []).map((i) => i.householdId as string)] as const;
      }),
    );
    const ids = memberships.flatMap(([, h]) => h);
    const households = new Map(
      (await batchGetAll(db, table, ids.map(householdKey))).map((i) => {
        const h: HouseholdFacts = StoredHousehold.parse(i);
        return [h.householdId, h];
      }),
    );
    return new Map(
      memberships.map(([personId, hs]) => [
        personId,
        hs
          .map((id) => households.get(id))
          .filter((h): h is HouseholdFacts => h?.members.some((m) => m.personId === personId) ?? false),
      ]),
    );
  };

  return {
    ...persons,
    async personIdsByRef(personRef) {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': `REF#${personRef}` },
        }),
      );
      return (out.Items ?? []).map((i) => i.personId as string);
    },
    async saveHouseholdIfNewer(household) {
      const saved = await ignoreConditionFailure(
        db.send(
          new PutCommand({
            TableName: table,
            Item: { ...householdKey(household.householdId), entity: 'Household', ...household },
            ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
            ExpressionAttributeValues: { ':version': household.version },
          }),
        ),
      );
      if (!saved) return false;
      // Membership items let a person's households be found; a stale one is harmless, as
      // readers check the household's own member list.
      for (const member of household.members) {
        if (!member.personId) continue;
        await db.send(
          new PutCommand({
            TableName: table,
            Item: {
              pk: `MEMBER#${member.personId}`,
              sk: `HOUSEHOLD#${household.householdId}`,
              entity: 'HouseholdMembership',
              householdId: household.householdId,
            },
          }),
        );
      }
      return true;
    },
    householdsOfMany,
    async householdsOf(personId) {
      return (await householdsOfMany([personId])).get(personId) ?? [];
    },
    async recordCertificate(holding) {
      const key = { pk: `HOUSEHOLD#${holding.householdId}`, sk: `CERT#${holding.certificateId}` };
      if (holding.revoked) {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: key,
            UpdateExpression:
              'SET entity = :e, certificateId = :c, householdId = :h, kind = :k, revoked = :r',
            ExpressionAttributeValues: {
              ':e': 'CertificateHolding',
              ':c': holding.certificateId,
              ':h': holding.householdId,
              ':k': holding.kind,
              ':r': true,
            },
          }),
        );
        return;
      }
      await ignoreConditionFailure(
        db.send(
          new PutCommand({
            TableName: table,
            Item: { ...key, entity: 'CertificateHolding', ...holding },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },
    async saveMandateIfNewer(mandate) {
      return ignoreConditionFailure(
        db.send(
          new PutCommand({
            TableName: table,
            Item: {
              pk: `MANDATEHELD#${mandate.holderPersonId}`,
              sk: `MANDATE#${mandate.mandateId}`,
              entity: 'Mandate',
              ...mandate,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
            ExpressionAttributeValues: { ':version': mandate.version },
          }),
        ),
      );
    },
    async mandatesHeldBy(personId) {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: { ':pk': `MANDATEHELD#${personId}`, ':sk': 'MANDATE#' },
          ConsistentRead: true,
        }),
      );
      return (out.Items ?? []).map((i) => MandateChanged.parse(strip(i))).filter((m) => m.active);
    },
    async certificatesOf(householdId) {
      const out = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: { ':pk': `HOUSEHOLD#${householdId}`, ':sk': 'CERT#' },
          ConsistentRead: true,
        }),
      );
      return (out.Items ?? []).map((i) => strip(i) as unknown as CertificateHolding);
    },
  };
}

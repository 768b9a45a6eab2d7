import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { batchGetAll } from '../../../shared/aws/batch-get';
import { writtenIfCondition } from '../../../shared/aws/conditional-write';
import { HouseholdChanged, MandateChanged } from '../../../shared/events/catalog';
import type { ProjectionRepository } from '../domain/ports';
import type { CertificateHolding, HouseholdFacts } from '../domain/projection';
import { CertificateKind } from '../domain/schemes';
import { dynamoPersonFactsRepository } from './person-facts-repository';

const householdKey = (householdId: string) => ({ pk: `HOUSEHOLD#${householdId}`, sk: 'HOUSEHOLD' });
/** A household as stored: the registry's event data and the event it came from. */
const StoredHousehold = HouseholdChanged.extend({ sourceEventId: z.string() });

/**
 * A person's households, one item per person: planning reads everyone's by key in bulk
 * (BatchGetItem) instead of querying each person's memberships.
 */
const membershipsKey = (personId: string) => ({ pk: `MEMBER#${personId}`, sk: 'HOUSEHOLDS' });
/** Household ids as households name the person; a stale id is harmless (readers check the household's members). */
const StoredMemberships = z.object({ personId: z.string(), householdIds: z.set(z.string()) });

/** A household's certificates, one item per household, each under `cert_<certificate id>`. */
const certificatesKey = (householdId: string) => ({ pk: `HOUSEHOLD#${householdId}`, sk: 'CERTIFICATES' });
const HOLDING_PREFIX = 'cert_';
const StoredHoldings = z.object({ householdId: z.string() });
const StoredHolding = z.object({
  certificateId: z.string(),
  householdId: z.string(),
  kind: CertificateKind,
  revoked: z.boolean(),
}) satisfies z.ZodType<CertificateHolding>;
const holdingsOf = (item: Record<string, unknown>): CertificateHolding[] =>
  Object.entries(item)
    .filter(([name]) => name.startsWith(HOLDING_PREFIX))
    .map(([, holding]) => StoredHolding.parse(holding));
const strip = ({
  pk: _pk,
  sk: _sk,
  entity: _e,
  gsi1pk: _g1,
  gsi1sk: _g1s,
  ...rest
}: Record<string, unknown>) => rest;

/**
 * Payout's projection of registry facts in the payout table: persons (by id, and by
 * person reference through gsi1), households with a membership item per member, and the
 * certificates each household holds. Every write is conditional on being newer (or, for
 * revocations, final), so replaying any events leaves the same view.
 */
export function dynamoProjectionRepository(db: DynamoDBDocumentClient, table: string): ProjectionRepository {
  const persons = dynamoPersonFactsRepository(db, table);
  const householdsOfMany: ProjectionRepository['householdsOfMany'] = async (personIds) => {
    const stored = new Map(
      (await batchGetAll(db, table, personIds.map(membershipsKey))).map((item) => {
        const { personId, householdIds } = StoredMemberships.parse(item);
        return [personId, [...householdIds]] as const;
      }),
    );
    const memberships = personIds.map((personId) => [personId, stored.get(personId) ?? []] as const);
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

  const certificatesOfMany: ProjectionRepository['certificatesOfMany'] = async (householdIds) =>
    new Map(
      (await batchGetAll(db, table, householdIds.map(certificatesKey))).map(
        (item) => [StoredHoldings.parse(item).householdId, holdingsOf(item)] as const,
      ),
    );

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
      const saved = await writtenIfCondition(
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
      // A person's memberships item lets their households be found in bulk; adding an id
      // twice changes nothing, and a stale one is harmless, as readers check the members.
      for (const member of household.members) {
        if (!member.personId) continue;
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: membershipsKey(member.personId),
            UpdateExpression: 'SET entity = :e, personId = :p ADD householdIds :h',
            ExpressionAttributeValues: {
              ':e': 'HouseholdMemberships',
              ':p': member.personId,
              ':h': new Set([household.householdId]),
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
      // Issued: kept unless already there (a revocation that arrived first stays). Revoked:
      // written over whatever is there, so once revoked it stays revoked.
      const value = holding.revoked ? ':holding' : 'if_not_exists(#c, :holding)';
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: certificatesKey(holding.householdId),
          UpdateExpression: `SET entity = :e, householdId = :h, #c = ${value}`,
          ExpressionAttributeNames: { '#c': `${HOLDING_PREFIX}${holding.certificateId}` },
          ExpressionAttributeValues: {
            ':e': 'CertificateHoldings',
            ':h': holding.householdId,
            ':holding': StoredHolding.parse(holding),
          },
        }),
      );
    },
    async saveMandateIfNewer(mandate) {
      return writtenIfCondition(
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
    certificatesOfMany,
    async certificatesOf(householdId) {
      return (await certificatesOfMany([householdId])).get(householdId) ?? [];
    },
  };
}

import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { conditionFailed, conditionFailedAt } from '../../../shared/aws/conditional-write';
import { ConflictError, StaleVersionError } from '../../../shared/domain/errors';
import type {
  Certificate,
  CertificateHouseholds,
  CertificateRepository,
  HouseholdFacts,
  RegistrationFacts,
} from '../domain/certificate';
import { dynamoHouseholdRepository, householdKey } from './household-repository';

/*
 * Items:
 *   CERT#<id> / CERT                           the certificate; gsi1 by household, gsi2 by app user
 *   CERTCODE#<code> / CERTCODE                 verification code → certificate id
 *   CERTVALID#<householdId>#<kind> / CERTVALID the household's one valid certificate of a kind
 * The code lookup and the valid claim are written in the same transaction as the
 * certificate, so "one valid certificate per household and kind" and "one certificate per
 * code" are rules of the database, not of a read-then-write race.
 */
const certificateKey = (id: string) => ({ pk: `CERT#${id}`, sk: 'CERT' });
const codeKey = (code: string) => ({ pk: `CERTCODE#${code}`, sk: 'CERTCODE' });
const validKey = (householdId: string, kind: string) => ({
  pk: `CERTVALID#${householdId}#${kind}`,
  sk: 'CERTVALID',
});
const registrationKey = (id: string) => ({ pk: `BREG#${id}`, sk: 'BREG' });

/** The certificate's table item, indexed by household (gsi1) and by linked app user (gsi2). */
export function certificateItem(certificate: Certificate): Record<string, unknown> {
  return {
    ...certificateKey(certificate.certificateId),
    entity: 'Certificate',
    gsi1pk: `CERTHH#${certificate.householdId}`,
    gsi1sk: certificate.certificateId,
    ...(certificate.citizenSubject
      ? { gsi2pk: `CERTCITIZEN#${certificate.citizenSubject}`, gsi2sk: certificate.certificateId }
      : {}),
    ...certificate,
  };
}

const fromItem = (item: Record<string, unknown>): Certificate => {
  const { pk: _pk, sk: _sk, entity: _e, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, ...rest } = item;
  return rest as unknown as Certificate;
};

/**
 * Certificates in the registry table. A family's own list (`/v1/me/certificates`) is one
 * query on gsi2 by the app user stored with the certificate when it was issued, rather than
 * a walk from the user's registrations to households to certificates on every read. One key
 * per certificate is enough: a household that qualifies has exactly one child, so one
 * registration and at most one app user who submitted it.
 */
export function dynamoCertificateRepository(
  db: DynamoDBDocumentClient,
  table: string,
): CertificateRepository {
  const find = async (certificateId: string) => {
    const { Item } = await db.send(
      new GetCommand({ TableName: table, Key: certificateKey(certificateId), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  };
  const all = async (input: QueryCommandInput) => {
    const items: Certificate[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await db.send(
        new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      items.push(...(out.Items ?? []).map(fromItem));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  };

  return {
    find,

    async add(certificate, householdVersion) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: certificateItem(certificate),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: {
                    ...codeKey(certificate.verificationCode),
                    entity: 'CertificateCode',
                    certificateId: certificate.certificateId,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: {
                    ...validKey(certificate.householdId, certificate.kind),
                    entity: 'CertificateClaim',
                    certificateId: certificate.certificateId,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                // Eligibility was derived from this version of the household: a child added
                // or a death recorded since then must be looked at again.
                ConditionCheck: {
                  TableName: table,
                  Key: householdKey(certificate.householdId),
                  ConditionExpression: 'version = :version',
                  ExpressionAttributeValues: { ':version': householdVersion },
                },
              },
            ],
          }),
        );
        return 'added';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const failed = (i: number) => conditionFailedAt(error, i);
        if (failed(2)) {
          throw new ConflictError({
            en: `The household already holds a valid ${certificate.kind} certificate.`,
            zh: `该家庭已持有有效的 ${certificate.kind} 证书。`,
          });
        }
        if (failed(3)) {
          throw new ConflictError('The household changed meanwhile; read it again and retry.');
        }
        if (failed(0) || failed(1)) return 'code-taken';
        throw error;
      }
    },

    async findByCode(code) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: codeKey(code), ConsistentRead: true }),
      );
      return Item ? find(String(Item.certificateId)) : undefined;
    },

    listByHousehold: (householdId) =>
      all({
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `CERTHH#${householdId}` },
      }),

    async revoke(next, expectedVersion) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: certificateItem(next),
                  ConditionExpression: 'version = :expected',
                  ExpressionAttributeValues: { ':expected': expectedVersion },
                },
              },
              {
                // Only this certificate's own claim is released, never a successor's.
                Delete: {
                  TableName: table,
                  Key: validKey(next.householdId, next.kind),
                  ConditionExpression: 'attribute_not_exists(pk) OR certificateId = :id',
                  ExpressionAttributeValues: { ':id': next.certificateId },
                },
              },
            ],
          }),
        );
      } catch (error) {
        // A transaction cancelled by another writer's (a conflict) is as stale as a failed condition.
        if (error instanceof TransactionCanceledException || conditionFailed(error)) {
          throw new StaleVersionError(
            'The certificate was changed by someone else; read it again and retry.',
          );
        }
        throw error;
      }
    },
  };
}

/** Only these attributes of a birth registration are read: no resident IDs, encrypted or not. */
const REGISTRATION_FACTS = ['registrationId', 'regionScope', 'submittedBy', 'channel'] as const;

/**
 * Households with the facts of their children's registrations. Of each registration only
 * the plain attributes above are projected, straight from the table rather than through the
 * registration repository (which decrypts resident IDs with the field cipher), so this
 * function needs no encryption key and never holds a resident ID.
 */
export function dynamoCertificateHouseholds(
  db: DynamoDBDocumentClient,
  table: string,
): CertificateHouseholds {
  const households = dynamoHouseholdRepository(db, table);
  return {
    async find(householdId) {
      const household = await households.find(householdId);
      if (!household) return undefined;
      const ids = [
        ...new Set(household.members.flatMap((m) => (m.registrationId ? [m.registrationId] : []))),
      ];
      const registrations: RegistrationFacts[] = [];
      // A household has a handful of children, so one batch (at most 100 keys) is plenty;
      // keys the service leaves unprocessed are asked for again.
      let keys: Record<string, unknown>[] = ids.map(registrationKey);
      while (keys.length > 0) {
        const out = await db.send(
          new BatchGetCommand({
            RequestItems: {
              [table]: {
                Keys: keys.slice(0, 100),
                ConsistentRead: true,
                ProjectionExpression: REGISTRATION_FACTS.map((_, i) => `#f${i}`).join(', '),
                ExpressionAttributeNames: Object.fromEntries(REGISTRATION_FACTS.map((f, i) => [`#f${i}`, f])),
              },
            },
          }),
        );
        registrations.push(...((out.Responses?.[table] ?? []) as unknown as RegistrationFacts[]));
        keys = [
          ...((out.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[]),
          ...keys.slice(100),
        ];
      }
      return { household, registrations } satisfies HouseholdFacts;
    },
  };
}
